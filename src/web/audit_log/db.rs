//! Audit event queries: a filtered page of events, their count, the street's accounts.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::forms::Filters;
use crate::domain::ids::{StreetId, UserId};

/// One event as the viewer shows it.
pub struct AuditRow {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub user_name: String,
    pub user_login: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<Uuid>,
    pub child_name: Option<String>,
    pub ip: String,
    pub detail: String,
}

pub async fn rows(
    conn: &mut PgConnection,
    street: StreetId,
    f: &Filters,
    limit: i64,
    offset: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT e.seq, e.at, coalesce(u.display_name, '') AS "user_name!", coalesce(u.login, '') AS "user_login!",
                  e.action, e.entity, e.entity_id, c.name AS "child_name?", e.ip, e.detail::text AS "detail!"
           FROM audit_event e
           LEFT JOIN app_user u ON u.street_id = e.street_id AND u.id = e.user_id
           LEFT JOIN child c ON c.street_id = e.street_id AND e.entity = 'child' AND c.id = e.entity_id
           WHERE e.street_id = $1
             AND ($2::uuid IS NULL OR e.user_id = $2)
             AND ($3::text IS NULL OR e.action = $3)
             AND ($4::text IS NULL OR (e.entity = 'child' AND e.entity_id IN (
                    SELECT k.id FROM child k WHERE k.street_id = $1
                      AND (k.id::text = $4 OR k.name LIKE replace(replace(replace($4, '\', '\\'), '%', '\%'), '_', '\_') || '%'))))
             AND ($5::timestamptz IS NULL OR e.at >= $5)
             AND ($6::timestamptz IS NULL OR e.at < $6)
           ORDER BY e.seq DESC
           LIMIT $7 OFFSET $8"#,
        street.0,
        f.user.map(|u| u.0),
        f.action,
        f.child,
        f.from,
        f.to,
        limit,
        offset
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditRow {
            seq: r.seq,
            at: r.at,
            user_name: r.user_name,
            user_login: r.user_login,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            child_name: r.child_name,
            ip: r.ip,
            detail: r.detail,
        })
        .collect())
}

pub async fn count(
    conn: &mut PgConnection,
    street: StreetId,
    f: &Filters,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM audit_event e
           WHERE e.street_id = $1
             AND ($2::uuid IS NULL OR e.user_id = $2)
             AND ($3::text IS NULL OR e.action = $3)
             AND ($4::text IS NULL OR (e.entity = 'child' AND e.entity_id IN (
                    SELECT k.id FROM child k WHERE k.street_id = $1
                      AND (k.id::text = $4 OR k.name LIKE replace(replace(replace($4, '\', '\\'), '%', '\%'), '_', '\_') || '%'))))
             AND ($5::timestamptz IS NULL OR e.at >= $5)
             AND ($6::timestamptz IS NULL OR e.at < $6)"#,
        street.0,
        f.user.map(|u| u.0),
        f.action,
        f.child,
        f.from,
        f.to,
    )
    .fetch_one(&mut *conn)
    .await
}

/// The street's accounts, for the user filter: (id, name, login).
pub async fn users(
    conn: &mut PgConnection,
    street: StreetId,
) -> Result<Vec<(UserId, String, String)>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT id, display_name, login FROM app_user WHERE street_id = $1 ORDER BY display_name, login",
        street.0
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|r| (UserId(r.id), r.display_name, r.login))
    .collect())
}

/// Every event of the street, for the state of the hash chain.
pub async fn event_count(conn: &mut PgConnection, street: StreetId) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM audit_event WHERE street_id = $1"#,
        street.0
    )
    .fetch_one(&mut *conn)
    .await
}
