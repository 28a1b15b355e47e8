//! Server-side sessions in Postgres.
//!
//! The cookie holds the street id and a 32-byte random secret; the table keeps only the
//! secret's SHA-256. Knowing the street from the cookie lets the lookup run inside that
//! tenant (RLS on) instead of through a cross-tenant function; a forged street id just finds
//! no matching hash.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::auth::RequestPool;
use crate::db;
use crate::domain::ids::{CommunityId, SessionId, StreetId, UserId, VolunteerId};
use crate::domain::role::Role;

pub const COOKIE: &str = "shouhu_session";
/// A session unused this long is over.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// A session this old is over however busy it is.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// A fresh session token: what goes into the cookie, and the hash that goes into the table.
pub struct NewToken {
    pub cookie_value: String,
    pub hash: Vec<u8>,
}

pub fn new_token(street: StreetId) -> NewToken {
    let mut secret = [0u8; 32];
    rand::rng().fill_bytes(&mut secret);
    let mut raw = Vec::with_capacity(48);
    raw.extend_from_slice(street.0.as_bytes());
    raw.extend_from_slice(&secret);
    NewToken {
        cookie_value: URL_SAFE_NO_PAD.encode(raw),
        hash: Sha256::digest(secret).to_vec(),
    }
}

/// The street and secret hash a cookie value names, if it is well-formed.
pub fn parse_token(value: &str) -> Option<(StreetId, Vec<u8>)> {
    let raw = URL_SAFE_NO_PAD.decode(value.trim()).ok()?;
    if raw.len() != 48 {
        return None;
    }
    let street = Uuid::from_slice(&raw[..16]).ok()?;
    Some((StreetId(street), Sha256::digest(&raw[16..]).to_vec()))
}

/// A random token for CSRF fields.
pub fn random_token() -> String {
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The logged-in user of a request, as the session says. Scope comes only from here.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub street_id: StreetId,
    pub user_id: UserId,
    pub session_id: SessionId,
    pub role: Role,
    pub community_id: Option<CommunityId>,
    pub volunteer_id: Option<VolunteerId>,
    pub display_name: String,
    pub login: String,
    pub locale: Option<String>,
    pub must_change_password: bool,
    /// The street requires an authenticator for this role and the user has none yet.
    pub must_enrol_totp: bool,
    pub csrf_token: String,
}

/// Insert a session for a user who just proved who they are; returns the cookie value.
pub async fn create(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
) -> Result<String, sqlx::Error> {
    insert(conn, street, user, false).await
}

/// A session for a user whose password was right and whose authenticator code is still to
/// come. It opens nothing: `lookup` does not see it; only the code page (`lookup_pending`) does.
pub async fn create_pending(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
) -> Result<String, sqlx::Error> {
    insert(conn, street, user, true).await
}

async fn insert(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
    pending: bool,
) -> Result<String, sqlx::Error> {
    let token = new_token(street);
    sqlx::query!(
        "INSERT INTO session (street_id, id, user_id, token_hash, csrf_token, second_factor_pending)
         VALUES ($1, $2, $3, $4, $5, $6)",
        street.0,
        SessionId::new().0,
        user.0,
        token.hash,
        random_token(),
        pending
    )
    .execute(conn)
    .await?;
    Ok(token.cookie_value)
}

/// How long the code page waits after the password.
pub const SECOND_FACTOR_TIMEOUT: Duration = Duration::minutes(10);

/// A sign-in waiting for its authenticator code.
#[derive(Debug, Clone)]
pub struct PendingSignIn {
    pub street_id: StreetId,
    pub user_id: UserId,
    pub session_id: SessionId,
    pub csrf_token: String,
}

/// The pending sign-in of a cookie, if it is one and is less than ten minutes old.
pub async fn lookup_pending(
    pool: &RequestPool,
    cookie_value: &str,
) -> Result<Option<PendingSignIn>, sqlx::Error> {
    let Some((street, hash)) = parse_token(cookie_value) else {
        return Ok(None);
    };
    let mut tx = db::begin(pool.pool(), street, None).await?;
    let row = sqlx::query!(
        "SELECT s.id, s.user_id, s.csrf_token, s.created_at FROM session s
         JOIN app_user u ON u.street_id = s.street_id AND u.id = s.user_id
         WHERE s.street_id = $1 AND s.token_hash = $2 AND s.second_factor_pending AND u.disabled_at IS NULL",
        street.0,
        hash,
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row
        .filter(|r| Utc::now() - r.created_at < SECOND_FACTOR_TIMEOUT)
        .map(|r| PendingSignIn {
            street_id: street,
            user_id: UserId(r.user_id),
            session_id: SessionId(r.id),
            csrf_token: r.csrf_token,
        }))
}

/// Resolve a session cookie, ending it if it has timed out. `None` means anonymous.
///
/// One call to `session_lookup` (see `docs/schema.sql`): it runs inside the
/// cookie's street as the app role, like a request transaction, and ends or touches the session
/// in the same round trip.
pub async fn lookup(
    pool: &RequestPool,
    cookie_value: &str,
) -> Result<Option<SessionUser>, sqlx::Error> {
    let Some((street, hash)) = parse_token(cookie_value) else {
        return Ok(None);
    };
    let seconds = |d: Duration| d.num_milliseconds() as f64 / 1000.0;
    let row = sqlx::query!(
        r#"SELECT id AS "id!", user_id AS "user_id!", csrf_token AS "csrf_token!",
                  role AS "role!: Role", community_id, volunteer_id, display_name AS "display_name!",
                  login AS "login!", locale, must_change_password AS "must_change_password!",
                  must_enrol_totp AS "must_enrol_totp!"
           FROM session_lookup($1, $2, $3, $4, $5)"#,
        street.0,
        hash,
        seconds(IDLE_TIMEOUT),
        seconds(ABSOLUTE_TIMEOUT),
        seconds(TOUCH_EVERY),
    )
    .fetch_optional(pool.pool())
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    Ok(Some(SessionUser {
        street_id: street,
        user_id: UserId(row.user_id),
        session_id: SessionId(row.id),
        role: row.role,
        community_id: row.community_id.map(CommunityId),
        volunteer_id: row.volunteer_id.map(VolunteerId),
        display_name: row.display_name,
        login: row.login,
        locale: row.locale,
        must_change_password: row.must_change_password,
        must_enrol_totp: row.must_enrol_totp,
        csrf_token: row.csrf_token,
    }))
}

/// End one session (logout).
pub async fn end(
    conn: &mut PgConnection,
    street: StreetId,
    session: SessionId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM session WHERE street_id = $1 AND id = $2",
        street.0,
        session.0
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// End every session of a user (password change, reset, account disabled).
pub async fn end_all(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM session WHERE street_id = $1 AND user_id = $2",
        street.0,
        user.0
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_round_trip_and_tamper() {
        let street = StreetId::new();
        let token = new_token(street);
        let (s, hash) = parse_token(&token.cookie_value).unwrap();
        assert_eq!(s, street);
        assert_eq!(hash, token.hash);
        assert!(parse_token("garbage").is_none());
        assert!(parse_token(&token.cookie_value[..20]).is_none());
    }
}
