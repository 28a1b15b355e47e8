//! Activity, attendance and aid queries.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::ids::{StreetId, UserId};

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

#[derive(Debug, Clone)]
pub struct ActivityRow {
    pub id: Uuid,
    pub community_id: Option<Uuid>,
    pub community_name: Option<String>,
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
    pub summary: String,
    pub status: String,
    pub version: i32,
    pub children: i64,
    pub volunteers: i64,
}

impl ActivityRow {
    /// Person-times (人次): every attendance of a child or a volunteer.
    pub fn person_times(&self) -> i64 {
        self.children + self.volunteers
    }

    /// The status as the page says it: a planned activity whose time has passed is over and
    /// waits for its summary (saving the summary marks it held), not still "planned".
    pub fn shown_status(&self) -> &str {
        if self.status == "planned" && self.ends_at < chrono::Utc::now() {
            "ended"
        } else {
            &self.status
        }
    }

    pub fn over_capacity(&self) -> bool {
        self.capacity
            .is_some_and(|c| self.person_times() > i64::from(c))
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

/// Activities in scope between two instants: organised by the community (or by the whole
/// street, which every community takes part in); `kind` filters.
pub async fn list(
    conn: &mut PgConnection,
    street: StreetId,
    community: Option<Uuid>,
    kind: Option<&str>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    only: Option<Uuid>,
) -> Result<Vec<ActivityRow>, sqlx::Error> {
    sqlx::query_as!(
        ActivityRow,
        r#"SELECT a.id, a.community_id, m.name AS "community_name?", a.kind::text AS "kind!", a.title, a.starts_at, a.ends_at,
                  a.place, a.capacity, a.for_children, a.for_guardians, a.for_volunteers, a.description, a.summary,
                  a.status::text AS "status!", a.version,
                  (SELECT count(*) FROM attendance t WHERE t.street_id = a.street_id AND t.activity_id = a.id AND t.child_id IS NOT NULL) AS "children!",
                  (SELECT count(*) FROM attendance t WHERE t.street_id = a.street_id AND t.activity_id = a.id AND t.volunteer_id IS NOT NULL) AS "volunteers!"
           FROM activity a
           LEFT JOIN community m ON m.street_id = a.street_id AND m.id = a.community_id
           WHERE a.street_id = $1 AND ($2::uuid IS NULL OR a.community_id = $2 OR a.community_id IS NULL)
             AND ($3::text IS NULL OR a.kind::text = $3) AND a.starts_at >= $4 AND a.starts_at < $5
             AND ($6::uuid IS NULL OR a.id = $6)
           ORDER BY a.starts_at"#,
        street.0,
        community,
        kind,
        from,
        to,
        only,
    )
    .fetch_all(conn)
    .await
}

pub async fn find(
    conn: &mut PgConnection,
    street: StreetId,
    id: Uuid,
) -> Result<Option<ActivityRow>, sqlx::Error> {
    // Bounds Postgres can represent (chrono's MIN/MAX_UTC are out of its range).
    let far_past = DateTime::from_timestamp(-2_208_988_800, 0).expect("1900-01-01");
    let far_future = DateTime::from_timestamp(7_258_118_400, 0).expect("2200-01-01");
    Ok(
        list(conn, street, None, None, far_past, far_future, Some(id))
            .await?
            .pop(),
    )
}

pub struct ActivityFields {
    pub community_id: Option<Uuid>,
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
    id: Uuid,
    f: &ActivityFields,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO activity (street_id, id, community_id, kind, title, starts_at, ends_at, place, capacity, for_children,
             for_guardians, for_volunteers, description, created_by)
         VALUES ($1, $2, $3, $4::text::activity_kind, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        street.0,
        id,
        f.community_id,
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
    id: Uuid,
    version: i32,
    f: &ActivityFields,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE activity SET kind = $4::text::activity_kind, title = $5, starts_at = $6, ends_at = $7, place = $8, capacity = $9,
             for_children = $10, for_guardians = $11, for_volunteers = $12, description = $13, version = version + 1,
             updated_at = now()
         WHERE street_id = $1 AND id = $2 AND version = $3",
        street.0,
        id,
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
    activity: Uuid,
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
        activity,
        community,
    )
    .fetch_all(conn)
    .await
}

pub async fn volunteer_attendees(
    conn: &mut PgConnection,
    street: StreetId,
    activity: Uuid,
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
        activity,
        community,
    )
    .fetch_all(conn)
    .await
}

/// Pairings whose volunteer and child both attended: the duty credits staff may give.
#[derive(Debug, Clone)]
pub struct CreditCandidate {
    pub pairing_id: Uuid,
    pub volunteer_name: String,
    pub child_name: String,
    pub credited: Vec<String>,
}

pub async fn credit_candidates(
    conn: &mut PgConnection,
    street: StreetId,
    activity: Uuid,
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
        activity,
    )
    .fetch_all(conn)
    .await
}
