//! The API under a conformance fuzzer: schemathesis, with all of its checks and its stateful
//! phase, against the demo street and a read-write token. `scripts/test.sh` installs the pinned
//! schemathesis and names it in `SHOUHU_SCHEMATHESIS`.

use crate::{browser, common};

use shouhu::demo;
use sqlx::PgPool;
use uuid::Uuid;

#[sqlx::test]
async fn the_api_answers_as_its_document_says_under_schemathesis(pool: PgPool) {
    let st = std::env::var("SHOUHU_SCHEMATHESIS")
        .expect("SHOUHU_SCHEMATHESIS names the schemathesis command (scripts/test.sh sets it)");
    demo::load(&pool, &common::test_key()).await.unwrap();
    let (street, admin): (Uuid, Uuid) =
        sqlx::query_as("SELECT street_id, id FROM app_user WHERE login = $1")
            .bind(demo::ADMIN_LOGIN)
            .fetch_one(&pool)
            .await
            .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    let token = common::insert_token(&mut conn, street, Uuid::now_v7(), admin, [7; 32]).await;
    drop(conn);
    let children: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM child WHERE street_id = $1 AND status = 'active' ORDER BY id LIMIT 5",
    )
    .bind(street)
    .fetch_all(&pool)
    .await
    .unwrap();
    let children = children
        .iter()
        .map(Uuid::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let base = browser::serve(&pool).await;
    let hooks = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/conformance");
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(st)
            .args([
                "run",
                &format!("{base}/api/v1/openapi.json"),
                "--url",
                &base,
                "--header",
                &format!("Authorization: Bearer {token}"),
                "--checks",
                "all",
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--max-examples",
                "100",
                "--seed",
                "20261205",
                "--no-color",
            ])
            // Its cache goes to the working directory: not the checkout.
            .current_dir(std::env::temp_dir())
            .env("PYTHONPATH", hooks)
            .env("SCHEMATHESIS_HOOKS", "hooks")
            .env("SHOUHU_ST_CHILDREN", children)
            .output()
            .expect("run schemathesis")
    })
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    println!("{text}{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        output.status.success(),
        "schemathesis found failures (above)"
    );
    // It reached the write, not only the refusals: visits were stored under the token.
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM visit WHERE author_id = $1")
        .bind(admin)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(stored > 0, "schemathesis stored no visit");
    println!("visits stored by schemathesis: {stored}");
}
