//! The audit log: append-only for the app role, hash-chained per street, and written for
//! logins, failed logins and account changes.

use crate::common;

use common::{Fixture, PASSWORD, TestClient};
use serde_json::json;
use shouhu::domain::ids::{StreetId, UserId};
use sqlx::PgPool;

async fn actions(pool: &PgPool, street: uuid::Uuid) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_event WHERE street_id = $1 ORDER BY seq")
        .bind(street)
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn the_app_role_can_only_append(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let street = StreetId(f.a.id);
    let mut tx = shouhu::db::begin(&pool, street, Some(UserId(f.a.admin)))
        .await
        .unwrap();
    shouhu::audit::record(
        &mut tx,
        "test_event",
        "child",
        Some(f.a.child),
        "127.0.0.1",
        json!({ "why": "test" }),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    for sql in [
        "UPDATE audit_event SET action = 'forged'",
        "DELETE FROM audit_event",
        "TRUNCATE audit_event",
    ] {
        let mut tx = shouhu::db::begin(&pool, street, None).await.unwrap();
        let err = sqlx::query(sql).execute(&mut *tx).await.expect_err(sql);
        assert!(
            err.to_string().contains("permission denied"),
            "{sql}: {err}"
        );
    }
    let user: Option<uuid::Uuid> =
        sqlx::query_scalar("SELECT user_id FROM audit_event WHERE action = 'test_event'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        user,
        Some(f.a.admin),
        "the acting user comes from app.user_id"
    );
}

#[sqlx::test]
async fn the_chain_verifies_and_detects_tampering(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    for street in [f.a.id, f.b.id] {
        let mut tx = shouhu::db::begin(&pool, StreetId(street), None)
            .await
            .unwrap();
        for i in 0..5 {
            shouhu::audit::record(&mut tx, "viewed", "child", None, "", json!({ "n": i }))
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }
    let verify = |street: uuid::Uuid| {
        let pool = pool.clone();
        async move {
            let mut tx = shouhu::db::begin(&pool, StreetId(street), None)
                .await
                .unwrap();
            let broken: Option<i64> = sqlx::query_scalar("SELECT audit_verify()")
                .fetch_one(&mut *tx)
                .await
                .unwrap();
            broken
        }
    };
    assert_eq!(verify(f.a.id).await, None);
    let seqs: Vec<i64> =
        sqlx::query_scalar("SELECT seq FROM audit_event WHERE street_id = $1 ORDER BY seq")
            .bind(f.a.id)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        seqs,
        vec![1, 2, 3, 4, 5],
        "each street has its own gapless chain"
    );

    // Someone with owner access edits event 3: verification points at it; street B is untouched.
    sqlx::query("UPDATE audit_event SET detail = '{\"n\": 99}' WHERE street_id = $1 AND seq = 3")
        .bind(f.a.id)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(verify(f.a.id).await, Some(3));
    assert_eq!(verify(f.b.id).await, None);

    // Deleting a row breaks the link of the next one.
    sqlx::query("DELETE FROM audit_event WHERE street_id = $1 AND seq = 2")
        .bind(f.b.id)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(verify(f.b.id).await, Some(3));
}

#[sqlx::test]
async fn logins_failures_and_account_changes_are_recorded(pool: PgPool) {
    let f = Fixture::new(&pool).await;
    let mut client = TestClient::new(&pool);
    let failed = client.try_login(&f.a.staff_login, "wrong password").await;
    assert_eq!(failed.status, 200);
    client.login(&f.a.admin_login, PASSWORD).await;
    client.get("/users").await;
    let staff = f.a.staff.to_string();
    client.post(&format!("/users/{staff}/disable"), &[]).await;
    client.post(&format!("/users/{staff}/enable"), &[]).await;
    client
        .post(&format!("/users/{staff}/reset-password"), &[])
        .await;
    client.post("/logout", &[]).await;
    assert_eq!(
        actions(&pool, f.a.id).await,
        vec![
            "login_failed",
            "login",
            "user_disabled",
            "user_enabled",
            "password_reset",
            "logout"
        ]
    );
    // Events name the account but never carry a login, phone or password.
    let details: Vec<String> =
        sqlx::query_scalar("SELECT detail::text || ip FROM audit_event WHERE street_id = $1")
            .bind(f.a.id)
            .fetch_all(&pool)
            .await
            .unwrap();
    for d in details {
        assert!(
            !d.contains(&f.a.staff_login) && !d.contains(PASSWORD),
            "{d}"
        );
    }
    assert!(
        actions(&pool, f.b.id).await.is_empty(),
        "nothing lands in another street's log"
    );
}
