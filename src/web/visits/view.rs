//! The visit pages: the volunteer's card of a child, the phone and staff visit forms, the
//! volunteer's hours, and the open follow-ups.

use askama::Template;
use askama_web::WebTemplate;
use chrono::NaiveDate;

use super::db::{self as queries, ChildCard, FollowUpRow, VisitRow};
use super::forms::{SCORES, VISIT_KINDS, VisitForm};
use crate::auth::VolunteerUser;
use crate::db::Tx;
use crate::domain::duties::{Duty, DutyStatus, duty_statuses, months_without_talk};
use crate::domain::ids::{ChildId, PairingId, StreetId};
use crate::domain::semester::{Semester, day_start, today_in_china};
use crate::error::Result;
use crate::web::activities::db::{SharedActivity, shared_activities};
use crate::web::context::PageCtx;
use crate::web::forms::FieldErrors;
use crate::web::pairings::db::fulfilments;
use crate::web::scope::MyPairing;

#[derive(Template, WebTemplate)]
#[template(path = "visits/card.html")]
pub struct ChildCardPage {
    ctx: PageCtx,
    child: ChildCard,
    duties: Vec<DutyStatus>,
    months_without_talk: Vec<String>,
    visits: Vec<VisitRow>,
    saved: bool,
    /// This semester's activities that both attended, to credit to one of the duties.
    shared: Vec<SharedActivity>,
    duty_keys: [&'static str; 5],
    error: Option<&'static str>,
}

/// The card of a child paired with the volunteer: this semester's duties, the months without a
/// talk, the contacts, the activities both attended, and the volunteer's own last ten visits.
pub async fn child_card_page(
    tx: &mut Tx,
    volunteer: &VolunteerUser,
    ctx: PageCtx,
    child: ChildId,
    pairing: &MyPairing,
    saved: bool,
    error: Option<&'static str>,
) -> Result<ChildCardPage> {
    let user = &volunteer.user;
    let (duties, months) = pairing_duties(tx, user.street_id, pairing).await?;
    Ok(ChildCardPage {
        child: queries::child_card(tx, user.street_id, child).await?,
        duties,
        months_without_talk: months,
        visits: queries::visits_of_child(tx, user.street_id, child, Some(user.user_id))
            .await?
            .into_iter()
            .take(10)
            .collect(),
        saved,
        shared: shared_activities(
            tx,
            user.street_id,
            PairingId::from(pairing.id),
            day_start(Semester::containing(today_in_china()).start()),
        )
        .await?,
        duty_keys: Duty::ALL.map(Duty::key),
        error,
        ctx,
    })
}

/// This semester's duties of one pairing, and the months without a talk.
async fn pairing_duties(
    tx: &mut Tx,
    street: StreetId,
    pairing: &MyPairing,
) -> Result<(Vec<DutyStatus>, Vec<String>)> {
    let today = today_in_china();
    let semester = Semester::containing(today);
    let id = PairingId::from(pairing.id);
    let done = fulfilments(tx, street, &[id], semester)
        .await?
        .remove(&id)
        .unwrap_or_default();
    let talks: Vec<NaiveDate> = done
        .iter()
        .filter(|f| f.duty == Duty::Talk)
        .map(|f| f.on)
        .collect();
    let months = months_without_talk(semester, pairing.started_on, None, &talks, today)
        .into_iter()
        .map(|(y, m)| format!("{y}-{m:02}"))
        .collect();
    Ok((duty_statuses(semester, &done, today), months))
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/phone_form.html")]
pub struct PhoneVisitPage {
    ctx: PageCtx,
    child_name: String,
    form: VisitForm,
    errors: FieldErrors,
    siblings: Vec<(ChildId, String)>,
    kinds: [&'static str; 8],
    scores: [&'static str; 4],
    /// The day the form was drawn: a copy kept on the phone moves its default date to the day
    /// it is used.
    today: NaiveDate,
}

impl PhoneVisitPage {
    fn err(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field)
    }
}

/// The phone's visit form for a paired child, offering the volunteer's other children as
/// "this visit also covers".
pub async fn phone_visit_page(
    tx: &mut Tx,
    volunteer: &VolunteerUser,
    ctx: PageCtx,
    child: ChildId,
    form: VisitForm,
    errors: FieldErrors,
) -> Result<PhoneVisitPage> {
    let street = volunteer.user.street_id;
    Ok(PhoneVisitPage {
        child_name: queries::child_name(tx, street, child).await?,
        siblings: queries::other_children(tx, street, volunteer.volunteer_id, child).await?,
        form,
        errors,
        kinds: VISIT_KINDS,
        scores: SCORES,
        today: today_in_china(),
        ctx,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/hours.html")]
pub struct HoursPage {
    pub ctx: PageCtx,
    pub hours: Vec<(String, f64)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/staff_form.html")]
pub struct StaffVisitPage {
    ctx: PageCtx,
    child_id: ChildId,
    child_name: String,
    form: VisitForm,
    errors: FieldErrors,
    kinds: [&'static str; 8],
    scores: [&'static str; 4],
}

impl StaffVisitPage {
    pub fn new(
        ctx: PageCtx,
        child_id: ChildId,
        child_name: String,
        form: VisitForm,
        errors: FieldErrors,
    ) -> StaffVisitPage {
        StaffVisitPage {
            ctx,
            child_id,
            child_name,
            form,
            errors,
            kinds: VISIT_KINDS,
            scores: SCORES,
        }
    }

    fn err(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "visits/follow_ups.html")]
pub struct FollowUpsPage {
    pub ctx: PageCtx,
    pub follow_ups: Vec<FollowUpRow>,
    pub today: NaiveDate,
}
