//! The annual compliance export (PIPL Art. 54 audits; the 2019 CAC provisions on children's
//! personal information): for one year, files held, consents given and withdrawn, file views,
//! ID-number reveals, exports, anonymisations and the accounts with access by role, in one
//! .xlsx. Street admins only; the export itself is audited.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_xlsxwriter::Workbook;
use serde::Deserialize;
use serde_json::json;

use crate::audit;
use crate::auth::StreetAdmin;
use crate::auth::Tenant;
use crate::db::Tx;
use crate::domain::ids::StreetId;
use crate::domain::semester::{china_offset, today_in_china};
use crate::error::{AppError, Result};
use crate::i18n::{Catalog, catalog};
use crate::state::AppState;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::xlsx::{bold, xlsx};

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

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/compliance", get(compliance_page))
        .route("/compliance/export.xlsx", get(export_compliance))
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

/// The year asked for, between 2000 and this year (default: last year, the one being audited).
fn year_of(q: &YearQuery) -> Result<i32> {
    let this_year = today_in_china().year();
    match q.year {
        None => Ok(this_year - 1),
        Some(y) if (2000..=this_year).contains(&y) => Ok(y),
        Some(_) => Err(AppError::NotFound),
    }
}

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

pub async fn figures(tx: &mut Tx, street: StreetId, year: i32) -> Result<Figures, sqlx::Error> {
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
    .fetch_one(&mut **tx)
    .await?;
    let files_closed = sqlx::query_scalar!(
        r#"SELECT count(DISTINCT child_id) AS "n!" FROM child_status_change
           WHERE street_id = $1 AND to_status <> 'active' AND changed_on BETWEEN $2 AND $3"#,
        street.0,
        first_day,
        last_day
    )
    .fetch_one(&mut **tx)
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
    .fetch_all(&mut **tx)
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
    .fetch_all(&mut **tx)
    .await?;
    let accounts = sqlx::query!(
        r#"SELECT role::text AS "role!", count(*) AS "n!" FROM app_user
           WHERE street_id = $1 AND created_at < $3 AND (disabled_at IS NULL OR disabled_at >= $2)
           GROUP BY role"#,
        street.0,
        start,
        end
    )
    .fetch_all(&mut **tx)
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
struct EventRow {
    at: DateTime<Utc>,
    user: String,
    action: String,
    entity_id: String,
    detail: String,
}

async fn events(
    tx: &mut Tx,
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
    .fetch_all(&mut **tx)
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

struct AccountRow {
    login: String,
    name: String,
    role: String,
    community: String,
    created: String,
    disabled: String,
    last_login: String,
    totp: bool,
}

async fn accounts(tx: &mut Tx, street: StreetId) -> Result<Vec<AccountRow>, sqlx::Error> {
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
    .fetch_all(&mut **tx)
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

#[derive(Template, WebTemplate)]
#[template(path = "compliance/show.html")]
pub struct CompliancePage {
    ctx: PageCtx,
    f: Figures,
    years: Vec<i32>,
}

pub async fn compliance_page(
    tenant: Tenant,
    ctx: PageCtx,
    StreetAdmin(admin): StreetAdmin,
    Query(q): Query<YearQuery>,
) -> Result<CompliancePage> {
    let year = year_of(&q)?;
    let mut tx = tenant.begin().await?;
    let f = figures(&mut tx, admin.street_id, year).await?;
    tx.commit().await?;
    let this_year = today_in_china().year();
    Ok(CompliancePage {
        ctx,
        f,
        years: (this_year - 5..=this_year).rev().collect(),
    })
}

pub async fn export_compliance(
    tenant: Tenant,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    Query(q): Query<YearQuery>,
) -> Result<Response> {
    let year = year_of(&q)?;
    let mut tx = tenant.begin().await?;
    let f = figures(&mut tx, admin.street_id, year).await?;
    let exports = events(&mut tx, admin.street_id, year, EXPORT_ACTIONS).await?;
    let reveals = events(&mut tx, admin.street_id, year, &["id_number_revealed"]).await?;
    let anonymised = events(&mut tx, admin.street_id, year, &["child_anonymised"]).await?;
    let accounts = accounts(&mut tx, admin.street_id).await?;
    audit::record(
        &mut tx,
        "compliance_exported",
        "street",
        Some(admin.street_id.0),
        &rctx.ip.to_string(),
        json!({ "year": year }),
    )
    .await?;
    tx.commit().await?;
    let t = catalog(rctx.lang);
    let bytes =
        workbook(t, &f, &exports, &reveals, &anonymised, &accounts).map_err(AppError::internal)?;
    Ok(xlsx(bytes, &format!("compliance-{year}.xlsx")).into_response())
}

fn workbook(
    t: &Catalog,
    f: &Figures,
    exports: &[EventRow],
    reveals: &[EventRow],
    anonymised: &[EventRow],
    accounts: &[AccountRow],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let head = bold();
    let summary = book
        .add_worksheet()
        .set_name(t.t("compliance.sheet.summary"))?;
    summary.write_string_with_format(0, 0, t.t("compliance.figure"), &head)?;
    summary.write_string_with_format(0, 1, f.year.to_string(), &head)?;
    let mut lines: Vec<(String, i64)> = vec![
        (t.t("compliance.files_held").to_string(), f.files_held),
        (t.t("compliance.files_opened").to_string(), f.files_opened),
        (t.t("compliance.files_closed").to_string(), f.files_closed),
        (
            t.t("compliance.consents_given").to_string(),
            f.consents_given(),
        ),
        (
            t.t("compliance.consents_withdrawn").to_string(),
            f.consents_withdrawn(),
        ),
        (t.t("compliance.file_views").to_string(), f.file_views),
        (
            t.t("compliance.children_viewed").to_string(),
            f.children_viewed,
        ),
        (t.t("compliance.id_reveals").to_string(), f.id_reveals),
        (t.t("compliance.exports").to_string(), f.exports_total()),
        (t.t("compliance.anonymised").to_string(), f.anonymised),
        (t.t("compliance.access_denied").to_string(), f.access_denied),
    ];
    for (scope, given, withdrawn) in &f.consents {
        let label = t.t(&format!("consent.scope.{scope}")).to_string();
        lines.push((
            format!("{} · {label}", t.t("compliance.consents_given")),
            *given,
        ));
        lines.push((
            format!("{} · {label}", t.t("compliance.consents_withdrawn")),
            *withdrawn,
        ));
    }
    for (action, n) in &f.exports {
        lines.push((t.t(&format!("audit.action.{action}")).to_string(), *n));
    }
    for role in ["street_admin", "community_staff", "volunteer"] {
        lines.push((
            format!(
                "{} · {}",
                t.t("compliance.accounts"),
                t.t(&format!("role.{role}"))
            ),
            f.accounts_of(role),
        ));
    }
    for (i, (label, value)) in lines.iter().enumerate() {
        summary.write_string(i as u32 + 1, 0, label)?;
        summary.write_number(i as u32 + 1, 1, *value as f64)?;
    }
    summary.set_column_width(0, 40)?;
    for (name, rows) in [
        ("compliance.sheet.exports", exports),
        ("compliance.sheet.reveals", reveals),
        ("compliance.sheet.anonymised", anonymised),
    ] {
        let sheet = book.add_worksheet().set_name(t.t(name))?;
        for (i, h) in [
            "audit.at",
            "audit.user",
            "audit.action",
            "audit.entity",
            "audit.detail",
        ]
        .iter()
        .enumerate()
        {
            sheet.write_string_with_format(0, i as u16, t.t(h), &head)?;
        }
        for (r, e) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            sheet.write_string(
                r,
                0,
                e.at.with_timezone(&china_offset())
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string(),
            )?;
            sheet.write_string(r, 1, &e.user)?;
            sheet.write_string(r, 2, t.t(&format!("audit.action.{}", e.action)))?;
            sheet.write_string(r, 3, &e.entity_id)?;
            sheet.write_string(r, 4, &e.detail)?;
        }
        sheet.set_column_width(0, 20)?;
        sheet.set_column_width(4, 60)?;
    }
    let sheet = book
        .add_worksheet()
        .set_name(t.t("compliance.sheet.accounts"))?;
    for (i, h) in [
        "user.login",
        "user.display_name",
        "user.role",
        "user.community",
        "compliance.created",
        "compliance.disabled",
        "compliance.last_login",
        "compliance.totp",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string_with_format(0, i as u16, t.t(h), &head)?;
    }
    for (r, a) in accounts.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, &a.login)?;
        sheet.write_string(r, 1, &a.name)?;
        sheet.write_string(r, 2, t.t(&format!("role.{}", a.role)))?;
        sheet.write_string(r, 3, &a.community)?;
        sheet.write_string(r, 4, &a.created)?;
        sheet.write_string(r, 5, &a.disabled)?;
        sheet.write_string(r, 6, &a.last_login)?;
        sheet.write_string(r, 7, if a.totp { "✓" } else { "" })?;
    }
    book.save_to_buffer()
}
