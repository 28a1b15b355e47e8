//! The compliance figures of a year and the events and accounts behind them.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;

use crate::domain::ids::StreetId;
use crate::domain::semester::china_offset;

/// Audit actions that take personal data out of the product.
pub const EXPORT_ACTIONS: &[&str] = &[
    "children_exported",
    "volunteers_exported",
    "duties_exported",
    "report_exported",
    "street_report_exported",
    "audit_exported",
    "compliance_exported",
];

/// China's 1 January of `year`, as an instant.
fn year_start(year: i32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_local_timezone(china_offset())
        .unwrap()
        .with_timezone(&Utc)
}

/// The year's figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub year: i32,
    /// Files held at the end of the year (made before it ended, not anonymised by then).
    pub files_held: i64,
    pub files_opened: i64,
    pub files_closed: i64,
    /// (scope, given in the year, withdrawn in the year)
    pub consents: Vec<(String, i64, i64)>,
    pub file_views: i64,
    pub children_viewed: i64,
    pub id_reveals: i64,
    /// action -> count
    pub exports: BTreeMap<String, i64>,
    pub anonymised: i64,
    pub access_denied: i64,
    /// role -> accounts that could sign in at some time in the year
    pub accounts: BTreeMap<String, i64>,
}

impl Figures {
    pub fn consents_given(&self) -> i64 {
        self.consents.iter().map(|c| c.1).sum()
    }

    pub fn consents_withdrawn(&self) -> i64 {
        self.consents.iter().map(|c| c.2).sum()
    }

    pub fn exports_total(&self) -> i64 {
        self.exports.values().sum()
    }

    pub fn accounts_of(&self, role: &str) -> i64 {
        self.accounts.get(role).copied().unwrap_or(0)
    }
}

pub async fn figures(
    conn: &mut PgConnection,
    street: StreetId,
    year: i32,
) -> Result<Figures, sqlx::Error> {
    let (start, end) = (year_start(year), year_start(year + 1));
    let (first_day, last_day) = (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap(),
    );
    let files = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE created_at < $3 AND (anonymised_at IS NULL OR anonymised_at >= $3)) AS "held!",
                  count(*) FILTER (WHERE created_at >= $2 AND created_at < $3) AS "opened!"
           FROM child WHERE street_id = $1"#,
        street.0,
        start,
        end
    )
    .fetch_one(&mut *conn)
    .await?;
    let files_closed = sqlx::query_scalar!(
        r#"SELECT count(DISTINCT child_id) AS "n!" FROM child_status_change
           WHERE street_id = $1 AND to_status <> 'active' AND changed_on BETWEEN $2 AND $3"#,
        street.0,
        first_day,
        last_day
    )
    .fetch_one(&mut *conn)
    .await?;
    let consents = sqlx::query!(
        r#"SELECT s.scope AS "scope!",
                  (SELECT count(*) FROM consent k WHERE k.street_id = $1 AND k.scope::text = s.scope AND k.given_on BETWEEN $2 AND $3) AS "given!",
                  (SELECT count(*) FROM consent k WHERE k.street_id = $1 AND k.scope::text = s.scope AND k.withdrawn_on BETWEEN $2 AND $3) AS "withdrawn!"
           FROM unnest(enum_range(NULL::consent_scope)::text[]) AS s(scope)"#,
        street.0,
        first_day,
        last_day
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.scope, r.given, r.withdrawn))
    .collect();
    let counts = sqlx::query!(
        r#"SELECT action AS "action!", count(*) AS "n!", count(DISTINCT entity_id) AS "distinct!"
           FROM audit_event WHERE street_id = $1 AND at >= $2 AND at < $3
             AND action IN ('child_viewed', 'id_number_revealed', 'child_anonymised', 'access_denied',
                            'children_exported', 'volunteers_exported', 'duties_exported', 'report_exported',
                            'street_report_exported', 'audit_exported', 'compliance_exported')
           GROUP BY action"#,
        street.0,
        start,
        end
    )
    .fetch_all(&mut *conn)
    .await?;
    let accounts = sqlx::query!(
        r#"SELECT role::text AS "role!", count(*) AS "n!" FROM app_user
           WHERE street_id = $1 AND created_at < $3 AND (disabled_at IS NULL OR disabled_at >= $2)
           GROUP BY role"#,
        street.0,
        start,
        end
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (r.role, r.n))
    .collect();
    let mut f = Figures {
        year,
        files_held: files.held,
        files_opened: files.opened,
        files_closed,
        consents,
        accounts,
        ..Figures::default()
    };
    for c in counts {
        match c.action.as_str() {
            "child_viewed" => {
                f.file_views = c.n;
                f.children_viewed = c.distinct;
            }
            "id_number_revealed" => f.id_reveals = c.n,
            "child_anonymised" => f.anonymised = c.n,
            "access_denied" => f.access_denied = c.n,
            _ => {
                f.exports.insert(c.action, c.n);
            }
        }
    }
    Ok(f)
}

/// One event for the detail sheets.
pub struct EventRow {
    pub at: DateTime<Utc>,
    pub user: String,
    pub action: String,
    pub entity_id: String,
    pub detail: String,
}

pub async fn events(
    conn: &mut PgConnection,
    street: StreetId,
    year: i32,
    actions: &[&str],
) -> Result<Vec<EventRow>, sqlx::Error> {
    let actions: Vec<String> = actions.iter().map(|a| a.to_string()).collect();
    Ok(sqlx::query!(
        r#"SELECT e.at, coalesce(u.display_name || ' · ' || u.login, '') AS "user!", e.action,
                  coalesce(e.entity_id::text, '') AS "entity_id!", e.detail::text AS "detail!"
           FROM audit_event e LEFT JOIN app_user u ON u.street_id = e.street_id AND u.id = e.user_id
           WHERE e.street_id = $1 AND e.at >= $2 AND e.at < $3 AND e.action = ANY($4)
           ORDER BY e.seq"#,
        street.0,
        year_start(year),
        year_start(year + 1),
        &actions
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| EventRow {
        at: r.at,
        user: r.user,
        action: r.action,
        entity_id: r.entity_id,
        detail: r.detail,
    })
    .collect())
}

pub struct AccountRow {
    pub login: String,
    pub name: String,
    pub role: String,
    pub community: String,
    pub created: String,
    pub disabled: String,
    pub last_login: String,
    pub totp: bool,
}

pub async fn accounts(
    conn: &mut PgConnection,
    street: StreetId,
) -> Result<Vec<AccountRow>, sqlx::Error> {
    let day = |t: Option<DateTime<Utc>>| {
        t.map(|t| {
            t.with_timezone(&china_offset())
                .format("%Y-%m-%d")
                .to_string()
        })
        .unwrap_or_default()
    };
    Ok(sqlx::query!(
        r#"SELECT u.login, u.display_name, u.role::text AS "role!", coalesce(c.name, '') AS "community!",
                  u.created_at, u.disabled_at, u.last_login_at, u.totp_enabled_at IS NOT NULL AS "totp!"
           FROM app_user u LEFT JOIN community c ON c.street_id = u.street_id AND c.id = u.community_id
           WHERE u.street_id = $1 ORDER BY u.role, u.login"#,
        street.0
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| AccountRow {
        login: r.login,
        name: r.display_name,
        role: r.role,
        community: r.community,
        created: day(Some(r.created_at)),
        disabled: day(r.disabled_at),
        last_login: day(r.last_login_at),
        totp: r.totp,
    })
    .collect())
}
