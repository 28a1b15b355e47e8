//! The `shouhu` binary: migrate, create-street, serve, and a graceful stop on SIGTERM.

use std::process::{Command, Stdio};
use std::time::Duration;

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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[sqlx::test(migrations = false)]
async fn migrate_create_street_serve_and_stop(pool: PgPool) {
    let url = database_url(&pool);
    let bin = env!("CARGO_BIN_EXE_shouhu");

    let out = Command::new(bin)
        .args(["migrate"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let migrated: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(migrated >= 1);

    let out = Command::new(bin)
        .args([
            "create-street",
            "--name",
            "城西街道",
            "--admin-email",
            "admin@chengxi.cn",
            "--database-url",
            &url,
        ])
        .env_remove("SHOUHU_ADMIN_PASSWORD")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let password = stdout
        .lines()
        .find_map(|l| {
            l.split_once("one-time password")
                .map(|(_, rest)| rest.rsplit(' ').next().unwrap().trim().to_string())
        })
        .expect("a one-time password is printed");
    assert_eq!(password.len(), 12);
    let (login, must_change): (String, bool) =
        sqlx::query_as("SELECT login, must_change_password FROM app_user")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((login.as_str(), must_change), ("admin@chengxi.cn", true));

    // Without the data key, serve refuses to start and says why.
    let out = Command::new(bin)
        .args(["serve", "--bind", "127.0.0.1:0", "--database-url", &url])
        .env_remove("SHOUHU_DATA_KEY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("SHOUHU_DATA_KEY"));
    let out = Command::new(bin)
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            &url,
            "--data-key",
            "c2hvcnQ=",
        ])
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "a key of the wrong length is refused"
    );

    // serve, answer /healthz, then stop cleanly on SIGTERM.
    let port = free_port();
    let mut child = Command::new(bin)
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &url,
        ])
        .env(
            "SHOUHU_DATA_KEY",
            "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut up = false;
    for _ in 0..100 {
        if let Ok(mut stream) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            stream
                .write_all(b"GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .await
                .unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).await.unwrap();
            assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "the server did not come up");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let mut status = None;
    for _ in 0..100 {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let status = status.expect("the server stops within 10 s of SIGTERM");
    assert!(
        status.success(),
        "graceful shutdown exits 0, got {status:?}"
    );
}
