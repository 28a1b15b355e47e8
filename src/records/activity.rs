//! An activity as stored, with its attendance counts, and finding activities.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::ids::{ActivityId, StreetId};

#[derive(Debug, Clone)]
pub struct ActivityRow {
    pub id: ActivityId,
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

    pub fn over_capacity(&self) -> bool {
        self.capacity
            .is_some_and(|c| self.person_times() > i64::from(c))
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
    only: Option<ActivityId>,
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
        only.map(|a| a.0),
    )
    .fetch_all(conn)
    .await
}

pub async fn find(
    conn: &mut PgConnection,
    street: StreetId,
    id: ActivityId,
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
