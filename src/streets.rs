//! Creating a street office (a tenant) and its first admin: the operator's `create-street`, the
//! demo loaders and the tests use it.

use sqlx::PgPool;

use crate::auth::password;
use crate::db;
use crate::domain::ids::{StreetId, UserId};
use crate::domain::login::Login;
use crate::error::CliResult;

/// Create a street and its first admin (operator command, also used by tests and the demo).
/// Runs on the owner connection: a new tenant has no tenant yet to run in.
pub async fn create_street(
    pool: &PgPool,
    name: &str,
    admin_login: &str,
    admin_name: &str,
    password: &str,
    must_change_password: bool,
) -> CliResult<(StreetId, UserId)> {
    let name = name.trim();
    if name.is_empty() {
        return Err("the street needs a name".into());
    }
    let login = Login::parse(admin_login)
        .map_err(|_| "the admin login must be an email or a mainland mobile number")?;
    if password.chars().count() < password::MIN_LENGTH {
        return Err(format!(
            "the admin password needs at least {} characters",
            password::MIN_LENGTH
        )
        .into());
    }
    let hash = password::hash(password.to_string()).await?;
    let street = StreetId::new();
    let user = UserId::new();
    let mut tx = pool.begin().await?;
    // The tenant is set first so the street row passes its policy even for a non-superuser owner.
    sqlx::query("SELECT set_config('app.street_id', $1, true)")
        .bind(street.0.to_string())
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "INSERT INTO street (id, name) VALUES ($1, $2)",
        street.0,
        name
    )
    .execute(&mut *tx)
    .await?;
    // From here on the app role, RLS on, like any request.
    sqlx::query("SELECT set_config('role', $1, true)")
        .bind(db::APP_ROLE)
        .execute(&mut *tx)
        .await?;
    let inserted = sqlx::query!(
        "INSERT INTO app_user (street_id, id, login, display_name, role, password_hash, must_change_password)
         VALUES ($1, $2, $3, $4, 'street_admin', $5, $6)",
        street.0,
        user.0,
        login.as_str(),
        admin_name,
        hash,
        must_change_password,
    )
    .execute(&mut *tx)
    .await;
    if let Err(sqlx::Error::Database(e)) = &inserted {
        if e.constraint() == Some("app_user_login_key") {
            return Err(format!("the login {login} is already in use").into());
        }
    }
    inserted?;
    crate::audit::record(
        &mut tx,
        "street_created",
        "street",
        Some(street.0),
        "",
        serde_json::json!({ "by": "operator" }),
    )
    .await?;
    tx.commit().await?;
    Ok((street, user))
}
