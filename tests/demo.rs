//! `shouhu demo` loads a realistic street once, and its logins work.

mod common;

use common::TestClient;
use shouhu::demo;
use sqlx::PgPool;

#[sqlx::test]
async fn the_demo_street_loads_once_and_each_role_logs_in(pool: PgPool) {
    let logins = demo::load(&pool, &common::test_key()).await.unwrap();
    assert_eq!(logins.len(), 3);
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(count("SELECT count(*) FROM community").await, 3);
    assert_eq!(count("SELECT count(*) FROM child").await, 60);
    assert_eq!(
        count("SELECT count(DISTINCT child_id) FROM guardian").await,
        60
    );
    assert_eq!(count("SELECT count(*) FROM volunteer").await, 15);
    assert_eq!(
        count("SELECT count(*) FROM pairing WHERE ended_on IS NULL").await,
        30
    );
    assert!(count("SELECT count(*) FROM visit").await >= 30);
    assert_eq!(count("SELECT count(*) FROM activity").await, 6);
    // Every demo child has a valid, encrypted ID number that decrypts with the key.
    assert_eq!(
        count("SELECT count(*) FROM child WHERE id_number_enc IS NOT NULL AND name_initials <> ''")
            .await,
        60
    );
    let blob: Vec<u8> = sqlx::query_scalar("SELECT id_number_enc FROM child LIMIT 1")
        .fetch_one(&pool)
        .await
        .unwrap();
    let number = common::test_key().decrypt(&blob).unwrap();
    assert!(shouhu::domain::id_number::IdNumber::parse(&number).is_ok());
    // Most files are complete; a few lack consent, so the rate is real.
    let complete =
        count("SELECT count(*) FROM child c WHERE cardinality(child_missing(c)) = 0").await;
    assert!((45..60).contains(&complete), "{complete}");

    // A second run adds nothing.
    demo::load(&pool, &common::test_key()).await.unwrap();
    assert_eq!(count("SELECT count(*) FROM child").await, 60);

    for (role, login) in [
        ("street_admin", demo::ADMIN_LOGIN),
        ("community_staff", demo::STAFF_LOGIN),
        ("volunteer", demo::VOLUNTEER_LOGIN),
    ] {
        let mut client = TestClient::new(&pool);
        client.login(login, demo::PASSWORD).await;
        let home = client.get("/").await;
        assert_eq!(
            home.attr("#home-heading", "data-role").as_deref(),
            Some(role)
        );
    }
}

#[sqlx::test]
async fn create_street_makes_a_tenant_with_a_one_time_admin(pool: PgPool) {
    let (street, admin) = shouhu::cli::create_street(
        &pool,
        "城南街道",
        "Admin@ChengNan.cn",
        "管理员",
        "initial-pass-123",
        true,
    )
    .await
    .unwrap();
    let (login, must_change, street_of_admin): (String, bool, uuid::Uuid) =
        sqlx::query_as("SELECT login, must_change_password, street_id FROM app_user WHERE id = $1")
            .bind(admin.0)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (login.as_str(), must_change, street_of_admin),
        ("admin@chengnan.cn", true, street.0)
    );
    let err = shouhu::cli::create_street(
        &pool,
        "另一个",
        "admin@chengnan.cn",
        "x",
        "initial-pass-123",
        true,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("already in use"), "{err}");
    let err = shouhu::cli::create_street(
        &pool,
        "另一个",
        "not a login",
        "x",
        "initial-pass-123",
        true,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("email"), "{err}");
    let mut client = TestClient::new(&pool);
    let r = client.login("admin@chengnan.cn", "initial-pass-123").await;
    assert_eq!(r.location(), Some("/password"));
}
