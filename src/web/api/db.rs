//! The API's own queries: children and visits as the API answers them, a volunteer's latest
//! pairing with a child, and personal access tokens.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::types::{ChildSummary, VisitOut};
use crate::domain::ids::{ChildId, PairingId, StreetId, TokenId, UserId, VisitId, VolunteerId};

/// Children in a staff scope (`community = None`: the whole street), or one of them, with
/// their community, status and whether their file is complete.
pub async fn staff_children(
    conn: &mut PgConnection,
    street: StreetId,
    community: Option<Uuid>,
    only: Option<ChildId>,
) -> Result<Vec<ChildSummary>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT c.id, c.name, c.grade, c.school, m.name AS community, c.status::text AS "status!",
                      cardinality(child_gaps(c, f.has_carer, f.has_parent_contact, f.has_consent)) = 0 AS "complete!"
               FROM child c JOIN community m ON m.street_id = c.street_id AND m.id = c.community_id
               CROSS JOIN LATERAL child_file_facts(c.street_id, c.id) f
               WHERE c.street_id = $1 AND ($2::uuid IS NULL OR c.community_id = $2) AND ($3::uuid IS NULL OR c.id = $3)
               ORDER BY m.name, c.name"#,
        street.0,
        community,
        only.map(|c| c.0)
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ChildSummary {
            id: ChildId(r.id),
            name: r.name,
            grade: r.grade,
            school: r.school,
            community: Some(r.community),
            status: Some(r.status),
            complete: Some(r.complete),
        })
        .collect())
}

/// A volunteer's actively paired children, or one of them: only what a volunteer needs (no
/// community, status or file details).
pub async fn volunteer_children(
    conn: &mut PgConnection,
    street: StreetId,
    volunteer: VolunteerId,
    only: Option<ChildId>,
) -> Result<Vec<ChildSummary>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT c.id, c.name, c.grade, c.school FROM pairing p JOIN child c ON c.street_id = p.street_id AND c.id = p.child_id
             WHERE p.street_id = $1 AND p.volunteer_id = $2 AND p.ended_on IS NULL AND c.status = 'active'
               AND ($3::uuid IS NULL OR c.id = $3)
             ORDER BY c.name",
        street.0,
        volunteer.0,
        only.map(|c| c.0)
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ChildSummary {
            id: ChildId(r.id),
            name: r.name,
            grade: r.grade,
            school: r.school,
            community: None,
            status: None,
            complete: None,
        })
        .collect())
}

/// A visit as the API answers it, with its author.
pub async fn visit(
    conn: &mut PgConnection,
    street: StreetId,
    id: VisitId,
) -> Result<Option<(VisitOut, UserId)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id, child_id, kind::text AS "kind!", visited_on, duration_minutes, study_score, life_score, health_score, mood_score,
                  notes, needs, author_id FROM visit WHERE street_id = $1 AND id = $2"#,
        street.0,
        id.0
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| {
        (
            VisitOut {
                id: VisitId(r.id),
                child_id: ChildId(r.child_id),
                kind: r.kind,
                visited_on: r.visited_on,
                duration_minutes: r.duration_minutes,
                study: r.study_score,
                life: r.life_score,
                health: r.health_score,
                mood: r.mood_score,
                notes: r.notes,
                needs: r.needs,
            },
            UserId(r.author_id),
        )
    }))
}

/// A volunteer's latest pairing with a child, ended or not.
pub struct LatestPairing {
    pub id: PairingId,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

pub async fn latest_pairing(
    conn: &mut PgConnection,
    street: StreetId,
    child: ChildId,
    volunteer: VolunteerId,
) -> Result<Option<LatestPairing>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT id, started_on, ended_on FROM pairing WHERE street_id = $1 AND child_id = $2 AND volunteer_id = $3
                     ORDER BY started_on DESC LIMIT 1",
        street.0,
        child.0,
        volunteer.0
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| LatestPairing {
        id: PairingId(r.id),
        started_on: r.started_on,
        ended_on: r.ended_on,
    }))
}

/// A live token (not revoked, not expired, its creator not disabled): its id, creator and access.
pub struct LiveToken {
    pub id: TokenId,
    pub created_by: UserId,
    pub access: String,
}

pub async fn live_token(
    conn: &mut PgConnection,
    street: StreetId,
    hash: &[u8],
) -> Result<Option<LiveToken>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT t.id, t.created_by, t.access::text AS "access!" FROM api_token t
                   JOIN app_user u ON u.street_id = t.street_id AND u.id = t.created_by
                   WHERE t.street_id = $1 AND t.token_hash = $2 AND t.revoked_at IS NULL AND u.disabled_at IS NULL
                     AND (t.expires_at IS NULL OR t.expires_at > now())"#,
        street.0,
        hash
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| LiveToken {
        id: TokenId(r.id),
        created_by: UserId(r.created_by),
        access: r.access,
    }))
}

pub async fn token_used(
    conn: &mut PgConnection,
    street: StreetId,
    id: TokenId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE api_token SET last_used_at = now() WHERE street_id = $1 AND id = $2",
        street.0,
        id.0
    )
    .execute(conn)
    .await?;
    Ok(())
}

pub struct TokenRow {
    pub id: TokenId,
    pub name: String,
    pub access: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// The street's tokens, newest first.
pub async fn tokens(
    conn: &mut PgConnection,
    street: StreetId,
) -> Result<Vec<TokenRow>, sqlx::Error> {
    sqlx::query_as!(
        TokenRow,
        r#"SELECT id, name, access::text AS "access!", created_at, last_used_at, revoked_at, expires_at FROM api_token
           WHERE street_id = $1 ORDER BY created_at DESC"#,
        street.0
    )
    .fetch_all(conn)
    .await
}

/// A new token: only the hash of its secret is kept.
pub struct NewToken<'a> {
    pub id: TokenId,
    pub name: &'a str,
    pub hash: Vec<u8>,
    /// `read` or `read_write`.
    pub access: &'a str,
    pub created_by: UserId,
    /// Days until it expires; `None` never.
    pub expires_in_days: Option<i32>,
}

pub async fn insert_token(
    conn: &mut PgConnection,
    street: StreetId,
    t: &NewToken<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO api_token (street_id, id, name, token_hash, access, created_by, expires_at)
         VALUES ($1, $2, $3, $4, $5::text::token_access, $6, now() + make_interval(days => $7))",
        street.0,
        t.id.0,
        t.name,
        t.hash,
        t.access,
        t.created_by.0,
        t.expires_in_days
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Revoke a live token; false when there is none of that id.
pub async fn revoke_token(
    conn: &mut PgConnection,
    street: StreetId,
    id: TokenId,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE api_token SET revoked_at = now() WHERE street_id = $1 AND id = $2 AND revoked_at IS NULL",
        street.0,
        id.0
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() != 0)
}
