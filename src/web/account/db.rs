//! Account queries: the sign-in lookups and counters, the password and language, the
//! authenticator's state, its used time steps and the recovery codes.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::auth::{throttle, totp};
use crate::domain::ids::{StreetId, UserId};
use crate::domain::role::Role;

/// An account as the sign-in sees it, found by its login before any tenant is known.
pub struct LoginAccount {
    pub street_id: StreetId,
    pub user_id: UserId,
    pub password_hash: String,
    pub disabled: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub fail_window_start: Option<DateTime<Utc>>,
    pub fail_window_count: i32,
}

/// The account with this login, through `auth_user_by_login` (the one lookup allowed before
/// the street is known).
pub async fn account_by_login(
    conn: &mut PgConnection,
    login: &str,
) -> Result<Option<LoginAccount>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT street_id AS "street_id!", user_id AS "user_id!", password_hash AS "password_hash!",
                  disabled AS "disabled!", locked_until, fail_window_start, fail_window_count AS "fail_window_count!"
           FROM auth_user_by_login($1)"#,
        login,
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| LoginAccount {
        street_id: StreetId(r.street_id),
        user_id: UserId(r.user_id),
        password_hash: r.password_hash,
        disabled: r.disabled,
        locked_until: r.locked_until,
        fail_window_start: r.fail_window_start,
        fail_window_count: r.fail_window_count,
    }))
}

/// What follows a right password: whether it must be changed, and whether an authenticator
/// code comes next.
pub struct AfterPassword {
    pub must_change_password: bool,
    pub totp: bool,
}

pub async fn after_password(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
) -> Result<AfterPassword, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT must_change_password, totp_enabled_at IS NOT NULL AS "totp!" FROM app_user
           WHERE street_id = $1 AND id = $2"#,
        street.0,
        user.0,
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(AfterPassword {
        must_change_password: row.must_change_password,
        totp: row.totp,
    })
}

/// A full sign-in: the failure count is cleared and the time noted.
pub async fn signed_in(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE app_user SET failed_logins = 0, locked_until = NULL, last_login_at = now()
         WHERE street_id = $1 AND id = $2",
        street.0,
        user.0,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Count a failed password or code on the account: a growing delay after five in a row, and
/// at most 100 an hour before every attempt waits (see `throttle`).
pub async fn record_failure(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
) -> Result<(), sqlx::Error> {
    let row = sqlx::query!(
        "UPDATE app_user SET
             failed_logins = failed_logins + 1,
             fail_window_count = CASE WHEN fail_window_start IS NULL OR fail_window_start < now() - interval '1 hour'
                                      THEN 1 ELSE fail_window_count + 1 END,
             fail_window_start = CASE WHEN fail_window_start IS NULL OR fail_window_start < now() - interval '1 hour'
                                      THEN now() ELSE fail_window_start END
         WHERE street_id = $1 AND id = $2
         RETURNING failed_logins",
        street.0,
        user.0,
    )
    .fetch_one(&mut *conn)
    .await?;
    let delay = throttle::lock_seconds(row.failed_logins);
    if delay > 0 {
        sqlx::query!(
            "UPDATE app_user SET locked_until = now() + make_interval(secs => $3) WHERE street_id = $1 AND id = $2",
            street.0,
            user.0,
            delay as f64,
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The stored password hash and the account's lock, for checking the current password.
pub async fn password_hash(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
) -> Result<(String, Option<DateTime<Utc>>), sqlx::Error> {
    let row = sqlx::query!(
        "SELECT password_hash, locked_until FROM app_user WHERE street_id = $1 AND id = $2",
        street.0,
        user.0,
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((row.password_hash, row.locked_until))
}

/// A new password; the account no longer has to change it.
pub async fn set_password(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE app_user SET password_hash = $3, must_change_password = false, version = version + 1, updated_at = now()
         WHERE street_id = $1 AND id = $2",
        street.0,
        user.0,
        hash,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_locale(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
    code: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE app_user SET locale = $3 WHERE street_id = $1 AND id = $2",
        street.0,
        user.0,
        code,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The account behind a pending sign-in, as the code page needs it.
pub struct CodeAccount {
    pub login: String,
    pub locked_until: Option<DateTime<Utc>>,
    pub must_change_password: bool,
}

pub async fn code_account(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
) -> Result<CodeAccount, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT login, locked_until, must_change_password FROM app_user WHERE street_id = $1 AND id = $2",
        street.0,
        user.0
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(CodeAccount {
        login: row.login,
        locked_until: row.locked_until,
        must_change_password: row.must_change_password,
    })
}

/// An account's authenticator as stored: the secrets still encrypted.
pub struct TotpRow {
    pub secret_enc: Option<Vec<u8>>,
    pub pending_enc: Option<Vec<u8>>,
    pub last_step: i64,
    /// The street requires an authenticator of this account's role.
    pub required: bool,
    pub recovery_left: i64,
}

pub async fn totp_row(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
) -> Result<TotpRow, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT u.totp_secret_enc, u.totp_pending_enc, u.totp_last_step, u.role::text AS "role!", st.totp_required,
                  (SELECT count(*) FROM recovery_code r WHERE r.street_id = u.street_id AND r.user_id = u.id AND r.used_at IS NULL) AS "left!"
           FROM app_user u JOIN street st ON st.id = u.street_id
           WHERE u.street_id = $1 AND u.id = $2"#,
        street.0,
        user.0
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(TotpRow {
        secret_enc: row.totp_secret_enc,
        pending_enc: row.totp_pending_enc,
        last_step: row.totp_last_step,
        required: row.totp_required && row.role != Role::Volunteer.key(),
        recovery_left: row.left,
    })
}

/// Marks a time step used, once: false if another request used it (or a newer one) first.
pub async fn use_step(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
    step: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE app_user SET totp_last_step = $3 WHERE street_id = $1 AND id = $2 AND totp_last_step < $3",
        street.0,
        user.0,
        step
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Spends an unused recovery code with this hash: false if there is none.
pub async fn spend_recovery_code(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
    code_hash: &[u8],
) -> Result<bool, sqlx::Error> {
    let spent = sqlx::query!(
        "UPDATE recovery_code SET used_at = now()
         WHERE street_id = $1 AND user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        street.0,
        user.0,
        code_hash
    )
    .execute(&mut *conn)
    .await?;
    Ok(spent.rows_affected() == 1)
}

/// Replaces the account's recovery codes; returns the new ones (to show once).
pub async fn replace_recovery_codes(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query!(
        "DELETE FROM recovery_code WHERE street_id = $1 AND user_id = $2",
        street.0,
        user.0
    )
    .execute(&mut *conn)
    .await?;
    let codes = totp::new_recovery_codes();
    for code in &codes {
        sqlx::query!(
            "INSERT INTO recovery_code (street_id, user_id, code_hash) VALUES ($1, $2, $3)",
            street.0,
            user.0,
            totp::recovery_hash(code)
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(codes)
}

/// Keeps an enrolment's secret (encrypted) until its first code confirms it.
pub async fn set_pending_secret(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
    secret_enc: Vec<u8>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE app_user SET totp_pending_enc = $3 WHERE street_id = $1 AND id = $2",
        street.0,
        user.0,
        secret_enc
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The pending secret becomes the account's authenticator, `step` already used.
pub async fn confirm_enrolment(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
    step: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE app_user SET totp_secret_enc = totp_pending_enc, totp_pending_enc = NULL, totp_enabled_at = now(),
             totp_last_step = $3, version = version + 1, updated_at = now()
         WHERE street_id = $1 AND id = $2 AND totp_secret_enc IS NULL",
        street.0,
        user.0,
        step
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes the authenticator and its recovery codes.
pub async fn remove_totp(
    conn: &mut PgConnection,
    street: StreetId,
    user: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE app_user SET totp_secret_enc = NULL, totp_pending_enc = NULL, totp_enabled_at = NULL,
             version = version + 1, updated_at = now()
         WHERE street_id = $1 AND id = $2",
        street.0,
        user.0
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM recovery_code WHERE street_id = $1 AND user_id = $2",
        street.0,
        user.0
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}
