//! The activity page: the activity with its attendance credits, photos and aid.

use askama::Template;
use askama_web::WebTemplate;
use uuid::Uuid;

use super::db::{self as queries, ActivityRow};
use crate::auth::Staff;
use crate::db::Tx;
use crate::error::Result;
use crate::web::context::PageCtx;
use crate::web::forms::FieldErrors;
use crate::web::scope;

#[derive(Template, WebTemplate)]
#[template(path = "activities/show.html")]
pub struct ActivityPage {
    pub ctx: PageCtx,
    pub activity: ActivityRow,
    pub can_manage: bool,
    pub credits: Vec<queries::CreditCandidate>,
    pub photos: Vec<Uuid>,
    pub aid_total_fen: i64,
    pub aid_count: i64,
    pub errors: FieldErrors,
    pub duties: [&'static str; 5],
    pub aid_kinds: [&'static str; 5],
}

pub async fn activity_page(
    tx: &mut Tx,
    staff: &Staff,
    ctx: PageCtx,
    activity: ActivityRow,
    errors: FieldErrors,
) -> Result<ActivityPage> {
    let street = staff.user.street_id;
    let photos = sqlx::query_scalar!("SELECT id FROM activity_photo WHERE street_id = $1 AND activity_id = $2 ORDER BY created_at", street.0, activity.id)
        .fetch_all(&mut **tx)
        .await?;
    let aid = sqlx::query!(
        r#"SELECT count(*) AS "n!", coalesce(sum(amount_fen), 0)::bigint AS "fen!" FROM aid WHERE street_id = $1 AND activity_id = $2"#,
        street.0,
        activity.id
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(ActivityPage {
        can_manage: scope::manages(staff, &activity),
        credits: queries::credit_candidates(tx, street, activity.id).await?,
        photos,
        aid_total_fen: aid.fen,
        aid_count: aid.n,
        ctx,
        activity,
        errors,
        duties: [
            "home_visit",
            "talk",
            "teacher_contact",
            "guardian_contact",
            "letter",
        ],
        aid_kinds: crate::domain::money::AID_KINDS,
    })
}

impl ActivityPage {
    fn yuan(&self, fen: &i64) -> String {
        crate::domain::money::format_yuan(*fen)
    }
}
