//! Volunteer queries, in the request's tenant transaction.

use chrono::NaiveDate;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::ids::{CommunityId, StreetId, UserId, VolunteerId};
pub use crate::records::volunteer::{VolunteerRow, list};

/// The team of that name in the street, made if missing (`None` for an empty name).
pub async fn team_id(
    conn: &mut PgConnection,
    street: StreetId,
    community: Uuid,
    name: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    if name.is_empty() {
        return Ok(None);
    }
    let id = sqlx::query_scalar!(
        "INSERT INTO team (street_id, id, community_id, name) VALUES ($1, $2, $3, $4)
         ON CONFLICT ON CONSTRAINT team_name_key DO UPDATE SET name = EXCLUDED.name
         RETURNING id",
        street.0,
        Uuid::now_v7(),
        community,
        name,
    )
    .fetch_one(conn)
    .await?;
    Ok(Some(id))
}

pub struct VolunteerFields {
    pub community_id: CommunityId,
    pub name: String,
    pub phone: String,
    pub kind: String,
    pub team_name: String,
    pub skills: String,
    pub status: String,
    pub record_check_seen_on: Option<NaiveDate>,
    pub training_done_on: Option<NaiveDate>,
}

pub async fn insert(
    conn: &mut PgConnection,
    street: StreetId,
    id: VolunteerId,
    f: &VolunteerFields,
) -> Result<(), sqlx::Error> {
    let team = team_id(conn, street, f.community_id.0, &f.team_name).await?;
    sqlx::query!(
        "INSERT INTO volunteer (street_id, id, community_id, team_id, name, phone, kind, skills, status, record_check_seen_on,
             training_done_on)
         VALUES ($1, $2, $3, $4, $5, $6, $7::text::volunteer_kind, $8, $9::text::volunteer_status, $10, $11)",
        street.0,
        id.0,
        f.community_id.0,
        team,
        f.name,
        f.phone,
        f.kind,
        f.skills,
        f.status,
        f.record_check_seen_on,
        f.training_done_on,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Save an edit made on `version`; false when someone else saved first.
pub async fn update(
    conn: &mut PgConnection,
    street: StreetId,
    id: VolunteerId,
    version: i32,
    f: &VolunteerFields,
) -> Result<bool, sqlx::Error> {
    let team = team_id(conn, street, f.community_id.0, &f.team_name).await?;
    let done = sqlx::query!(
        "UPDATE volunteer SET team_id = $4, name = $5, phone = $6, kind = $7::text::volunteer_kind, skills = $8,
             status = $9::text::volunteer_status, record_check_seen_on = $10, training_done_on = $11,
             version = version + 1, updated_at = now()
         WHERE street_id = $1 AND id = $2 AND version = $3",
        street.0,
        id.0,
        version,
        team,
        f.name,
        f.phone,
        f.kind,
        f.skills,
        f.status,
        f.record_check_seen_on,
        f.training_done_on,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Hours per month (from visit durations) of a volunteer's own visits, newest month first.
pub async fn hours_by_month(
    conn: &mut PgConnection,
    street: StreetId,
    volunteer: VolunteerId,
) -> Result<Vec<(String, f64)>, sqlx::Error> {
    let rows = sqlx::query!(
        // One log for several siblings is one stretch of time: count each batch once. Activities
        // the volunteer attended count with their duration.
        r#"SELECT to_char(date_trunc('month', b.day), 'YYYY-MM') AS "month!", sum(b.minutes)::bigint AS "minutes!"
           FROM (
               SELECT x.visited_on AS day, x.duration_minutes AS minutes
               FROM (SELECT DISTINCT ON (coalesce(v.batch_id, v.id)) v.visited_on, v.duration_minutes
                     FROM visit v
                     JOIN pairing p ON p.street_id = v.street_id AND p.id = v.pairing_id
                     WHERE v.street_id = $1 AND p.volunteer_id = $2) x
               UNION ALL
               SELECT (a.starts_at AT TIME ZONE 'Asia/Shanghai')::date,
                      (extract(epoch FROM a.ends_at - a.starts_at) / 60)::int
               FROM attendance t JOIN activity a ON a.street_id = t.street_id AND a.id = t.activity_id
               WHERE t.street_id = $1 AND t.volunteer_id = $2 AND a.status <> 'cancelled'
           ) b
           GROUP BY 1 ORDER BY 1 DESC LIMIT 12"#,
        street.0,
        volunteer.0,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.month, r.minutes as f64 / 60.0))
        .collect())
}

/// Whether the volunteer has accepted the code of conduct.
pub async fn conduct_accepted(
    conn: &mut PgConnection,
    street: StreetId,
    volunteer: VolunteerId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT conduct_accepted_at IS NOT NULL AS "accepted!" FROM volunteer WHERE street_id = $1 AND id = $2"#,
        street.0,
        volunteer.0
    )
    .fetch_one(conn)
    .await
}

/// Record that the volunteer accepted the code of conduct (the first time counts).
pub async fn accept_conduct(
    conn: &mut PgConnection,
    street: StreetId,
    volunteer: VolunteerId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE volunteer SET conduct_accepted_at = coalesce(conduct_accepted_at, now()) WHERE street_id = $1 AND id = $2",
        street.0,
        volunteer.0
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Turn off the volunteer's login, if they have one: its account.
pub async fn disable_login(
    conn: &mut PgConnection,
    street: StreetId,
    volunteer: VolunteerId,
) -> Result<Option<UserId>, sqlx::Error> {
    let account = sqlx::query_scalar!(
        "UPDATE app_user SET disabled_at = coalesce(disabled_at, now()) WHERE street_id = $1 AND volunteer_id = $2 RETURNING id",
        street.0,
        volunteer.0
    )
    .fetch_optional(conn)
    .await?;
    Ok(account.map(UserId))
}

/// A volunteer's login: their mobile number, with a one-time password to change at first use.
pub async fn insert_login(
    conn: &mut PgConnection,
    street: StreetId,
    account: UserId,
    v: &VolunteerRow,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO app_user (street_id, id, login, display_name, role, community_id, volunteer_id, password_hash, must_change_password)
         VALUES ($1, $2, $3, $4, 'volunteer', $5, $6, $7, true)",
        street.0,
        account.0,
        v.phone,
        v.name,
        v.community_id,
        v.id.0,
        password_hash,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The community a volunteer belongs to.
pub async fn community_of(
    conn: &mut PgConnection,
    street: StreetId,
    volunteer: VolunteerId,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT community_id FROM volunteer WHERE street_id = $1 AND id = $2",
        street.0,
        volunteer.0
    )
    .fetch_one(conn)
    .await
}
