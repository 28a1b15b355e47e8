//! A volunteer as stored, with their community and team, and finding volunteers.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::ids::{StreetId, VolunteerId};

#[derive(Debug, Clone)]
pub struct VolunteerRow {
    pub id: VolunteerId,
    pub community_id: Uuid,
    pub community_name: String,
    pub name: String,
    pub phone: String,
    pub kind: String,
    pub team: Option<String>,
    pub skills: String,
    pub status: String,
    pub record_check_seen_on: Option<NaiveDate>,
    pub training_done_on: Option<NaiveDate>,
    pub conduct_accepted_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub active_pairings: i64,
    pub has_login: bool,
}

impl VolunteerRow {
    /// The safeguarding checklist: record check seen, training done, code of conduct accepted.
    pub fn checklist_complete(&self) -> bool {
        self.record_check_seen_on.is_some()
            && self.training_done_on.is_some()
            && self.conduct_accepted_at.is_some()
    }
}

/// Volunteers in scope (`community = None`: the whole street), or one by id.
pub async fn list(
    conn: &mut PgConnection,
    street: StreetId,
    community: Option<Uuid>,
    only: Option<VolunteerId>,
) -> Result<Vec<VolunteerRow>, sqlx::Error> {
    sqlx::query_as!(
        VolunteerRow,
        r#"SELECT v.id, v.community_id, m.name AS community_name, v.name, v.phone, v.kind::text AS "kind!",
                  t.name AS "team?", v.skills, v.status::text AS "status!", v.record_check_seen_on, v.training_done_on,
                  v.conduct_accepted_at, v.version,
                  (SELECT count(*) FROM pairing p WHERE p.street_id = v.street_id AND p.volunteer_id = v.id
                      AND p.ended_on IS NULL) AS "active_pairings!",
                  EXISTS (SELECT 1 FROM app_user u WHERE u.street_id = v.street_id AND u.volunteer_id = v.id) AS "has_login!"
           FROM volunteer v
           JOIN community m ON m.street_id = v.street_id AND m.id = v.community_id
           LEFT JOIN team t ON t.street_id = v.street_id AND t.id = v.team_id
           WHERE v.street_id = $1 AND ($2::uuid IS NULL OR v.community_id = $2) AND ($3::uuid IS NULL OR v.id = $3)
           ORDER BY m.name, v.status, v.name"#,
        street.0,
        community,
        only.map(|v| v.0),
    )
    .fetch_all(conn)
    .await
}
