//! What the home pages read besides other resources' records: a new street's progress, and
//! the grades of a volunteer's children.

use std::collections::HashMap;

use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::ids::{ChildId, StreetId};

/// Which of a new street's first steps the records show as done.
pub struct FirstStepsDone {
    pub grids: bool,
    pub staff: bool,
    pub children: bool,
    pub volunteers: bool,
    /// The street is older than 90 days, or its settings were saved once.
    pub settings: bool,
}

pub async fn first_steps_done(
    conn: &mut PgConnection,
    street: StreetId,
) -> Result<FirstStepsDone, sqlx::Error> {
    let (grids, staff, children, volunteers, settings): (bool, bool, bool, bool, bool) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM grid WHERE street_id = $1),
                EXISTS (SELECT 1 FROM app_user WHERE street_id = $1 AND role = 'community_staff'),
                EXISTS (SELECT 1 FROM child WHERE street_id = $1),
                EXISTS (SELECT 1 FROM volunteer WHERE street_id = $1),
                (SELECT created_at < now() - interval '90 days' FROM street WHERE id = $1)
                  OR EXISTS (SELECT 1 FROM audit_event WHERE street_id = $1 AND action = 'settings_changed')",
    )
    .bind(street.0)
    .fetch_one(conn)
    .await?;
    Ok(FirstStepsDone {
        grids,
        staff,
        children,
        volunteers,
        settings,
    })
}

/// The grades of those of the children whose files are active.
pub async fn active_grades(
    conn: &mut PgConnection,
    street: StreetId,
    children: &[ChildId],
) -> Result<HashMap<ChildId, String>, sqlx::Error> {
    let child_ids: Vec<Uuid> = children.iter().map(|c| c.0).collect();
    Ok(sqlx::query!(
        "SELECT id, grade FROM child WHERE street_id = $1 AND id = ANY($2) AND status = 'active'",
        street.0,
        &child_ids
    )
    .fetch_all(conn)
    .await?
    .into_iter()
    .map(|r| (ChildId(r.id), r.grade))
    .collect())
}
