//! The schema in one place: `docs/schema.sql` is what the migrations make, the app role is as
//! the baseline makes it, and a database migrated with migrations this binary lacks is refused
//! with what to do.

use std::process::Command;

use sqlx::PgPool;

fn database_url(pool: &PgPool) -> String {
    let o = pool.connect_options();
    format!(
        "postgres://{}@{}:{}/{}",
        o.get_username(),
        o.get_host(),
        o.get_port(),
        o.get_database().unwrap_or("postgres")
    )
}

/// The first line where two texts differ (1-based), with a few lines of each from there.
fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let at = (0..e.len().max(a.len()))
        .find(|&i| e.get(i) != a.get(i))
        .unwrap_or(0);
    let show = |lines: &[&str]| {
        let shown: Vec<String> = lines
            .iter()
            .skip(at)
            .take(6)
            .map(|l| format!("    {l}"))
            .collect();
        if shown.is_empty() {
            "    (end of text)".to_string()
        } else {
            shown.join("\n")
        }
    };
    format!(
        "first difference at line {}:\n  docs/schema.sql:\n{}\n  the migrated database:\n{}",
        at + 1,
        show(&e),
        show(&a)
    )
}

#[sqlx::test]
async fn docs_schema_is_what_the_migrations_make(pool: PgPool) {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("bash")
        .args(["scripts/schema.sh", "--dump", &database_url(&pool)])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scripts/schema.sh --dump failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let actual = String::from_utf8(out.stdout).unwrap();
    let expected = std::fs::read_to_string(format!("{root}/docs/schema.sql")).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/schema.sql is not the schema the migrations make; run scripts/schema.sh and commit \
         docs/schema.sql\n{}",
        first_difference(&expected, &actual)
    );
}

#[sqlx::test]
async fn the_app_role_logs_in_and_is_plain(pool: PgPool) {
    let (login, superuser, bypass, createdb, createrole): (bool, bool, bool, bool, bool) =
        sqlx::query_as(
            "SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole
             FROM pg_roles WHERE rolname = 'shouhu_app'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(login, "shouhu_app can log in");
    assert!(!superuser && !bypass && !createdb && !createrole);
}

/// Records a migration this binary does not have, as a database migrated by another set would.
async fn record_migration(pool: &PgPool, version: i64) {
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES ($1, 'foundation', true, '\\x00', 1)",
    )
    .bind(version)
    .execute(pool)
    .await
    .unwrap();
}

#[sqlx::test]
async fn a_database_of_the_earlier_migrations_is_told_to_be_recreated(pool: PgPool) {
    record_migration(&pool, 20261128000001).await;
    record_migration(&pool, 20261204000016).await;
    let out = Command::new(env!("CARGO_BIN_EXE_shouhu"))
        .args(["migrate"])
        .env("DATABASE_URL", database_url(&pool))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "earlier, unreleased set of migrations",
        "versions 20261128000001, 20261204000016",
        "recreate the database",
        "dropdb",
        "createdb",
        "shouhu migrate",
        "shouhu demo",
    ] {
        assert!(stderr.contains(expected), "{expected:?} in {stderr}");
    }
    assert!(!stderr.contains("missing"), "not sqlx's error: {stderr}");
}

#[sqlx::test]
async fn a_database_of_a_newer_version_is_refused(pool: PgPool) {
    record_migration(&pool, 20991231000001).await;
    let err = shouhu::db::migrate(&pool).await.unwrap_err();
    assert!(
        matches!(&err, shouhu::db::MigrateError::Unknown { versions } if versions == &[20991231000001]),
        "{err:?}"
    );
    assert!(err.to_string().contains("another, probably newer, version"));
    // A database of this binary's migrations passes the check.
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version = 20991231000001")
        .execute(&pool)
        .await
        .unwrap();
    shouhu::db::migrate(&pool).await.unwrap();
}
