//! Account queries, in the request's tenant transaction.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::ids::{CommunityId, StreetId, UserId, VolunteerId};
use crate::domain::role::Role;

#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub community: Option<String>,
    pub disabled: bool,
    pub must_change_password: bool,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl UserRow {
    /// Last login in China time (UTC+8), or empty.
    pub fn last_login(&self) -> String {
        let china = crate::domain::semester::china_offset();
        self.last_login_at
            .map(|t| t.with_timezone(&china).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    }
}

pub async fn list(conn: &mut PgConnection, street: StreetId) -> Result<Vec<UserRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT u.id, u.login, u.display_name, u.role AS "role: Role", c.name AS "community?",
                  u.disabled_at IS NOT NULL AS "disabled!", u.must_change_password, u.last_login_at
           FROM app_user u
           LEFT JOIN community c ON c.street_id = u.street_id AND c.id = u.community_id
           WHERE u.street_id = $1
           ORDER BY u.role, c.name NULLS FIRST, u.display_name"#,
        street.0,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| UserRow {
            id: UserId(r.id),
            login: r.login,
            display_name: r.display_name,
            role: r.role,
            community: r.community,
            disabled: r.disabled,
            must_change_password: r.must_change_password,
            last_login_at: r.last_login_at,
        })
        .collect())
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub id: String,
    pub label: String,
}

pub async fn community_choices(
    conn: &mut PgConnection,
    street: StreetId,
) -> Result<Vec<Choice>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT id, name FROM community WHERE street_id = $1 ORDER BY name",
        street.0
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Choice {
            id: r.id.to_string(),
            label: r.name,
        })
        .collect())
}

/// Volunteer records that have no login yet.
/// Volunteers without a login, by community (each group names its community's id, so the form
/// can offer only the chosen community's volunteers).
pub async fn volunteer_choices(
    conn: &mut PgConnection,
    street: StreetId,
) -> Result<Vec<VolunteerGroup>, sqlx::Error> {
    let rows: Vec<(Uuid, String, Uuid, String)> = sqlx::query_as(
        "SELECT v.id, v.name, c.id, c.name FROM volunteer v
         JOIN community c ON c.street_id = v.street_id AND c.id = v.community_id
         WHERE v.street_id = $1 AND v.status = 'active'
           AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.street_id = v.street_id AND u.volunteer_id = v.id)
         ORDER BY c.name, v.name",
    )
    .bind(street.0)
    .fetch_all(conn)
    .await?;
    let mut groups: Vec<VolunteerGroup> = Vec::new();
    for (id, name, community_id, community) in rows {
        let choice = Choice {
            id: id.to_string(),
            label: name,
        };
        match groups.last_mut() {
            Some(g) if g.community_id == community_id.to_string() => g.volunteers.push(choice),
            _ => groups.push(VolunteerGroup {
                community_id: community_id.to_string(),
                community,
                volunteers: vec![choice],
            }),
        }
    }
    Ok(groups)
}

pub struct VolunteerGroup {
    pub community_id: String,
    pub community: String,
    pub volunteers: Vec<Choice>,
}

pub async fn community_exists(
    conn: &mut PgConnection,
    street: StreetId,
    id: CommunityId,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM community WHERE street_id = $1 AND id = $2) AS "e!""#,
        street.0,
        id.0
    )
    .fetch_one(conn)
    .await
}

/// The community of a volunteer record that has no login yet.
pub async fn free_volunteer_community(
    conn: &mut PgConnection,
    street: StreetId,
    id: VolunteerId,
) -> Result<Option<CommunityId>, sqlx::Error> {
    let row = sqlx::query_scalar!(
        "SELECT v.community_id FROM volunteer v WHERE v.street_id = $1 AND v.id = $2
           AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.street_id = v.street_id AND u.volunteer_id = v.id)",
        street.0,
        id.0,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(CommunityId))
}

pub async fn login_taken(conn: &mut PgConnection, login: &str) -> Result<bool, sqlx::Error> {
    // auth_user_by_login sees every street: a login is unique across the installation.
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM auth_user_by_login($1)) AS "e!""#,
        login
    )
    .fetch_one(conn)
    .await
}

pub struct NewUser<'a> {
    pub id: UserId,
    pub login: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub community: Option<CommunityId>,
    pub volunteer: Option<VolunteerId>,
    pub password_hash: &'a str,
}

pub async fn insert(
    conn: &mut PgConnection,
    street: StreetId,
    user: &NewUser<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO app_user (street_id, id, login, display_name, role, community_id, volunteer_id, password_hash,
                               must_change_password)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true)",
        street.0,
        user.id.0,
        user.login,
        user.display_name,
        user.role as Role,
        user.community.map(|c| c.0),
        user.volunteer.map(|v| v.0),
        user.password_hash,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn insert_volunteer(
    conn: &mut PgConnection,
    street: StreetId,
    community: CommunityId,
    name: &str,
    phone: &str,
    kind: &str,
) -> Result<VolunteerId, sqlx::Error> {
    let id = VolunteerId::new();
    sqlx::query!(
        "INSERT INTO volunteer (street_id, id, community_id, name, phone, kind) VALUES ($1, $2, $3, $4, $5, $6::text::volunteer_kind)",
        street.0,
        id.0,
        community.0,
        name,
        phone,
        kind,
    )
    .execute(conn)
    .await?;
    Ok(id)
}

/// Who an account is, for the admin actions (`None`: not in this street).
pub async fn find(
    conn: &mut PgConnection,
    street: StreetId,
    id: UserId,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT login, display_name FROM app_user WHERE street_id = $1 AND id = $2",
        street.0,
        id.0
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.login, r.display_name)))
}

pub async fn set_disabled(
    conn: &mut PgConnection,
    street: StreetId,
    id: UserId,
    disabled: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE app_user SET disabled_at = CASE WHEN $3 THEN coalesce(disabled_at, now()) ELSE NULL END,
             failed_logins = 0, locked_until = NULL, fail_window_count = 0,
             version = version + 1, updated_at = now()
         WHERE street_id = $1 AND id = $2",
        street.0,
        id.0,
        disabled,
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_one_time_password(
    conn: &mut PgConnection,
    street: StreetId,
    id: UserId,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE app_user SET password_hash = $3, must_change_password = true, failed_logins = 0, locked_until = NULL,
             fail_window_count = 0, version = version + 1, updated_at = now()
         WHERE street_id = $1 AND id = $2",
        street.0,
        id.0,
        hash,
    )
    .execute(conn)
    .await?;
    Ok(())
}
