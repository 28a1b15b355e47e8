//! The volunteer pages: the list, the volunteer with their checklist, pairings and hours (the
//! form), and the code of conduct.

use askama::Template;
use askama_web::WebTemplate;

use super::db::{self as queries, VolunteerRow};
use super::forms::VolunteerForm;
use crate::auth::Staff;
use crate::db::Tx;
use crate::domain::ids::CommunityId;
use crate::domain::volunteer::{VOLUNTEER_KINDS, VOLUNTEER_STATUSES as STATUSES};
use crate::error::Result;
use crate::links;
use crate::web::communities::db::choices as communities;
use crate::web::context::PageCtx;
use crate::web::edit;
use crate::web::forms::FieldErrors;
use crate::web::pairings::db::{self as pairings, PairingRow};

#[derive(Template, WebTemplate)]
#[template(path = "volunteers/list.html")]
pub struct VolunteersPage {
    ctx: PageCtx,
    volunteers: Vec<VolunteerRow>,
    cap: i32,
}

pub async fn volunteers_page(tx: &mut Tx, staff: &Staff, ctx: PageCtx) -> Result<VolunteersPage> {
    let street = staff.user.street_id;
    Ok(VolunteersPage {
        ctx,
        volunteers: queries::list(tx, street, staff.scope.filter(), None).await?,
        cap: pairings::caseload_cap(tx, street).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "volunteers/form.html")]
pub struct VolunteerPage {
    ctx: PageCtx,
    volunteer: Option<VolunteerRow>,
    form: VolunteerForm,
    errors: FieldErrors,
    /// The communities a new volunteer may join.
    pub communities: Vec<(CommunityId, String)>,
    kinds: [&'static str; 7],
    statuses: [&'static str; 3],
    hours: Vec<(String, f64)>,
    pairings: Vec<PairingRow>,
    conflict: bool,
}

edit::form_edit_page!(VolunteerPage);

impl VolunteerPage {
    fn err(&self, field: &str) -> Option<&'static str> {
        self.errors.get(field)
    }

    /// Where the form is sent: the volunteer, or the list for a new one.
    fn action(&self) -> String {
        match &self.volunteer {
            Some(v) => links::volunteers::volunteer(v.id),
            None => links::volunteers::VOLUNTEERS.to_string(),
        }
    }
}

pub async fn volunteer_page(
    tx: &mut Tx,
    staff: &Staff,
    ctx: PageCtx,
    volunteer: Option<VolunteerRow>,
    form: VolunteerForm,
    errors: FieldErrors,
) -> Result<VolunteerPage> {
    let street = staff.user.street_id;
    let communities = communities(tx, street, staff.scope.filter())
        .await?
        .into_iter()
        .map(|c| (CommunityId::from(c.id), c.name))
        .collect();
    let (hours, pairings) = match &volunteer {
        Some(v) => (
            queries::hours_by_month(tx, street, v.id).await?,
            pairings::list(tx, street, None, Some(v.id), false).await?,
        ),
        None => (Vec::new(), Vec::new()),
    };
    Ok(VolunteerPage {
        ctx,
        volunteer,
        form,
        errors,
        communities,
        kinds: VOLUNTEER_KINDS,
        statuses: STATUSES,
        hours,
        pairings,
        conflict: false,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "volunteers/conduct.html")]
pub struct ConductPage {
    pub ctx: PageCtx,
    pub accepted: bool,
}
