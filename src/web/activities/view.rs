//! The activity pages: the month view, the activity form, the activity with its attendance
//! credits, photos and aid, and the attendance list.

use askama::Template;
use askama_web::WebTemplate;
use chrono::{Datelike, Duration, NaiveDate};

use super::db::{self as queries, ACTIVITY_KINDS, ActivityRow, Attendee};
use super::forms::{ActivityForm, ListQuery};
use crate::auth::Staff;
use crate::auth::extract::CommunityScope;
use crate::db::Tx;
use crate::domain::ids::{CommunityId, PhotoId};
use crate::domain::semester::{day_start, today_in_china};
use crate::error::Result;
use crate::links;
use crate::web::communities::db::choices as communities;
use crate::web::context::PageCtx;
use crate::web::edit;
use crate::web::forms::FieldErrors;
use crate::web::scope;

impl ActivityRow {
    /// The status as the page says it: a planned activity whose time has passed is over and
    /// waits for its summary (saving the summary marks it held), not still "planned".
    pub fn shown_status(&self) -> &str {
        if self.status == "planned" && self.ends_at < chrono::Utc::now() {
            "ended"
        } else {
            &self.status
        }
    }

    /// Start and end in China time, as the pages show them.
    pub fn when(&self) -> String {
        let china = crate::domain::semester::china_offset();
        let (s, e) = (
            self.starts_at.with_timezone(&china),
            self.ends_at.with_timezone(&china),
        );
        format!(
            "{} {}–{}",
            s.format("%Y-%m-%d"),
            s.format("%H:%M"),
            e.format("%H:%M")
        )
    }

    pub fn day(&self) -> NaiveDate {
        let china = crate::domain::semester::china_offset();
        self.starts_at.with_timezone(&china).date_naive()
    }
}

/// The communities of the caller's scope, to choose an organiser or filter by.
async fn community_choices(tx: &mut Tx, staff: &Staff) -> Result<Vec<(CommunityId, String)>> {
    Ok(communities(tx, staff.user.street_id, staff.scope.filter())
        .await?
        .into_iter()
        .map(|c| (CommunityId::from(c.id), c.name))
        .collect())
}

/// One week row of the month view: seven days, each with its activities.
pub struct Week {
    pub days: Vec<(NaiveDate, Vec<ActivityRow>)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "activities/list.html")]
pub struct ActivitiesPage {
    ctx: PageCtx,
    month: NaiveDate,
    prev: String,
    next: String,
    weeks: Vec<Week>,
    activities: Vec<ActivityRow>,
    kinds: [&'static str; 12],
    communities: Vec<(CommunityId, String)>,
    query: ListQuery,
    is_admin: bool,
}

/// The month the query names (this month by default), as a calendar of weeks and a list.
pub async fn activities_page(
    tx: &mut Tx,
    staff: &Staff,
    ctx: PageCtx,
    query: ListQuery,
) -> Result<ActivitiesPage> {
    let today = today_in_china();
    let month = NaiveDate::parse_from_str(&format!("{}-01", query.month), "%Y-%m-%d")
        .unwrap_or_else(|_| {
            NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("valid date")
        });
    let next_month = month
        .checked_add_months(chrono::Months::new(1))
        .expect("valid date");
    let prev_month = month
        .checked_sub_months(chrono::Months::new(1))
        .expect("valid date");
    let community = staff
        .scope
        .filter()
        .or_else(|| query.community.parse::<CommunityId>().ok().map(|c| c.0));
    let kind = Some(query.kind.as_str()).filter(|k| ACTIVITY_KINDS.contains(k));
    let activities = queries::list(
        tx,
        staff.user.street_id,
        community,
        kind,
        day_start(month),
        day_start(next_month),
        None,
    )
    .await?;
    let communities = community_choices(tx, staff).await?;
    // Weeks from the Monday on or before the 1st to the Sunday on or after the last day.
    let mut day = month - Duration::days(i64::from(month.weekday().num_days_from_monday()));
    let mut weeks = Vec::new();
    while day < next_month {
        let days = (0..7)
            .map(|i| {
                let d = day + Duration::days(i);
                (
                    d,
                    activities
                        .iter()
                        .filter(|a| a.day() == d)
                        .cloned()
                        .collect(),
                )
            })
            .collect();
        weeks.push(Week { days });
        day += Duration::days(7);
    }
    let link = |m: NaiveDate| {
        let mut pairs = vec![("month", m.format("%Y-%m").to_string())];
        if !query.kind.is_empty() {
            pairs.push(("kind", query.kind.clone()));
        }
        if !query.community.is_empty() {
            pairs.push(("community", query.community.clone()));
        }
        links::activities::activities_with(&serde_urlencoded::to_string(&pairs).unwrap_or_default())
    };
    Ok(ActivitiesPage {
        prev: link(prev_month),
        next: link(next_month),
        ctx,
        month,
        weeks,
        activities,
        kinds: ACTIVITY_KINDS,
        communities,
        is_admin: staff.scope == CommunityScope::All,
        query,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "activities/form.html")]
pub struct ActivityFormPage {
    ctx: PageCtx,
    activity: Option<ActivityRow>,
    form: ActivityForm,
    errors: FieldErrors,
    kinds: [&'static str; 12],
    /// The communities that may organise it (a street admin chooses).
    pub communities: Vec<(CommunityId, String)>,
    is_admin: bool,
    conflict: bool,
}

edit::form_edit_page!(ActivityFormPage);

impl ActivityFormPage {
    fn err(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field)
    }

    /// Where the form is sent: the activity, or the list for a new one.
    fn action(&self) -> String {
        match &self.activity {
            Some(a) => links::activities::activity(a.id),
            None => links::activities::ACTIVITIES.to_string(),
        }
    }
}

pub async fn form_page(
    tx: &mut Tx,
    staff: &Staff,
    ctx: PageCtx,
    activity: Option<ActivityRow>,
    form: ActivityForm,
) -> Result<ActivityFormPage> {
    Ok(ActivityFormPage {
        ctx,
        activity,
        form,
        errors: FieldErrors::default(),
        kinds: ACTIVITY_KINDS,
        communities: community_choices(tx, staff).await?,
        is_admin: staff.scope == CommunityScope::All,
        conflict: false,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "activities/show.html")]
pub struct ActivityPage {
    pub ctx: PageCtx,
    pub activity: ActivityRow,
    pub can_manage: bool,
    pub credits: Vec<queries::CreditCandidate>,
    pub photos: Vec<PhotoId>,
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
    let photos = queries::photos(tx, street, activity.id).await?;
    let (aid_count, aid_total_fen) = queries::aid_given(tx, street, activity.id).await?;
    Ok(ActivityPage {
        can_manage: scope::manages(staff, &activity),
        credits: queries::credit_candidates(tx, street, activity.id).await?,
        photos,
        aid_total_fen,
        aid_count,
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

#[derive(Template, WebTemplate)]
#[template(path = "activities/attendance.html")]
pub struct AttendancePage {
    ctx: PageCtx,
    activity: ActivityRow,
    children: Vec<Attendee>,
    volunteers: Vec<Attendee>,
    q: String,
    saved: bool,
    errors: FieldErrors,
}

/// Whether an attendee matches the search: part of the name, or the start of its initials.
fn matches(a: &Attendee, q: &str) -> bool {
    let q = q.trim();
    q.is_empty()
        || a.name.contains(q)
        || crate::domain::pinyin::initials(&a.name).starts_with(&q.to_lowercase())
}

pub async fn attendance_page(
    tx: &mut Tx,
    staff: &Staff,
    ctx: PageCtx,
    activity: ActivityRow,
    q: String,
    saved: bool,
    errors: FieldErrors,
) -> Result<AttendancePage> {
    let street = staff.user.street_id;
    let children = queries::child_attendees(tx, street, activity.id, activity.community_id)
        .await?
        .into_iter()
        .filter(|a| matches(a, &q))
        .collect();
    let volunteers = queries::volunteer_attendees(tx, street, activity.id, activity.community_id)
        .await?
        .into_iter()
        .filter(|a| matches(a, &q))
        .collect();
    Ok(AttendancePage {
        ctx,
        activity,
        children,
        volunteers,
        q,
        saved,
        errors,
    })
}
