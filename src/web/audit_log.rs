//! The audit viewer of a street admin: every event of the street, filtered by user, child,
//! action and date range, 50 a page, exported to .xlsx; and whether the hash chain is intact.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, NaiveDate, Utc};
use rust_xlsxwriter::Workbook;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, BrokenLink, first_broken_link};
use crate::auth::StreetAdmin;
use crate::auth::Tenant;
use crate::db::Tx;
use crate::domain::ids::StreetId;
use crate::domain::semester::china_offset;
use crate::error::{AppError, Result};
use crate::state::AppState;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::forms::FieldErrors;
use crate::web::xlsx::{bold, xlsx};

pub const PAGE_SIZE: i64 = 50;

/// Every action the product records; each has a label `audit.action.<key>`.
pub const ACTIONS: &[&str] = &[
    "access_denied",
    "activity_cancelled",
    "activity_created",
    "activity_summary_saved",
    "activity_updated",
    "aid_recorded",
    "api_token_created",
    "api_token_revoked",
    "attendance_recorded",
    "attendance_walk_in",
    "audit_exported",
    "child_anonymised",
    "child_created",
    "child_printed",
    "child_status_changed",
    "child_transferred",
    "child_updated",
    "child_verified",
    "child_viewed",
    "children_exported",
    "children_imported",
    "community_created",
    "compliance_exported",
    "conduct_accepted",
    "consent_recorded",
    "consent_withdrawn",
    "duties_exported",
    "duty_credited",
    "evaluation_weights_changed",
    "follow_up_closed",
    "grid_created",
    "guardian_added",
    "guardian_removed",
    "guardian_updated",
    "id_number_revealed",
    "login",
    "login_failed",
    "logout",
    "pairing_created",
    "pairing_ended",
    "pairing_safeguarding_override",
    "password_changed",
    "password_check_failed",
    "password_reset",
    "photo_uploaded",
    "recovery_code_used",
    "report_exported",
    "report_narrative_saved",
    "report_transition",
    "retention_run",
    "settings_changed",
    "street_created",
    "street_report_exported",
    "totp_disabled",
    "totp_enrolled",
    "totp_failed",
    "user_created",
    "user_disabled",
    "user_enabled",
    "visit_commented",
    "visit_logged",
    "volunteer_created",
    "volunteer_updated",
    "volunteers_exported",
    "volunteers_imported",
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit", get(audit_page))
        .route("/audit/export.xlsx", get(export_audit))
}

/// The filters, kept in the URL.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub user: String,
    /// A child's name (or its beginning), or a child id.
    #[serde(default)]
    pub child: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub page: Option<i64>,
}

/// Checked filters: `None` is "any".
struct Filters {
    user: Option<Uuid>,
    child: Option<String>,
    action: Option<String>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

impl AuditQuery {
    fn filters(&self) -> (Filters, FieldErrors) {
        let mut e = FieldErrors::default();
        let day = |e: &mut FieldErrors, field: &'static str, v: &str| -> Option<NaiveDate> {
            let v = v.trim();
            if v.is_empty() {
                return None;
            }
            let d = NaiveDate::parse_from_str(v, "%Y-%m-%d").ok();
            if d.is_none() {
                e.add(field, "form.error.date");
            }
            d
        };
        let from = day(&mut e, "from", &self.from);
        let to = day(&mut e, "to", &self.to);
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                e.add("to", "audit.error.range");
            }
        }
        // Days are China's days.
        let start = |d: NaiveDate| {
            d.and_hms_opt(0, 0, 0)
                .unwrap()
                .and_local_timezone(china_offset())
                .unwrap()
                .with_timezone(&Utc)
        };
        let user = self.user.trim();
        let user = if user.is_empty() {
            None
        } else {
            match user.parse() {
                Ok(u) => Some(u),
                Err(_) => {
                    e.add("user", "audit.error.user");
                    None
                }
            }
        };
        let action = self.action.trim();
        let action = if action.is_empty() {
            None
        } else if ACTIONS.contains(&action) {
            Some(action.to_string())
        } else {
            e.add("action", "audit.error.action");
            None
        };
        let child = self.child.trim();
        let filters = Filters {
            user,
            child: (!child.is_empty()).then(|| child.chars().take(50).collect()),
            action,
            from: from.map(start),
            to: to.map(|d| start(d + chrono::Duration::days(1))),
        };
        (filters, e)
    }

    pub fn page(&self) -> i64 {
        self.page.unwrap_or(1).clamp(1, 100_000)
    }

    /// The query string of these filters (without the page).
    pub fn filter_query(&self) -> String {
        let pairs: Vec<(&str, &str)> = [
            ("user", &self.user),
            ("child", &self.child),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.trim()))
        .filter(|(_, v)| !v.is_empty())
        .collect();
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    }

    pub fn page_link(&self, page: i64) -> String {
        let q = self.filter_query();
        if q.is_empty() {
            format!("/audit?page={page}")
        } else {
            format!("/audit?{q}&page={page}")
        }
    }
}

pub struct AuditRow {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub user_name: String,
    pub user_login: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<Uuid>,
    pub child_name: Option<String>,
    pub ip: String,
    pub detail: String,
}

impl AuditRow {
    pub fn when(&self) -> String {
        self.at
            .with_timezone(&china_offset())
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    }

    /// The detail as a person reads it.
    pub fn detail_text(&self, lang: impl std::borrow::Borrow<crate::i18n::Lang>) -> String {
        crate::web::audit_detail::humanize(&self.detail, *lang.borrow())
    }

    pub fn action_key(&self) -> String {
        if ACTIONS.contains(&self.action.as_str()) {
            format!("audit.action.{}", self.action)
        } else {
            String::new()
        }
    }
}

async fn rows(
    tx: &mut Tx,
    street: StreetId,
    f: &Filters,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT e.seq, e.at, coalesce(u.display_name, '') AS "user_name!", coalesce(u.login, '') AS "user_login!",
                  e.action, e.entity, e.entity_id, c.name AS "child_name?", e.ip, e.detail::text AS "detail!"
           FROM audit_event e
           LEFT JOIN app_user u ON u.street_id = e.street_id AND u.id = e.user_id
           LEFT JOIN child c ON c.street_id = e.street_id AND e.entity = 'child' AND c.id = e.entity_id
           WHERE e.street_id = $1
             AND ($2::uuid IS NULL OR e.user_id = $2)
             AND ($3::text IS NULL OR e.action = $3)
             AND ($4::text IS NULL OR (e.entity = 'child' AND e.entity_id IN (
                    SELECT k.id FROM child k WHERE k.street_id = $1
                      AND (k.id::text = $4 OR k.name LIKE replace(replace(replace($4, '\', '\\'), '%', '\%'), '_', '\_') || '%'))))
             AND ($5::timestamptz IS NULL OR e.at >= $5)
             AND ($6::timestamptz IS NULL OR e.at < $6)
           ORDER BY e.seq DESC
           LIMIT $7 OFFSET $8"#,
        street.0,
        f.user,
        f.action,
        f.child,
        f.from,
        f.to,
        limit,
        offset
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditRow {
            seq: r.seq,
            at: r.at,
            user_name: r.user_name,
            user_login: r.user_login,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            child_name: r.child_name,
            ip: r.ip,
            detail: r.detail,
        })
        .collect())
}

async fn count(tx: &mut Tx, street: StreetId, f: &Filters) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM audit_event e
           WHERE e.street_id = $1
             AND ($2::uuid IS NULL OR e.user_id = $2)
             AND ($3::text IS NULL OR e.action = $3)
             AND ($4::text IS NULL OR (e.entity = 'child' AND e.entity_id IN (
                    SELECT k.id FROM child k WHERE k.street_id = $1
                      AND (k.id::text = $4 OR k.name LIKE replace(replace(replace($4, '\', '\\'), '%', '\%'), '_', '\_') || '%'))))
             AND ($5::timestamptz IS NULL OR e.at >= $5)
             AND ($6::timestamptz IS NULL OR e.at < $6)"#,
        street.0,
        f.user,
        f.action,
        f.child,
        f.from,
        f.to,
    )
    .fetch_one(&mut **tx)
    .await
}

/// The street's accounts, for the user filter: (id, name, login).
async fn users(tx: &mut Tx, street: StreetId) -> Result<Vec<(Uuid, String, String)>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT id, display_name, login FROM app_user WHERE street_id = $1 ORDER BY display_name, login",
        street.0
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| (r.id, r.display_name, r.login))
    .collect())
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/list.html")]
pub struct AuditPage {
    ctx: PageCtx,
    query: AuditQuery,
    errors: FieldErrors,
    rows: Vec<AuditRow>,
    total: i64,
    page: i64,
    pages: i64,
    users: Vec<(Uuid, String, String)>,
    actions: &'static [&'static str],
    broken: Option<BrokenLink>,
    events: i64,
}

impl AuditPage {
    fn err(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field)
    }
}

pub async fn audit_page(
    tenant: Tenant,
    ctx: PageCtx,
    StreetAdmin(admin): StreetAdmin,
    Query(query): Query<AuditQuery>,
) -> Result<Response> {
    let (filters, errors) = query.filters();
    let mut tx = tenant.begin().await?;
    let broken = first_broken_link(&mut tx).await?;
    let events = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM audit_event WHERE street_id = $1"#,
        admin.street_id.0
    )
    .fetch_one(&mut *tx)
    .await?;
    let (rows, total) = if errors.is_empty() {
        let total = count(&mut tx, admin.street_id, &filters).await?;
        let offset = (query.page() - 1) * PAGE_SIZE;
        (
            rows(&mut tx, admin.street_id, &filters, PAGE_SIZE, offset).await?,
            total,
        )
    } else {
        (Vec::new(), 0)
    };
    let users = users(&mut tx, admin.street_id).await?;
    tx.commit().await?;
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = AuditPage {
        ctx,
        page: query.page(),
        pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        query,
        errors,
        rows,
        total,
        users,
        actions: ACTIONS,
        broken,
        events,
    };
    Ok((status, page).into_response())
}

/// At most this many events in one export; narrower filters for more.
pub const EXPORT_LIMIT: i64 = 100_000;

pub async fn export_audit(
    tenant: Tenant,
    rctx: RequestContext,
    StreetAdmin(admin): StreetAdmin,
    Query(query): Query<AuditQuery>,
) -> Result<Response> {
    let (filters, errors) = query.filters();
    if !errors.is_empty() {
        return Err(AppError::BadRequest);
    }
    let mut tx = tenant.begin().await?;
    let rows = rows(&mut tx, admin.street_id, &filters, EXPORT_LIMIT, 0).await?;
    audit::record(
        &mut tx,
        "audit_exported",
        "street",
        Some(admin.street_id.0),
        &rctx.ip.to_string(),
        json!({ "rows": rows.len(), "filters": query.filter_query() }),
    )
    .await?;
    tx.commit().await?;
    let t = crate::i18n::catalog(rctx.lang);
    let bytes = workbook(&rows, rctx.lang, |k| t.t(k).to_string()).map_err(AppError::internal)?;
    Ok(xlsx(bytes, "audit.xlsx"))
}

fn workbook(
    rows: &[AuditRow],
    lang: crate::i18n::Lang,
    t: impl Fn(&str) -> String,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name(t("audit.title"))?;
    let headers = [
        "audit.seq",
        "audit.at",
        "audit.user",
        "audit.login",
        "audit.action",
        "audit.entity",
        "audit.child",
        "audit.ip",
        "audit.detail",
    ];
    for (i, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, t(h), &bold())?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        let key = row.action_key();
        let action = if key.is_empty() {
            row.action.clone()
        } else {
            t(&key)
        };
        sheet.write_number(r, 0, row.seq as f64)?;
        sheet.write_string(r, 1, row.when())?;
        sheet.write_string(r, 2, &row.user_name)?;
        sheet.write_string(r, 3, &row.user_login)?;
        sheet.write_string(r, 4, action)?;
        sheet.write_string(
            r,
            5,
            format!(
                "{} {}",
                t(&format!("audit.entity_kind.{}", row.entity)),
                row.entity_id.map(|i| i.to_string()).unwrap_or_default()
            ),
        )?;
        sheet.write_string(r, 6, row.child_name.clone().unwrap_or_default())?;
        sheet.write_string(r, 7, &row.ip)?;
        sheet.write_string(r, 8, crate::web::audit_detail::humanize(&row.detail, lang))?;
    }
    sheet.set_column_width(1, 20)?;
    sheet.set_column_width(8, 60)?;
    book.save_to_buffer()
}
