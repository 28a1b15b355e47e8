//! Activity, attendance, duty-credit and photo queries.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::duties::Duty;
use crate::domain::ids::{ActivityId, ChildId, CommunityId, PairingId, PhotoId, StreetId, UserId};
pub use crate::records::activity::{ActivityRow, find, list};

/// Activity kinds (Postgres enum `activity_kind`); labels `activity.kind.<key>`.
pub const ACTIVITY_KINDS: [&str; 12] = [
    "launch_ceremony",
    "forum",
    "themed_day",
    "legal_safety_lecture",
    "counselling",
    "tutoring_class",
    "festival_event",
    "family_letter_day",
    "parent_child_event",
    "summer_training",
    "condolence_visit",
    "other",
];

pub struct ActivityFields {
    pub community_id: Option<CommunityId>,
    pub kind: String,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: String,
    pub capacity: Option<i32>,
    pub for_children: bool,
    pub for_guardians: bool,
    pub for_volunteers: bool,
    pub description: String,
}

pub async fn insert(
    conn: &mut PgConnection,
    street: StreetId,
    id: ActivityId,
    f: &ActivityFields,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO activity (street_id, id, community_id, kind, title, starts_at, ends_at, place, capacity, for_children,
             for_guardians, for_volunteers, description, created_by)
         VALUES ($1, $2, $3, $4::text::activity_kind, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        street.0,
        id.0,
        f.community_id.map(|c| c.0),
        f.kind,
        f.title,
        f.starts_at,
        f.ends_at,
        f.place,
        f.capacity,
        f.for_children,
        f.for_guardians,
        f.for_volunteers,
        f.description,
        by.0,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Save an edit made on `version`; false when someone else saved first.
pub async fn update(
    conn: &mut PgConnection,
    street: StreetId,
    id: ActivityId,
    version: i32,
    f: &ActivityFields,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE activity SET kind = $4::text::activity_kind, title = $5, starts_at = $6, ends_at = $7, place = $8, capacity = $9,
             for_children = $10, for_guardians = $11, for_volunteers = $12, description = $13, version = version + 1,
             updated_at = now()
         WHERE street_id = $1 AND id = $2 AND version = $3",
        street.0,
        id.0,
        version,
        f.kind,
        f.title,
        f.starts_at,
        f.ends_at,
        f.place,
        f.capacity,
        f.for_children,
        f.for_guardians,
        f.for_volunteers,
        f.description,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Who attended: (child or volunteer id, name, community).
#[derive(Debug, Clone)]
pub struct Attendee {
    pub id: Uuid,
    pub name: String,
    pub community: String,
    pub attended: bool,
}

/// Children who may attend (of the community, or the whole street for a street activity), with
/// those recorded as attending, plus any walk-ins from elsewhere in the street.
pub async fn child_attendees(
    conn: &mut PgConnection,
    street: StreetId,
    activity: ActivityId,
    community: Option<Uuid>,
) -> Result<Vec<Attendee>, sqlx::Error> {
    sqlx::query_as!(
        Attendee,
        r#"SELECT c.id, c.name, m.name AS community,
                  EXISTS (SELECT 1 FROM attendance t WHERE t.street_id = c.street_id AND t.activity_id = $2 AND t.child_id = c.id) AS "attended!"
           FROM child c JOIN community m ON m.street_id = c.street_id AND m.id = c.community_id
           WHERE c.street_id = $1
             AND ((c.status = 'active' AND ($3::uuid IS NULL OR c.community_id = $3))
                  OR EXISTS (SELECT 1 FROM attendance t WHERE t.street_id = c.street_id AND t.activity_id = $2 AND t.child_id = c.id))
           ORDER BY m.name, c.name"#,
        street.0,
        activity.0,
        community,
    )
    .fetch_all(conn)
    .await
}

pub async fn volunteer_attendees(
    conn: &mut PgConnection,
    street: StreetId,
    activity: ActivityId,
    community: Option<Uuid>,
) -> Result<Vec<Attendee>, sqlx::Error> {
    sqlx::query_as!(
        Attendee,
        r#"SELECT v.id, v.name, m.name AS community,
                  EXISTS (SELECT 1 FROM attendance t WHERE t.street_id = v.street_id AND t.activity_id = $2 AND t.volunteer_id = v.id) AS "attended!"
           FROM volunteer v JOIN community m ON m.street_id = v.street_id AND m.id = v.community_id
           WHERE v.street_id = $1 AND v.status = 'active' AND ($3::uuid IS NULL OR v.community_id = $3)
           ORDER BY m.name, v.name"#,
        street.0,
        activity.0,
        community,
    )
    .fetch_all(conn)
    .await
}

/// Pairings whose volunteer and child both attended: the duty credits staff may give.
#[derive(Debug, Clone)]
pub struct CreditCandidate {
    pub pairing_id: PairingId,
    pub volunteer_name: String,
    pub child_name: String,
    pub credited: Vec<String>,
}

pub async fn credit_candidates(
    conn: &mut PgConnection,
    street: StreetId,
    activity: ActivityId,
) -> Result<Vec<CreditCandidate>, sqlx::Error> {
    sqlx::query_as!(
        CreditCandidate,
        r#"SELECT p.id AS pairing_id, v.name AS volunteer_name, c.name AS child_name,
                  coalesce(array_agg(d.duty::text) FILTER (WHERE d.id IS NOT NULL), '{}') AS "credited!"
           FROM pairing p
           JOIN volunteer v ON v.street_id = p.street_id AND v.id = p.volunteer_id
           JOIN child c ON c.street_id = p.street_id AND c.id = p.child_id
           LEFT JOIN duty_credit d ON d.street_id = p.street_id AND d.pairing_id = p.id AND d.activity_id = $2
           WHERE p.street_id = $1 AND p.ended_on IS NULL
             AND EXISTS (SELECT 1 FROM attendance t WHERE t.street_id = p.street_id AND t.activity_id = $2 AND t.child_id = p.child_id)
             AND EXISTS (SELECT 1 FROM attendance t WHERE t.street_id = p.street_id AND t.activity_id = $2 AND t.volunteer_id = p.volunteer_id)
           GROUP BY p.id, v.name, c.name ORDER BY v.name"#,
        street.0,
        activity.0,
    )
    .fetch_all(conn)
    .await
}

pub async fn cancel(
    conn: &mut PgConnection,
    street: StreetId,
    id: ActivityId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE activity SET status = 'cancelled', version = version + 1, updated_at = now() WHERE street_id = $1 AND id = $2",
        street.0,
        id.0
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Save the written summary; a held or planned activity becomes held.
/// Save the summary if the activity is still at `version`: false when it changed meanwhile.
pub async fn save_summary(
    conn: &mut PgConnection,
    street: StreetId,
    id: ActivityId,
    version: i32,
    summary: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE activity SET summary = $3, status = CASE WHEN status = 'cancelled' THEN status ELSE 'held' END,
             version = version + 1, updated_at = now()
         WHERE street_id = $1 AND id = $2 AND version = $4",
        street.0,
        id.0,
        summary,
        version
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Who an attendance row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attender {
    Child,
    Volunteer,
}

/// Record (or take back) that one child or volunteer attended.
pub async fn set_attended(
    conn: &mut PgConnection,
    street: StreetId,
    activity: ActivityId,
    who: Attender,
    person: Uuid,
    attended: bool,
    by: UserId,
) -> Result<(), sqlx::Error> {
    if attended {
        sqlx::query(match who {
            Attender::Child => "INSERT INTO attendance (street_id, id, activity_id, child_id, recorded_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            Attender::Volunteer => "INSERT INTO attendance (street_id, id, activity_id, volunteer_id, recorded_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        })
        .bind(street.0)
        .bind(Uuid::now_v7())
        .bind(activity.0)
        .bind(person)
        .bind(by.0)
        .execute(conn)
        .await?;
    } else {
        sqlx::query(match who {
            Attender::Child => "DELETE FROM attendance WHERE street_id = $1 AND activity_id = $2 AND child_id = $3",
            Attender::Volunteer => "DELETE FROM attendance WHERE street_id = $1 AND activity_id = $2 AND volunteer_id = $3",
        })
        .bind(street.0)
        .bind(activity.0)
        .bind(person)
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// Active children of the street with exactly this name, within `community` if given.
pub async fn children_named(
    conn: &mut PgConnection,
    street: StreetId,
    name: &str,
    community: Option<Uuid>,
) -> Result<Vec<ChildId>, sqlx::Error> {
    let ids = sqlx::query_scalar!(
        "SELECT id FROM child WHERE street_id = $1 AND name = $2 AND status = 'active' AND ($3::uuid IS NULL OR community_id = $3)",
        street.0,
        name,
        community
    )
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(ChildId).collect())
}

/// A child who came without being expected.
pub async fn add_walk_in(
    conn: &mut PgConnection,
    street: StreetId,
    activity: ActivityId,
    child: ChildId,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO attendance (street_id, id, activity_id, child_id, recorded_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        street.0,
        Uuid::now_v7(),
        activity.0,
        child.0,
        by.0
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Credit one of a pairing's duties to the activity (once).
/// The duty a credit may go to: one of the five, for a pairing whose volunteer and child both
/// attended the activity (and that has not ended). The one check for staff and volunteers.
pub async fn allowed_credit(
    conn: &mut PgConnection,
    street: StreetId,
    activity: ActivityId,
    pairing: PairingId,
    duty: &str,
) -> Result<Option<Duty>, sqlx::Error> {
    let attended = credit_candidates(conn, street, activity)
        .await?
        .iter()
        .any(|c| c.pairing_id == pairing);
    Ok(Duty::from_visit_kind(duty).filter(|_| attended))
}

pub async fn credit_duty(
    conn: &mut PgConnection,
    street: StreetId,
    activity: ActivityId,
    pairing: PairingId,
    duty: Duty,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO duty_credit (street_id, id, pairing_id, duty, activity_id, credited_by) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING",
        street.0,
        Uuid::now_v7(),
        pairing.0,
        duty as Duty,
        activity.0,
        by.0
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// An activity a pairing's volunteer and child both attended, and the duties already credited
/// to it for that pairing.
pub struct SharedActivity {
    pub id: ActivityId,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub credited: Vec<String>,
}

impl SharedActivity {
    /// The day it began, in China: `12-05`.
    pub fn day(&self) -> String {
        self.starts_at
            .with_timezone(&crate::domain::semester::china_offset())
            .format("%m-%d")
            .to_string()
    }
}

/// The activities since `since` (not cancelled) that both sides of a pairing attended, newest
/// first: what the volunteer may credit to one of the pairing's duties.
pub async fn shared_activities(
    conn: &mut PgConnection,
    street: StreetId,
    pairing: PairingId,
    since: DateTime<Utc>,
) -> Result<Vec<SharedActivity>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT a.id, a.title, a.starts_at,
                  coalesce(array_agg(d.duty::text) FILTER (WHERE d.id IS NOT NULL), '{}') AS "credited!"
           FROM pairing p
           JOIN activity a ON a.street_id = p.street_id
           LEFT JOIN duty_credit d ON d.street_id = a.street_id AND d.activity_id = a.id AND d.pairing_id = p.id
           WHERE p.street_id = $1 AND p.id = $2 AND a.status <> 'cancelled' AND a.starts_at >= $3
             AND EXISTS (SELECT 1 FROM attendance t WHERE t.street_id = a.street_id AND t.activity_id = a.id AND t.child_id = p.child_id)
             AND EXISTS (SELECT 1 FROM attendance t WHERE t.street_id = a.street_id AND t.activity_id = a.id AND t.volunteer_id = p.volunteer_id)
           GROUP BY a.id, a.title, a.starts_at ORDER BY a.starts_at DESC LIMIT 10"#,
        street.0,
        pairing.0,
        since
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SharedActivity {
            id: ActivityId(r.id),
            title: r.title,
            starts_at: r.starts_at,
            credited: r.credited,
        })
        .collect())
}

/// The photos of an activity, oldest first.
pub async fn photos(
    conn: &mut PgConnection,
    street: StreetId,
    activity: ActivityId,
) -> Result<Vec<PhotoId>, sqlx::Error> {
    let ids = sqlx::query_scalar!("SELECT id FROM activity_photo WHERE street_id = $1 AND activity_id = $2 ORDER BY created_at", street.0, activity.0)
        .fetch_all(conn)
        .await?;
    Ok(ids.into_iter().map(PhotoId).collect())
}

/// A stored photo's size, as cleaned.
pub struct PhotoFields {
    pub width: i32,
    pub height: i32,
    pub byte_size: i32,
}

pub async fn insert_photo(
    conn: &mut PgConnection,
    street: StreetId,
    id: PhotoId,
    activity: ActivityId,
    p: &PhotoFields,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO activity_photo (street_id, id, activity_id, width, height, byte_size, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        street.0,
        id.0,
        activity.0,
        p.width,
        p.height,
        p.byte_size,
        by.0
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The activity a photo belongs to.
pub async fn activity_of_photo(
    conn: &mut PgConnection,
    street: StreetId,
    id: PhotoId,
) -> Result<Option<ActivityId>, sqlx::Error> {
    let activity = sqlx::query_scalar!(
        "SELECT activity_id FROM activity_photo WHERE street_id = $1 AND id = $2",
        street.0,
        id.0
    )
    .fetch_optional(conn)
    .await?;
    Ok(activity.map(ActivityId))
}

/// Aid given to the activity's attendees: how many records and how much (fen).
pub async fn aid_given(
    conn: &mut PgConnection,
    street: StreetId,
    activity: ActivityId,
) -> Result<(i64, i64), sqlx::Error> {
    let aid = sqlx::query!(
        r#"SELECT count(*) AS "n!", coalesce(sum(amount_fen), 0)::bigint AS "fen!" FROM aid WHERE street_id = $1 AND activity_id = $2"#,
        street.0,
        activity.0
    )
    .fetch_one(conn)
    .await?;
    Ok((aid.n, aid.fen))
}
