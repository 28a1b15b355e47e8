//! The pages of the child files: the list, the child page (the file with everything recorded
//! about the child, in one timeline), the file's form, the guardian form, the paper file and
//! the revealed ID number.

use askama::Template;
use askama_web::WebTemplate;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

use super::db::{ChildRecord, Duplicate};
use super::details_db::{self as details, ConsentRow, GuardianRow, StatusChangeRow, TimelineEntry};
use super::details_forms::GuardianForm;
use super::forms::{self, ChildForm, ListQuery};
use super::list_db::ListRow;
use crate::audit;
use crate::auth::Staff;
use crate::db::Tx;
use crate::domain::child::{
    AgeFlag, CareSituation, ChildStatus, ConsentMethod, ConsentScope, Relation, RiskLevel,
    age_flag, age_on,
};
use crate::domain::ids::{ActivityId, ChildId, GuardianId};
use crate::domain::semester::{Semester, today_in_china};
use crate::error::Result;
use crate::web::communities::db::CommunitySummary;
use crate::web::context::PageCtx;
use crate::web::edit::{self, Difference, EditPage};
use crate::web::forms::FieldErrors;
use crate::web::visits::db::{self as visits, CommentRow, FollowUpRow, VisitRow};

/// One note about the child: a change to the file, a visit, a comment or a follow-up.
pub enum Note {
    Change(TimelineEntry),
    Visit(VisitRow),
    Comment(CommentRow),
    FollowUp(FollowUpRow),
    /// Took part in an activity: (activity id, title, kind).
    Attended(ActivityId, String, String),
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
        let id = child.child_id();
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
        for change in details::timeline(tx, street, id).await? {
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
        for a in details::attended(tx, street, id).await? {
            timeline.push(TimelineItem {
                day: a.starts_at.with_timezone(&china).date_naive(),
                at: a.starts_at,
                note: Note::Attended(a.id, a.title, a.kind),
            });
        }
        for a in details::aid_received(tx, street, id).await? {
            timeline.push(TimelineItem {
                day: a.given_on,
                at: a.created_at,
                note: Note::Aid(a.kind, a.amount_fen, a.donor),
            });
        }
        timeline.sort_by(|a, b| (b.day, b.at).cmp(&(a.day, a.at)));
        Ok(ChildDetails {
            guardians: details::guardians(tx, street, id).await?,
            consents: details::consents(tx, street, id).await?,
            history: details::status_history(tx, street, id).await?,
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
    let d = ChildDetails::load(tx, staff, &child).await?;
    // Last, just before the caller commits: appending to the audit chain holds the street's
    // chain lock until commit, and every other view and change in the street waits for it.
    audit::child_viewed(tx, child.child_id(), &ctx.ip, json!({})).await?;
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

#[derive(Template, WebTemplate)]
#[template(path = "children/list.html")]
pub struct ChildrenPage {
    pub ctx: PageCtx,
    pub rows: Vec<ListRow>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub query: ListQuery,
    pub communities: Vec<CommunitySummary>,
    pub grids: Vec<(Uuid, Uuid, String)>,
    pub is_admin: bool,
    pub statuses: &'static [ChildStatus],
    pub risks: &'static [RiskLevel],
    pub cares: &'static [CareSituation],
    pub today: NaiveDate,
}

impl ChildrenPage {
    fn age(&self, birth: &NaiveDate) -> i32 {
        crate::domain::child::age_on(*birth, self.today)
    }

    /// Where a child lives: the community, or the community and grid.
    fn place<'a>(&'a self, row: &'a ListRow) -> &'a str {
        row.grid_id
            .and_then(|id| self.grids.iter().find(|(g, _, _)| *g == id))
            .map_or(row.community_name.as_str(), |(_, _, label)| label.as_str())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "children/form.html")]
pub struct ChildFormPage {
    pub ctx: PageCtx,
    /// `None` for a new file.
    pub child: Option<ChildRecord>,
    pub form: ChildForm,
    pub errors: FieldErrors,
    pub communities: Vec<(Uuid, String)>,
    pub grids: Vec<(Uuid, Uuid, String)>,
    pub duplicates: Vec<Duplicate>,
    /// The file as someone else saved it meanwhile (a stale save).
    pub conflict: Option<ChildRecord>,
    /// Every field that reads differently in that save and in the sent form.
    pub differences: Vec<Difference>,
    pub options: FormOptions,
    /// Whether the health, disability and psychological notes may be shown and edited: only
    /// with the guardian's consent for that part (always for a new file, whose consent is
    /// recorded with it; the notes stay hidden on the file until then).
    pub sensitive: [bool; 3],
}

/// The closed lists the form offers.
pub struct FormOptions {
    pub genders: Vec<&'static str>,
    pub left_behind: Vec<&'static str>,
    pub cares: Vec<&'static str>,
    pub risks: Vec<&'static str>,
}

impl Default for FormOptions {
    fn default() -> Self {
        use crate::domain::child::{Gender, LeftBehind};
        FormOptions {
            genders: Gender::keys(),
            left_behind: LeftBehind::keys(),
            cares: CareSituation::keys(),
            risks: RiskLevel::keys(),
        }
    }
}

impl ChildFormPage {
    fn err(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field)
    }

    /// A field's value as the conflict shows it: labels for the closed lists and the grid, 是/否
    /// for a tick.
    fn shown(&self, field: &str, value: &str) -> String {
        let t = |key: String| self.ctx.t(&key).to_string();
        match field {
            _ if value.is_empty()
                && !matches!(
                    field,
                    "disability" | "subsistence_allowance" | "poverty" | "psychological_concern"
                ) =>
            {
                String::new()
            }
            "gender" => t(format!("child.gender.{value}")),
            "left_behind" => t(format!("child.left_behind.{value}")),
            "care_situation" => t(format!("child.care.{value}")),
            "risk_level" => t(format!("child.risk.{value}")),
            "grid_id" => self
                .grids
                .iter()
                .find(|(g, _, _)| g.to_string() == value)
                .map_or_else(|| value.to_string(), |(_, _, label)| label.clone()),
            "disability" | "subsistence_allowance" | "poverty" | "psychological_concern" => {
                t(if value.is_empty() {
                    "audit.detail.no"
                } else {
                    "audit.detail.yes"
                }
                .to_string())
            }
            _ => value.to_string(),
        }
    }

    /// A field's label in the conflict.
    fn label(&self, field: &str) -> String {
        let key = match field {
            "grid_id" => "child.field.grid".to_string(),
            _ => format!("child.field.{field}"),
        };
        self.ctx.t(&key).to_string()
    }
}

/// Clears the sensitive notes the guardian did not consent to (health, disability,
/// psychological): without consent a stored note never reaches the browser.
fn hide_unconsented(form: &mut ChildForm, sensitive: [bool; 3]) {
    for (allowed, field) in sensitive.iter().zip([
        &mut form.health_condition,
        &mut form.disability_note,
        &mut form.psychological_note,
    ]) {
        if !allowed {
            field.clear();
        }
    }
}

impl EditPage for ChildFormPage {
    type Stored = ChildRecord;
    fn show_errors(&mut self, errors: FieldErrors) {
        self.errors = errors;
    }
    /// The edit form again at the version of the newer save, merged: fields this form did not
    /// touch take that save's values, fields typed here keep what was typed, and every field
    /// that differs is listed beside it.
    fn show_conflict(&mut self, latest: ChildRecord) {
        let mut theirs = ChildForm::from_record(&latest);
        hide_unconsented(&mut theirs, self.sensitive);
        let opened = Some(self.form.opened.as_str()).filter(|o| !o.is_empty());
        let (mut merged, differences) = edit::merge(&self.form, opened, &theirs, forms::EDITED);
        merged.version = latest.version.to_string();
        merged.opened = edit::opened_with(&theirs, forms::EDITED);
        self.form = merged;
        self.differences = differences;
        self.child = Some(latest.clone());
        self.conflict = Some(latest);
    }
}

/// The file's form: the communities and grids in the caller's reach, and the sensitive notes
/// only where the guardian consented to them.
pub async fn form_page(
    tx: &mut Tx,
    staff: &Staff,
    ctx: PageCtx,
    child: Option<ChildRecord>,
    form: ChildForm,
    errors: FieldErrors,
) -> Result<ChildFormPage> {
    let street = staff.user.street_id;
    let communities: Vec<(Uuid, String)> =
        crate::web::communities::db::choices(tx, street, staff.scope.filter())
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
    let only = child
        .as_ref()
        .map(|c| c.community_id)
        .or(staff.scope.filter());
    let grids = crate::web::communities::db::grid_choices(tx, street, only, |id| {
        communities
            .iter()
            .find(|(c, _)| *c == id)
            .map(|(_, name)| name.as_str())
    })
    .await?;
    let sensitive = match &child {
        Some(c) => {
            let consents = details::consents(tx, street, c.child_id()).await?;
            let active = |scope: ConsentScope| {
                consents
                    .iter()
                    .any(|k| k.scope == scope && k.withdrawn_on.is_none())
            };
            use crate::domain::child::ConsentScope as S;
            [
                active(S::Health),
                active(S::Disability),
                active(S::Psychological),
            ]
        }
        None => [true; 3],
    };
    let mut form = form;
    hide_unconsented(&mut form, sensitive);
    Ok(ChildFormPage {
        ctx,
        child,
        form,
        errors,
        communities,
        grids,
        duplicates: Vec::new(),
        conflict: None,
        differences: Vec::new(),
        options: FormOptions::default(),
        sensitive,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "children/guardian_form.html")]
pub struct GuardianPage {
    ctx: PageCtx,
    child_id: ChildId,
    child_name: String,
    /// `None` for a new guardian.
    guardian_id: Option<GuardianId>,
    pub form: GuardianForm,
    pub errors: FieldErrors,
    relations: Vec<&'static str>,
    conflict: bool,
}

edit::form_edit_page!(GuardianPage);

impl GuardianPage {
    pub fn new(
        ctx: PageCtx,
        child: &ChildRecord,
        guardian_id: Option<GuardianId>,
        form: GuardianForm,
    ) -> GuardianPage {
        GuardianPage {
            ctx,
            child_id: child.child_id(),
            child_name: child.name.clone(),
            guardian_id,
            form,
            errors: FieldErrors::default(),
            relations: Relation::keys(),
            conflict: false,
        }
    }

    fn err(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field)
    }

    /// Where the form is sent: the guardian edited, or the child's guardians for a new one.
    fn action(&self) -> String {
        match self.guardian_id {
            Some(g) => crate::links::children::guardian(self.child_id, g),
            None => crate::links::children::guardians(self.child_id),
        }
    }
}

/// The A4 paper file (一人一档 archive copy).
#[derive(Template, WebTemplate)]
#[template(path = "children/print.html")]
pub struct PrintPage {
    pub ctx: PageCtx,
    pub child: ChildRecord,
    pub d: ChildDetails,
}

/// The full ID number, shown once.
#[derive(Template, WebTemplate)]
#[template(path = "children/revealed.html")]
pub struct RevealedPage {
    pub ctx: PageCtx,
    pub id: ChildId,
    pub name: String,
    pub number: String,
}
