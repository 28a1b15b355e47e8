//! The child page: the file with everything recorded about the child, in one timeline.

use askama::Template;
use askama_web::WebTemplate;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::db::{
    self as queries, ChildRecord, ConsentRow, GuardianRow, StatusChangeRow, TimelineEntry,
};
use crate::audit;
use crate::auth::Staff;
use crate::db::Tx;
use crate::domain::child::ChildStatus;
use crate::domain::child::{AgeFlag, ConsentScope, age_flag, age_on};
use crate::domain::ids::ChildId;
use crate::domain::semester::{Semester, today_in_china};
use crate::error::Result;
use crate::web::context::PageCtx;
use crate::web::forms::FieldErrors;
use crate::web::visits::db::{self as visits, CommentRow, FollowUpRow, VisitRow};

/// One note about the child: a change to the file, a visit, a comment or a follow-up.
pub enum Note {
    Change(TimelineEntry),
    Visit(VisitRow),
    Comment(CommentRow),
    FollowUp(FollowUpRow),
    /// Took part in an activity: (activity id, title, kind).
    Attended(uuid::Uuid, String, String),
    /// Received aid: (kind, fen, donor).
    Aid(String, i64, String),
}

/// A note with the day it belongs to, for the one timeline of everything about a child.
pub struct TimelineItem {
    pub day: NaiveDate,
    pub at: DateTime<Utc>,
    pub note: Note,
}

/// Everything the child page shows besides the file itself.
pub struct ChildDetails {
    pub guardians: Vec<GuardianRow>,
    pub consents: Vec<ConsentRow>,
    pub history: Vec<StatusChangeRow>,
    /// Newest first: file changes, visits, comments and follow-ups together.
    pub timeline: Vec<TimelineItem>,
    pub today: NaiveDate,
    pub age: i32,
    pub age_flag: Option<&'static str>,
    pub verified_this_semester: bool,
    pub semester_start: NaiveDate,
    pub transfer_targets: Vec<(Uuid, String)>,
}

impl ChildDetails {
    pub async fn load(tx: &mut Tx, staff: &Staff, child: &ChildRecord) -> Result<ChildDetails> {
        let street = staff.user.street_id;
        let id = ChildId(child.id);
        let today = today_in_china();
        let semester_start = Semester::containing(today).start();
        let transfer_targets = if staff.scope == crate::auth::extract::CommunityScope::All {
            crate::web::communities::db::choices(tx, street, None)
                .await?
                .into_iter()
                .filter(|c| c.id != child.community_id)
                .map(|c| (c.id, c.name))
                .collect()
        } else {
            Vec::new()
        };
        let china = crate::domain::semester::china_offset();
        let mut timeline: Vec<TimelineItem> = Vec::new();
        for change in queries::timeline(tx, street, id).await? {
            timeline.push(TimelineItem {
                day: change.at.date_naive(),
                at: change.at.with_timezone(&Utc),
                note: Note::Change(change),
            });
        }
        for visit in visits::visits_of_child(tx, street, id, None).await? {
            timeline.push(TimelineItem {
                day: visit.visited_on,
                at: visit.created_at,
                note: Note::Visit(visit),
            });
        }
        for comment in visits::comments_of_child(tx, street, id).await? {
            timeline.push(TimelineItem {
                day: comment.created_at.with_timezone(&china).date_naive(),
                at: comment.created_at,
                note: Note::Comment(comment),
            });
        }
        for f in visits::follow_ups_of_child(tx, street, id).await? {
            timeline.push(TimelineItem {
                day: f.created_at.with_timezone(&china).date_naive(),
                at: f.created_at,
                note: Note::FollowUp(f),
            });
        }
        let attended = sqlx::query!(
            r#"SELECT a.id, a.title, a.kind::text AS "kind!", a.starts_at FROM attendance t
               JOIN activity a ON a.street_id = t.street_id AND a.id = t.activity_id
               WHERE t.street_id = $1 AND t.child_id = $2"#,
            street.0,
            child.id
        )
        .fetch_all(&mut **tx)
        .await?;
        for a in attended {
            timeline.push(TimelineItem {
                day: a.starts_at.with_timezone(&china).date_naive(),
                at: a.starts_at,
                note: Note::Attended(a.id, a.title, a.kind),
            });
        }
        let aid = sqlx::query!(
            r#"SELECT kind::text AS "kind!", amount_fen, donor, given_on, created_at FROM aid WHERE street_id = $1 AND child_id = $2"#,
            street.0,
            child.id
        )
        .fetch_all(&mut **tx)
        .await?;
        for a in aid {
            timeline.push(TimelineItem {
                day: a.given_on,
                at: a.created_at,
                note: Note::Aid(a.kind, a.amount_fen, a.donor),
            });
        }
        timeline.sort_by(|a, b| (b.day, b.at).cmp(&(a.day, a.at)));
        Ok(ChildDetails {
            guardians: queries::guardians(tx, street, id).await?,
            consents: queries::consents(tx, street, id).await?,
            history: queries::status_history(tx, street, id).await?,
            timeline,
            today,
            age: age_on(child.birth_date, today),
            age_flag: match age_flag(child.birth_date, today) {
                AgeFlag::None => None,
                AgeFlag::TurningSixteenSoon => Some("child.flag.turning_sixteen"),
                AgeFlag::SixteenOrOlder => Some("child.flag.sixteen"),
            },
            verified_this_semester: child.verified_on.is_some_and(|v| v >= semester_start),
            semester_start,
            transfer_targets,
        })
    }

    /// Whether the guardian's consent for a section is on record and not withdrawn.
    pub fn consented(&self, scope: &str) -> bool {
        let Some(scope) = ConsentScope::from_key(scope) else {
            return false;
        };
        self.consents
            .iter()
            .any(|c| c.scope == scope && c.withdrawn_on.is_none())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "children/show.html")]
pub struct ChildPage {
    pub ctx: PageCtx,
    pub child: ChildRecord,
    pub d: ChildDetails,
    pub is_admin: bool,
    pub consent_scopes: Vec<&'static str>,
    pub relations: Vec<&'static str>,
    pub methods: Vec<&'static str>,
    pub statuses: Vec<&'static str>,
    pub errors: FieldErrors,
    pub aid_kinds: [&'static str; 5],
}

/// The child page. Showing it is a view of the file, so it is audited here, whatever led to it.
pub async fn child_page(
    tx: &mut Tx,
    staff: &Staff,
    ctx: PageCtx,
    child: ChildRecord,
    errors: FieldErrors,
) -> Result<ChildPage> {
    use crate::domain::child::{ConsentMethod, ConsentScope, Relation};
    let d = ChildDetails::load(tx, staff, &child).await?;
    // Last, just before the caller commits: appending to the audit chain holds the street's
    // chain lock until commit, and every other view and change in the street waits for it.
    audit::record(
        tx,
        "child_viewed",
        "child",
        Some(child.id),
        &ctx.ip,
        json!({}),
    )
    .await?;
    Ok(ChildPage {
        ctx,
        child,
        d,
        is_admin: staff.scope == crate::auth::extract::CommunityScope::All,
        consent_scopes: ConsentScope::keys(),
        relations: Relation::keys(),
        methods: ConsentMethod::keys(),
        statuses: ChildStatus::keys()
            .into_iter()
            .filter(|s| *s != "active")
            .collect(),
        errors,
        aid_kinds: crate::domain::money::AID_KINDS,
    })
}
