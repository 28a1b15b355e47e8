//! Tenant isolation: row-level security, the app role, and a walk of the catalog that fails
//! when a table or key breaks the tenancy rules.

use crate::common;

use common::{Fixture, count_as_app};
use sqlx::PgPool;
use uuid::Uuid;

/// Every table with a street_id column, from the catalog.
async fn tenant_tables(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'street_id' AND NOT a.attisdropped
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn the_schema_has_every_domain_table(pool: PgPool) {
    let tables = tenant_tables(&pool).await;
    for expected in [
        "community",
        "grid",
        "app_user",
        "session",
        "child",
        "guardian",
        "consent",
        "volunteer",
        "team",
        "pairing",
        "visit",
        "follow_up",
        "activity",
        "attendance",
        "aid",
        "report",
        "audit_event",
    ] {
        assert!(
            tables.iter().any(|t| t == expected),
            "missing tenant table {expected}; have {tables:?}"
        );
    }
}

#[sqlx::test]
async fn every_tenant_table_forces_rls_and_keys_carry_street_id(pool: PgPool) {
    let tables = tenant_tables(&pool).await;
    assert!(tables.len() >= 17);
    let mut problems = Vec::new();
    for table in &tables {
        let (enabled, forced): (bool, bool) = sqlx::query_as(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = $1::regclass",
        )
        .bind(table)
        .fetch_one(&pool)
        .await
        .unwrap();
        if !enabled || !forced {
            problems.push(format!("{table}: RLS enabled={enabled} forced={forced}"));
        }
        let policies: Vec<String> = sqlx::query_scalar(
            "SELECT pg_get_expr(polqual, polrelid) FROM pg_policy WHERE polrelid = $1::regclass",
        )
        .bind(table)
        .fetch_all(&pool)
        .await
        .unwrap();
        if policies.len() != 1 || !policies[0].contains("street_id = app_street()") {
            problems.push(format!("{table}: policies {policies:?}"));
        }
        // The primary key must start with street_id.
        let pk: Option<Vec<String>> = sqlx::query_scalar(
            "SELECT array_agg(a.attname::text ORDER BY k.ord) FROM pg_constraint c
             CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
             WHERE c.conrelid = $1::regclass AND c.contype = 'p' GROUP BY c.oid",
        )
        .bind(table)
        .fetch_optional(&pool)
        .await
        .unwrap();
        match pk {
            Some(cols)
                if cols.first().map(String::as_str) == Some("street_id") && cols.len() >= 2 => {}
            other => problems.push(format!("{table}: primary key {other:?}")),
        }
        // Every foreign key to another tenant table includes street_id on both sides.
        let fks: Vec<(String, String, Vec<String>, Vec<String>)> = sqlx::query_as(
            "SELECT c.conname::text, c.confrelid::regclass::text,
                    (SELECT array_agg(a.attname::text) FROM unnest(c.conkey) k JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k),
                    (SELECT array_agg(a.attname::text) FROM unnest(c.confkey) k JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k)
             FROM pg_constraint c WHERE c.conrelid = $1::regclass AND c.contype = 'f'",
        )
        .bind(table)
        .fetch_all(&pool)
        .await
        .unwrap();
        for (name, target, cols, target_cols) in fks {
            if target == "street" {
                continue;
            }
            if !tables.contains(&target) {
                problems.push(format!(
                    "{table}.{name}: references non-tenant table {target}"
                ));
            } else if !cols.contains(&"street_id".to_string())
                || !target_cols.contains(&"street_id".to_string())
            {
                problems.push(format!("{table}.{name}: foreign key to {target} omits street_id ({cols:?} -> {target_cols:?})"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "tenancy rule violations:\n{}",
        problems.join("\n")
    );
}

#[sqlx::test]
async fn every_index_is_led_by_street_id_except_the_global_login(pool: PgPool) {
    let bad: Vec<(String, String)> = sqlx::query_as(
        "SELECT t.relname::text, i.relname::text FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = 'public' AND t.relname NOT IN ('street', '_sqlx_migrations')
           AND (x.indkey[0] = 0 OR (SELECT attname FROM pg_attribute WHERE attrelid = t.oid AND attnum = x.indkey[0]) <> 'street_id')",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        bad,
        vec![("app_user".to_string(), "app_user_login_key".to_string())]
    );
}

#[sqlx::test]
async fn with_no_tenant_every_tenant_table_reads_empty(pool: PgPool) {
    let fixture = Fixture::new(&pool).await;
    let tables = tenant_tables(&pool).await;
    // The owner sees the fixture's rows; the app role without a tenant sees none of them.
    let owner_children: i64 = sqlx::query_scalar("SELECT count(*) FROM child")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(owner_children, 2);
    for table in tables.iter().chain(std::iter::once(&"street".to_string())) {
        let n = count_as_app(&pool, None, &format!("SELECT 1 FROM {table}")).await;
        assert_eq!(n, 0, "{table} leaks rows with no tenant set");
    }
    let n = count_as_app(&pool, Some(fixture.a.id), "SELECT 1 FROM child").await;
    assert_eq!(n, 1);
}

#[sqlx::test]
async fn street_a_cannot_see_or_write_street_b(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    for table in [
        "child",
        "community",
        "app_user",
        "volunteer",
        "pairing",
        "grid",
    ] {
        let mine = count_as_app(
            &pool,
            Some(f.a.id),
            &format!("SELECT 1 FROM {table} WHERE street_id = '{}'", f.a.id),
        )
        .await;
        let theirs = count_as_app(
            &pool,
            Some(f.a.id),
            &format!("SELECT 1 FROM {table} WHERE street_id = '{}'", f.b.id),
        )
        .await;
        assert!(mine > 0, "{table}: own rows visible");
        assert_eq!(theirs, 0, "{table}: street B rows visible to A");
    }
    // Even by primary key, without the street filter.
    let by_id = count_as_app(
        &pool,
        Some(f.a.id),
        &format!("SELECT 1 FROM child WHERE id = '{}'", f.b.child),
    )
    .await;
    assert_eq!(by_id, 0);

    // Inserting a row of street B while in street A fails the policy.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(
        "SELECT set_config('role', 'shouhu_app', true), set_config('app.street_id', $1, true)",
    )
    .bind(f.a.id.to_string())
    .execute(&mut *tx)
    .await
    .unwrap();
    let err =
        sqlx::query("INSERT INTO community (street_id, id, name) VALUES ($1, $2, 'smuggled')")
            .bind(f.b.id)
            .bind(Uuid::now_v7())
            .execute(&mut *tx)
            .await
            .expect_err("insert into another street must fail");
    assert!(err.to_string().contains("row-level security"), "{err}");
    tx.rollback().await.unwrap();

    // Updating B's rows from A touches nothing.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query(
        "SELECT set_config('role', 'shouhu_app', true), set_config('app.street_id', $1, true)",
    )
    .bind(f.a.id.to_string())
    .execute(&mut *tx)
    .await
    .unwrap();
    let done = sqlx::query("UPDATE child SET name = 'x' WHERE id = $1")
        .bind(f.b.child)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 0);
    tx.rollback().await.unwrap();
}

#[sqlx::test]
async fn a_cross_street_reference_is_impossible_even_for_the_owner(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    // A child of street A pointing at a community of street B: the composite key refuses it.
    let err = sqlx::query(
        "INSERT INTO child (street_id, id, community_id, name, gender, birth_date, left_behind, care_situation)
         VALUES ($1, $2, $3, 'x', 'male', '2015-01-01', 'father_away', 'relatives')",
    )
    .bind(f.a.id)
    .bind(Uuid::now_v7())
    .bind(f.b.community)
    .execute(&pool)
    .await
    .expect_err("cross-street foreign key");
    assert!(err.to_string().contains("foreign key"), "{err}");
}

#[sqlx::test]
async fn requests_run_as_a_plain_role(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut tx = shouhu::db::begin(&pool, shouhu::domain::ids::StreetId(f.a.id), None)
        .await
        .unwrap();
    let (user, superuser, bypass, owns): (String, bool, bool, i64) = sqlx::query_as(
        "SELECT current_user::text, r.rolsuper, r.rolbypassrls,
                (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid)
         FROM pg_roles r WHERE r.rolname = current_user",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(user, "shouhu_app");
    assert!(!superuser, "request role must not be superuser");
    assert!(!bypass, "request role must not bypass RLS");
    assert_eq!(owns, 0, "request role must own no table");
    let street: String = sqlx::query_scalar("SELECT current_setting('app.street_id')")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(street, f.a.id.to_string());
    tx.commit().await.unwrap();

    // The tenant was local to that transaction: the pooled connection forgets it.
    let mut conn = pool.acquire().await.unwrap();
    let after: Option<String> =
        sqlx::query_scalar("SELECT nullif(current_setting('app.street_id', true), '')")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    assert_eq!(after, None);
    let role: String = sqlx::query_scalar("SELECT current_user::text")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_ne!(role, "shouhu_app");
}

#[sqlx::test]
async fn the_app_role_cannot_change_the_schema_or_the_migrations(pool: PgPool) {
    let mut tx = shouhu::db::begin_anonymous(&pool).await.unwrap();
    let err = sqlx::query("CREATE TABLE evil (x int)")
        .execute(&mut *tx)
        .await
        .expect_err("no DDL");
    assert!(err.to_string().contains("permission denied"), "{err}");
    tx.rollback().await.unwrap();
    let mut tx = shouhu::db::begin_anonymous(&pool).await.unwrap();
    let err = sqlx::query("SELECT * FROM _sqlx_migrations")
        .execute(&mut *tx)
        .await
        .expect_err("no migrations access");
    assert!(err.to_string().contains("permission denied"), "{err}");
}

/// A keyed page's transaction (a volunteer's page, a child's file) reuses plans
/// (`db::begin_keyed`); the setting, like the tenant, ends with the transaction and never
/// reaches the next request on that connection.
#[sqlx::test]
async fn reused_plans_end_with_their_transaction(pool: PgPool) {
    use shouhu::domain::ids::StreetId;
    let f = Fixture::new(&pool).await;
    // One connection, so the second transaction runs where the first one did.
    let one = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect_with((*pool.connect_options()).clone())
        .await
        .unwrap();
    let settings =
        "SELECT current_setting('plan_cache_mode'), current_setting('app.street_id', true)";
    let mut tx = shouhu::db::begin_keyed(&one, StreetId(f.a.id), None)
        .await
        .unwrap();
    let (mode, street): (String, String) =
        sqlx::query_as(settings).fetch_one(&mut *tx).await.unwrap();
    assert_eq!(mode, "force_generic_plan");
    assert_eq!(street, f.a.id.to_string());
    tx.commit().await.unwrap();
    let mut tx = shouhu::db::begin(&one, StreetId(f.b.id), None)
        .await
        .unwrap();
    let (mode, street): (String, String) =
        sqlx::query_as(settings).fetch_one(&mut *tx).await.unwrap();
    assert_ne!(
        mode, "force_generic_plan",
        "the plan setting outlived its transaction"
    );
    assert_eq!(street, f.b.id.to_string());
    tx.rollback().await.unwrap();
}

/// A request dropped while its transaction is beginning (the client went away) must not leave
/// the connection inside that transaction, with that tenant set, for the next request to use.
/// sqlx 0.9.0 does (transact-rs/sqlx#4393): `db::begin` works around it. The database's answers
/// pass through a proxy that holds them 20 ms, so each begin is dropped while BEGIN is on its way.
#[sqlx::test]
async fn a_begin_cut_short_leaves_no_tenant_on_the_connection(pool: PgPool) {
    use shouhu::domain::ids::StreetId;
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let f = Fixture::new(&pool).await;
    let options = (*pool.connect_options()).clone();
    let server = format!("{}:{}", options.get_host(), options.get_port());
    let proxy = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = proxy.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((client, _)) = proxy.accept().await {
            let upstream = tokio::net::TcpStream::connect(&server).await.unwrap();
            let (mut client_read, mut client_write) = client.into_split();
            let (mut server_read, mut server_write) = upstream.into_split();
            tokio::spawn(async move {
                let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
            });
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                while let Ok(n) = server_read.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    if client_write.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    // Not pinged when taken from the pool, so BEGIN is the first thing each begin sends.
    let one = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .connect_with(options.host("127.0.0.1").port(port))
        .await
        .unwrap();
    for _ in 0..3 {
        let cut = tokio::time::timeout(
            Duration::from_millis(5),
            shouhu::db::begin(&one, StreetId(f.a.id), None),
        )
        .await;
        assert!(cut.is_err(), "the begin was meant to be cut short");
        // The next use of the one connection, meant to be outside any transaction.
        let ask = "SELECT nullif(current_setting('app.street_id', true), ''), txid_current()";
        let (street, first): (Option<String>, i64) =
            sqlx::query_as(ask).fetch_one(&one).await.unwrap();
        let (_, second): (Option<String>, i64) = sqlx::query_as(ask).fetch_one(&one).await.unwrap();
        assert_eq!(street, None, "the cut-short request's tenant is still set");
        assert_ne!(
            first, second,
            "the connection is still inside a transaction"
        );
    }
}

#[sqlx::test]
async fn requests_log_in_as_a_role_that_cannot_pass_row_level_security(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let requests = shouhu::auth::RequestPool::beside(&pool, None);
    requests.check().await.expect("the app role is plain");
    // Outside a tenant the request pool reads no street's children; the owner reads them all.
    let mut tx = shouhu::auth::Anonymous::from(&requests)
        .begin()
        .await
        .unwrap();
    let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM child")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(seen, 0);
    let mut tx = shouhu::auth::Anonymous::from(&requests)
        .tenant(shouhu::domain::ids::StreetId(f.a.id), None)
        .begin()
        .await
        .unwrap();
    let (user, bypass): (String, bool) = sqlx::query_as(
        "SELECT session_user::text, rolbypassrls FROM pg_roles WHERE rolname = session_user",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!((user.as_str(), bypass), ("shouhu_app", false));
}
