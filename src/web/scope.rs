//! One record within the caller's reach, one function per record kind, for the pages and the
//! API alike: who may see what is written here once. A record out of reach is
//! `AppError::NotFound`, the same answer as a record that does not exist (the context
//! middleware records the attempt).

use chrono::NaiveDate;
use uuid::Uuid;

use crate::auth::Staff;
use crate::auth::extract::{CommunityScope, Reach};
use crate::db::Tx;
use crate::domain::ids::{ActivityId, ChildId, CommunityId, StreetId, VolunteerId};
use crate::error::{AppError, Result};
use crate::records::activity::{self as activities, ActivityRow};
use crate::records::child::{self as children, ChildRecord};
use crate::records::community as communities;
use crate::records::volunteer::{self as volunteers, VolunteerRow};

/// A child file: staff within their communities; a volunteer only a child they are actively
/// paired with (see [`pairing_with`]).
pub async fn child(
    tx: &mut Tx,
    street: StreetId,
    reach: Reach,
    id: ChildId,
) -> Result<ChildRecord> {
    let child = children::find(tx, street, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let allowed = match reach {
        Reach::Staff(scope) => scope.allows(CommunityId(child.community_id)),
        Reach::Volunteer(volunteer) => pairing_with(tx, street, volunteer, id).await.is_ok(),
    };
    allowed.then_some(child).ok_or(AppError::NotFound)
}

/// A child file for staff; the pages' short form of [`child`].
pub async fn staff_child(tx: &mut Tx, staff: &Staff, id: ChildId) -> Result<ChildRecord> {
    child(tx, staff.user.street_id, staff.reach(), id).await
}

/// A volunteer's pairing with a child, as far as the volunteer may act on it.
pub struct MyPairing {
    pub id: Uuid,
    pub started_on: NaiveDate,
}

/// The volunteer's open pairing with the child, while the child's file and the volunteer are
/// both active: the whole of a volunteer's reach.
pub async fn pairing_with(
    tx: &mut Tx,
    street: StreetId,
    volunteer: VolunteerId,
    child: ChildId,
) -> Result<MyPairing> {
    let row = sqlx::query!(
        "SELECT p.id, p.started_on FROM pairing p
         JOIN child c ON c.street_id = p.street_id AND c.id = p.child_id
         JOIN volunteer v ON v.street_id = p.street_id AND v.id = p.volunteer_id
         WHERE p.street_id = $1 AND p.volunteer_id = $2 AND p.child_id = $3 AND p.ended_on IS NULL AND c.status = 'active'
           AND v.status = 'active'",
        street.0,
        volunteer.0,
        child.0,
    )
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|r| MyPairing {
        id: r.id,
        started_on: r.started_on,
    })
    .ok_or(AppError::NotFound)
}

/// An activity the caller may see: the street's own, or one of their communities'.
pub async fn activity(tx: &mut Tx, staff: &Staff, id: ActivityId) -> Result<ActivityRow> {
    activities::find(tx, staff.user.street_id, id)
        .await?
        .filter(|a| {
            a.community_id
                .is_none_or(|c| staff.scope.allows(CommunityId(c)))
        })
        .ok_or(AppError::NotFound)
}

/// Whether the caller may change an activity: a street admin any, staff their community's.
pub fn manages(staff: &Staff, a: &ActivityRow) -> bool {
    match staff.scope {
        CommunityScope::All => true,
        CommunityScope::One(own) => a.community_id == Some(own.0),
    }
}

/// An activity the caller may change.
pub async fn managed_activity(tx: &mut Tx, staff: &Staff, id: ActivityId) -> Result<ActivityRow> {
    let a = activity(tx, staff, id).await?;
    manages(staff, &a).then_some(a).ok_or(AppError::NotFound)
}

/// A volunteer within the caller's communities.
pub async fn volunteer(tx: &mut Tx, staff: &Staff, id: VolunteerId) -> Result<VolunteerRow> {
    volunteers::list(tx, staff.user.street_id, None, Some(id))
        .await?
        .pop()
        .filter(|v| staff.scope.allows(CommunityId(v.community_id)))
        .ok_or(AppError::NotFound)
}

/// A community of the caller's, by name.
pub async fn community(tx: &mut Tx, staff: &Staff, id: CommunityId) -> Result<String> {
    if !staff.scope.allows(id) {
        return Err(AppError::NotFound);
    }
    communities::name_of(tx, staff.user.street_id, id)
        .await?
        .ok_or(AppError::NotFound)
}
