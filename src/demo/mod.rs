//! `shouhu demo`: a small, realistic street office to try Shouhu with, and the large and
//! many-tenant streets the speed and isolation targets are measured on. The small street is
//! deterministic (every run shows the same people) with two years of history made relative to
//! today, so it never ages; each is loaded once (a second run finds it and only prints the
//! logins).

mod events;
mod large;
mod small;
mod visits;
mod world;

pub use large::{LARGE_ADMIN_LOGIN, load_large, load_tenants};

use sqlx::PgPool;

use crate::auth::password;
use crate::db;
use crate::domain::crypto::DataKey;
use crate::error::CliResult;
use crate::streets::create_street;

/// The password of every demo account (demo data only; never used outside `shouhu demo`).
pub const PASSWORD: &str = "shouhu-demo-2026";
pub const ADMIN_LOGIN: &str = "admin@demo.shouhu.cn";
pub const STAFF_LOGIN: &str = "13800000001";
pub const VOLUNTEER_LOGIN: &str = "13900000001";

/// Where `shouhu demo` keeps the key it generated, so a restarted demo can still read its data.
pub const KEY_FILE: &str = "data/demo-data-key";

/// The demo's data key: the one configured, else the one saved by an earlier run, else a new
/// one saved for the next run.
pub fn data_key(configured: Option<&str>) -> CliResult<DataKey> {
    if let Some(encoded) = configured {
        return Ok(DataKey::from_base64(encoded).map_err(|e| format!("SHOUHU_DATA_KEY: {e}"))?);
    }
    if let Ok(saved) = std::fs::read_to_string(KEY_FILE) {
        return Ok(DataKey::from_base64(&saved).map_err(|e| format!("{KEY_FILE}: {e}"))?);
    }
    let (key, encoded) = DataKey::generate();
    std::fs::create_dir_all("data")?;
    std::fs::write(KEY_FILE, format!("{encoded}\n"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(KEY_FILE, std::fs::Permissions::from_mode(0o600))?;
    }
    println!("generated a development data key in {KEY_FILE} (demo only)");
    Ok(key)
}

/// Load the demo street unless it is there already; returns one login per role.
pub async fn load(pool: &PgPool, key: &DataKey) -> CliResult<Vec<(&'static str, &'static str)>> {
    let logins = vec![
        ("street admin", ADMIN_LOGIN),
        ("community staff", STAFF_LOGIN),
        ("volunteer", VOLUNTEER_LOGIN),
    ];
    let mut tx = db::begin_anonymous(pool).await?;
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM auth_user_by_login($1))")
        .bind(ADMIN_LOGIN)
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    if exists {
        println!("demo street already loaded");
        return Ok(logins);
    }
    let (street, admin) = create_street(
        pool,
        "城关街道（演示）",
        ADMIN_LOGIN,
        "街道管理员 周丽",
        PASSWORD,
        false,
    )
    .await?;
    let hash = password::hash(PASSWORD.to_string()).await?;
    let mut tx = db::begin(pool, street, Some(admin)).await?;
    small::fill(&mut tx, street, admin, &hash, key).await?;
    tx.commit().await?;
    Ok(logins)
}
