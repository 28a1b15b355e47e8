//! Aid (资助/慰问) to children: one at a time, or the same aid for every child who attended an
//! activity. Money is kept in fen.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::handlers::{activity_page, load_managed};
use crate::audit;
use crate::auth::Staff;
use crate::auth::Tenant;
use crate::db;
use crate::domain::ids::{ChildId, StreetId, UserId};
use crate::domain::money::{AID_KINDS, format_yuan, parse_yuan};
use crate::domain::semester::today_in_china;
use crate::error::Result;
use crate::web::PathId;
use crate::web::children::handlers::child_page;
use crate::web::children::view::load_in_scope;
use crate::web::context::{PageCtx, RequestContext};
use crate::web::forms::{FieldErrors, optional_text, required_past_date};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AidForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    given_on: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    donor: String,
    #[serde(default)]
    note: String,
}

struct AidInput {
    kind: String,
    given_on: NaiveDate,
    fen: i64,
    donor: String,
    note: String,
}

fn validate(form: &AidForm) -> Result<AidInput, FieldErrors> {
    let mut e = FieldErrors::default();
    if !AID_KINDS.contains(&form.kind.as_str()) {
        e.add("aid_kind", "form.error.required");
    }
    let given_on = required_past_date(&mut e, "aid_given_on", &form.given_on);
    let fen = if form.amount.trim().is_empty() {
        Some(0)
    } else {
        parse_yuan(&form.amount)
    };
    if fen.is_none() {
        e.add("aid_amount", "aid.error.amount");
    }
    let donor = optional_text(&mut e, "aid_donor", &form.donor, 100);
    let note = optional_text(&mut e, "aid_note", &form.note, 500);
    match (given_on, fen) {
        (Some(given_on), Some(fen)) if e.is_empty() => Ok(AidInput {
            kind: form.kind.clone(),
            given_on,
            fen,
            donor,
            note,
        }),
        _ => Err(e),
    }
}

async fn insert(
    tx: &mut db::Tx,
    street: StreetId,
    child: Uuid,
    activity: Option<Uuid>,
    a: &AidInput,
    by: UserId,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::now_v7();
    sqlx::query!(
        "INSERT INTO aid (street_id, id, child_id, activity_id, kind, given_on, amount_fen, donor, note, recorded_by)
         VALUES ($1, $2, $3, $4, $5::text::aid_kind, $6, $7, $8, $9, $10)",
        street.0,
        id,
        child,
        activity,
        a.kind,
        a.given_on,
        a.fen,
        a.donor,
        a.note,
        by.0
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn record_child_aid(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<ChildId>,
    Form(form): Form<AidForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let child = load_in_scope(&mut tx, &staff, id).await?;
    let input = match validate(&form) {
        Ok(i) => i,
        Err(e) => {
            let page = child_page(&mut tx, &staff, PageCtx::from(rctx), child, e).await?;
            tx.commit().await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let aid = insert(&mut tx, user.street_id, id.0, None, &input, user.user_id).await?;
    audit::record(
        &mut tx,
        "aid_recorded",
        "child",
        Some(id.0),
        &ip,
        json!({ "aid": aid, "fen": input.fen }),
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/children/{id}#timeline")).into_response())
}

/// The same aid for every child recorded as attending the activity (a condolence visit).
pub async fn record_activity_aid(
    tenant: Tenant,
    rctx: RequestContext,
    staff: Staff,
    PathId(id): PathId<Uuid>,
    Form(form): Form<AidForm>,
) -> Result<Response> {
    let ip = rctx.ip.to_string();
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let activity = load_managed(&mut tx, &staff, id).await?;
    let children = sqlx::query_scalar!(
        r#"SELECT child_id AS "child_id!" FROM attendance WHERE street_id = $1 AND activity_id = $2 AND child_id IS NOT NULL"#,
        user.street_id.0,
        id
    )
    .fetch_all(&mut *tx)
    .await?;
    let input = match validate(&form) {
        Ok(i) if !children.is_empty() => i,
        result => {
            let mut e = result.err().unwrap_or_default();
            if children.is_empty() {
                e.add("aid_kind", "aid.error.no_attendance");
            }
            let page = activity_page(&mut tx, &staff, PageCtx::from(rctx), activity, e).await?;
            tx.commit().await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    for child in &children {
        let aid = insert(
            &mut tx,
            user.street_id,
            *child,
            Some(id),
            &input,
            user.user_id,
        )
        .await?;
        audit::record(
            &mut tx,
            "aid_recorded",
            "child",
            Some(*child),
            &ip,
            json!({ "aid": aid, "activity": id, "fen": input.fen }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&format!("/activities/{id}#aid")).into_response())
}

/// Aid per community and quarter of a year.
pub struct AidTotal {
    pub community: String,
    pub quarter: i32,
    pub count: i64,
    pub fen: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "activities/aid.html")]
pub struct AidPage {
    ctx: PageCtx,
    year: i32,
    totals: Vec<AidTotal>,
    total_fen: i64,
    total_count: i64,
}

impl AidPage {
    /// A quarter of the page's year as people name it (2026年第三季度).
    fn quarter_label(&self, number: &i32) -> String {
        crate::domain::semester::Quarter {
            year: self.year,
            number: (*number).clamp(1, 4) as u32,
        }
        .label(self.ctx.lang)
    }
    fn yuan(&self, fen: &i64) -> String {
        format_yuan(*fen)
    }
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

pub async fn aid_totals(
    tenant: Tenant,
    ctx: PageCtx,
    staff: Staff,
    Query(q): Query<YearQuery>,
) -> Result<AidPage> {
    let year = q
        .year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(|| today_in_china().year());
    let user = &staff.user;
    let mut tx = tenant.begin().await?;
    let rows = sqlx::query!(
        r#"SELECT m.name AS community, extract(quarter FROM a.given_on)::int AS "quarter!", count(*) AS "count!",
                  sum(a.amount_fen)::bigint AS "fen!"
           FROM aid a
           JOIN child c ON c.street_id = a.street_id AND c.id = a.child_id
           JOIN community m ON m.street_id = c.street_id AND m.id = c.community_id
           WHERE a.street_id = $1 AND ($2::uuid IS NULL OR c.community_id = $2)
             AND a.given_on >= make_date($3, 1, 1) AND a.given_on < make_date($3 + 1, 1, 1)
           GROUP BY m.name, 2 ORDER BY m.name, 2"#,
        user.street_id.0,
        staff.scope.filter(),
        year,
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let totals: Vec<AidTotal> = rows
        .into_iter()
        .map(|r| AidTotal {
            community: r.community,
            quarter: r.quarter,
            count: r.count,
            fen: r.fen,
        })
        .collect();
    Ok(AidPage {
        ctx,
        year,
        total_fen: totals.iter().map(|t| t.fen).sum(),
        total_count: totals.iter().map(|t| t.count).sum(),
        totals,
    })
}
