//! The pool, migrations, and the per-request transactions that carry the tenant.

use sqlx::ConnectOptions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use std::str::FromStr;
use std::time::Duration;
use uuid::Uuid;

use crate::domain::ids::{StreetId, UserId};

/// The migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// The database role every request runs as: not superuser, not BYPASSRLS, owns no table.
pub const APP_ROLE: &str = "shouhu_app";

pub type Tx = Transaction<'static, Postgres>;

pub async fn connect(url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    connect_with_slow_log(url, max_connections, log::LevelFilter::Warn).await
}

/// A pool for loading data in bulk (the demo): its statements are slow by design, so they are
/// logged as slow only at debug level instead of filling the console with warnings.
pub async fn connect_for_loading(url: &str, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    connect_with_slow_log(url, max_connections, log::LevelFilter::Debug).await
}

async fn connect_with_slow_log(
    url: &str,
    max_connections: u32,
    slow: log::LevelFilter,
) -> Result<PgPool, sqlx::Error> {
    // Custom plans for every execution: one prepared statement serves a street of 5,000 children
    // and one of 200, and a generic plan fitted to the average tenant can be catastrophic for the
    // large one (the street view went from milliseconds to 28 s). Planning costs well under a
    // millisecond per statement. JIT off: its compile time (40–70 ms) dwarfed the queries it
    // was meant to speed up (the community summary ran 72 ms with it, 5 ms without).
    let options = PgConnectOptions::from_str(url)?
        .application_name("shouhu")
        // Room for every query the app has (about 200) on each connection; at the default of
        // 100 a busy connection would evict and re-prepare statements.
        .statement_cache_capacity(400)
        .options([("plan_cache_mode", "force_custom_plan"), ("jit", "off")])
        .log_slow_statements(slow, Duration::from_secs(1));
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
}

/// Why `migrate` could not bring a database to this binary's schema.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    /// The database was migrated with migrations older than this binary's first one: a set that
    /// was never released, which the schema cannot be carried forward from.
    #[error(
        "this database was migrated with an earlier, unreleased set of migrations (versions {}) \
         that this version of Shouhu does not carry forward; recreate the database (for example \
         `dropdb shouhu && createdb shouhu`), then run `shouhu migrate`, or `shouhu demo` for the demo",
        versions_list(.versions)
    )]
    Unreleased { versions: Vec<i64> },
    /// The database holds migrations newer than this binary's, or ones it never had: another
    /// build of Shouhu migrated it.
    #[error(
        "this database holds migrations this version of Shouhu does not have (versions {}): \
         it was migrated by another, probably newer, version; run that version, or recreate the \
         database and run `shouhu migrate`",
        versions_list(.versions)
    )]
    Unknown { versions: Vec<i64> },
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

fn versions_list(versions: &[i64]) -> String {
    versions
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn migrate(pool: &PgPool) -> Result<(), MigrateError> {
    check_applied_migrations(pool).await?;
    MIGRATOR.run(pool).await?;
    search_keys(pool).await?;
    Ok(())
}

/// Refuses a database whose migration table records versions this binary does not have, with
/// what to do, before sqlx would fail on them with a missing-migration error.
pub async fn check_applied_migrations(pool: &PgPool) -> Result<(), MigrateError> {
    let has_table: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(pool)
        .await?;
    if !has_table {
        return Ok(());
    }
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(pool)
            .await?;
    let known: Vec<i64> = MIGRATOR.iter().map(|m| m.version).collect();
    let unknown: Vec<i64> = applied.into_iter().filter(|v| !known.contains(v)).collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let first = known.iter().copied().min().unwrap_or(i64::MAX);
    if unknown.iter().all(|v| *v < first) {
        Err(MigrateError::Unreleased { versions: unknown })
    } else {
        Err(MigrateError::Unknown { versions: unknown })
    }
}

/// Give the app role the password the request pool logs in with (`SHOUHU_APP_DATABASE_PASSWORD`),
/// where the server asks for one. Nothing to do without it (trust or peer authentication).
pub async fn set_app_password(pool: &PgPool, password: Option<&str>) -> Result<(), sqlx::Error> {
    let Some(password) = password.filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    // ALTER ROLE takes no parameters; the literal is quoted by the server.
    let sql: String =
        sqlx::query_scalar("SELECT format('ALTER ROLE %I PASSWORD %L', $1::text, $2::text)")
            .bind(APP_ROLE)
            .bind(password)
            .fetch_one(pool)
            .await?;
    sqlx::query(sqlx::AssertSqlSafe(sql)).execute(pool).await?;
    Ok(())
}

/// Files saved before names were searchable by their full pinyin hold only the initials in
/// `name_initials`; give them the whole search key (`hsq|huangsiqi`). Computed here, not in
/// SQL, from the same pinyin table the app uses; a no-op once done.
async fn search_keys(pool: &PgPool) -> Result<(), sqlx::Error> {
    let rows: Vec<(Uuid, Uuid, String)> = sqlx::query_as(
        "SELECT street_id, id, name FROM child WHERE name_initials <> '' AND strpos(name_initials, '|') = 0",
    )
    .fetch_all(pool)
    .await?;
    for chunk in rows.chunks(5_000) {
        let (streets, ids): (Vec<Uuid>, Vec<Uuid>) = chunk.iter().map(|(s, i, _)| (*s, *i)).unzip();
        let keys: Vec<String> = chunk
            .iter()
            .map(|(_, _, name)| crate::domain::pinyin::search_key(name))
            .collect();
        sqlx::query(
            "UPDATE child SET name_initials = u.key FROM UNNEST($1::uuid[], $2::uuid[], $3::text[]) AS u(street_id, id, key)
             WHERE child.street_id = u.street_id AND child.id = u.id",
        )
        .bind(&streets)
        .bind(&ids)
        .bind(&keys)
        .execute(pool)
        .await?;
    }
    Ok(())
}

/// Whether every embedded migration has been applied (for `/readyz`).
pub async fn migrations_current(pool: &PgPool) -> Result<bool, sqlx::Error> {
    let applied: Vec<i64> = sqlx::query_scalar("SELECT applied_migrations() ORDER BY 1")
        .fetch_all(pool)
        .await?;
    Ok(MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .all(|m| applied.contains(&m.version)))
}

/// A request transaction in a tenant. Its first statement drops to the app role and sets the
/// tenant and user *locally* (`true`): a session-wide setting would leak through the pool.
pub async fn begin(
    pool: &PgPool,
    street: StreetId,
    user: Option<UserId>,
) -> Result<Tx, sqlx::Error> {
    begin_in(pool, Some((street, user)), false).await
}

/// A request transaction for a page whose every query is narrowed to one volunteer, pairing or
/// child: a volunteer's own pages, and a child's file. Such a query has the same plan in
/// a street of 200 children and in one of 5,000, so its plan is made once per connection and
/// reused (`plan_cache_mode=force_generic_plan`, for this transaction only): planning afresh
/// was more than half of the database's time on these pages. Never for a list or a figure over
/// a street, where a plan fitted to the average tenant can be catastrophic for a large one; a
/// query added to these pages must be checked with its generic plan in the large demo street
/// (`scripts/bench`, P6 breaks it down by page).
pub async fn begin_keyed(
    pool: &PgPool,
    street: StreetId,
    user: Option<UserId>,
) -> Result<Tx, sqlx::Error> {
    begin_in(pool, Some((street, user)), true).await
}

/// A request transaction before the tenant is known (login): the app role, no tenant, so every
/// tenant table reads as empty and only the SECURITY DEFINER login lookup can see accounts.
pub async fn begin_anonymous(pool: &PgPool) -> Result<Tx, sqlx::Error> {
    begin_in(pool, None, false).await
}

async fn begin_in(
    pool: &PgPool,
    tenant: Option<(StreetId, Option<UserId>)>,
    reuse_plans: bool,
) -> Result<Tx, sqlx::Error> {
    use std::fmt::Write;
    use std::sync::atomic::Ordering;
    // BEGIN and the settings go as one message: one round trip instead of two on every
    // request. The values are typed UUIDs and constants, so the text is not injectable.
    let mut begin = format!("BEGIN; SELECT set_config('role', '{APP_ROLE}', true)");
    if let Some((street, user)) = tenant {
        let user = user.map(|u| u.0.to_string()).unwrap_or_default();
        let _ = write!(
            begin,
            ", set_config('app.street_id', '{}', true), set_config('app.user_id', '{user}', true)",
            street.0
        );
    }
    if reuse_plans {
        begin.push_str(", set_config('plan_cache_mode', 'force_generic_plan', true)");
    }
    // The begin runs in a task of its own, so it always completes. sqlx 0.9.0 cannot be cut
    // short while BEGIN is in flight (transact-rs/sqlx#4393): a request dropped then (its client
    // went away) left the connection inside the transaction, this tenant set, and the pool gave
    // it to the next request. Finished in its task, an unwanted transaction is dropped there and
    // rolled back as any other. The count of requests waiting for a connection is kept in the
    // task too: a dropped request used to leave it raised.
    let pool = pool.clone();
    let begun = tokio::spawn(async move {
        crate::metrics::DB_WAITING.fetch_add(1, Ordering::Relaxed);
        let tx = pool.begin_with(sqlx::AssertSqlSafe(begin)).await;
        crate::metrics::DB_WAITING.fetch_sub(1, Ordering::Relaxed);
        tx
    });
    begun
        .await
        .map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))?
}

/// For the rest of this transaction, reuse plans (`plan_cache_mode=force_generic_plan`), for a
/// bulk write of `rows` rows. Every foreign key is checked by a query per written row, and under
/// the connections' `force_custom_plan` each of those queries is planned afresh: for a roster of
/// 10,000 children with two guardians and a consent each, some 140,000 plans of one primary-key
/// lookup, which tripled the cost of each check. Call it only where no statement after it reads
/// over a street whose size its plan must know: a generic plan is planned without the
/// parameters' values, the average-tenant plan `connect` guards against. The roster imports call
/// it after their street-wide checks, before their writes (which read only what they are given);
/// the demo loaders read a street they have just created, which has no statistics yet either way.
///
/// A write of fewer than `BULK_ROWS` rows keeps custom plans: the foreign-key checks' generic
/// plans outlive the transaction on its connection, and made while the tables are small they
/// scan them whole; a 10,000-row import that followed a 20-row one on the same connection took
/// 8.7 s instead of 2.4 s (`BENCH_SCALE=small BENCH_POOL=1 BENCH_IMPORT_FIRST_SMALL=1 bash
/// scripts/bench-import.sh`). `DISCARD PLANS` does not reach those plans.
pub async fn reuse_plans_for_bulk_write(
    conn: &mut PgConnection,
    rows: usize,
) -> Result<(), sqlx::Error> {
    if rows < BULK_ROWS {
        return Ok(());
    }
    sqlx::query("SELECT set_config('plan_cache_mode', 'force_generic_plan', true)")
        .execute(conn)
        .await
        .map(|_| ())
}

/// The smallest write that reuses plans (`reuse_plans_for_bulk_write`).
pub const BULK_ROWS: usize = 1_000;

/// Every street's id and name (the CLI and the daily job run as the owner role).
pub async fn streets(pool: &PgPool) -> Result<Vec<(StreetId, String)>, sqlx::Error> {
    Ok(sqlx::query!("SELECT id, name FROM street ORDER BY name")
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(|r| (StreetId(r.id), r.name))
        .collect())
}
