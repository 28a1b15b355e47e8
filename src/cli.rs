//! The subcommands: serve, migrate, create-street, demo.

use std::net::SocketAddr;

use sqlx::PgPool;
use sqlx::migrate::MigrateDatabase;

use crate::auth::password;
use crate::config::{AuditCommand, Cli, Command, CreateStreetArgs, RetentionCommand, ServeArgs};
use crate::domain::crypto::DataKey;

use crate::domain::login::Login;
use crate::{AppState, app, db, demo, telemetry};

use crate::auth::RequestPool;
pub use crate::error::CliResult;
pub use crate::streets::create_street;

pub async fn run(cli: Cli) -> CliResult {
    match cli.command {
        None => serve(cli.serve).await,
        Some(Command::Serve(args)) => serve(args).await,
        Some(Command::Migrate(args)) => {
            telemetry::init(false);
            let pool = db::connect(&args.database_url, 2).await?;
            db::migrate(&pool).await?;
            db::set_app_password(&pool, args.app_database_password.as_deref()).await?;
            println!("migrations applied");
            Ok(())
        }
        Some(Command::Audit(AuditCommand::Verify(args))) => {
            telemetry::init(false);
            let pool = db::connect(&args.database_url, 2).await?;
            audit_verify(&pool).await
        }
        Some(Command::Retention(RetentionCommand::Run(args))) => {
            telemetry::init(false);
            let pool = db::connect(&args.db.database_url, 2).await?;
            retention_run(&pool, args.dry_run).await
        }
        Some(Command::CreateStreet(args)) => {
            telemetry::init(false);
            create_street_command(args).await
        }
        Some(Command::Demo(demo_args)) => {
            let args = demo_args.serve;
            telemetry::init(args.log_json);
            if !sqlx::Postgres::database_exists(&args.db.database_url).await? {
                sqlx::Postgres::create_database(&args.db.database_url).await?;
                println!("created database");
            }
            let key = demo::data_key(args.data_key.as_deref())?;
            let pool = db::connect_for_loading(&args.db.database_url, args.db_pool_size).await?;
            db::migrate(&pool).await?;
            let started = std::time::Instant::now();
            let logins = if demo_args.scale == "large" {
                demo::load_large(&pool, &key).await?
            } else {
                demo::load(&pool, &key).await?
            };
            println!(
                "demo street loaded in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            if demo_args.tenants > 0 {
                let started = std::time::Instant::now();
                let added = demo::load_tenants(&pool, demo_args.tenants).await?;
                println!(
                    "{added} tenant street offices added (of {} asked) in {:.1} s",
                    demo_args.tenants,
                    started.elapsed().as_secs_f64()
                );
            }
            println!(
                "\n守护 Shouhu demo — logins (password for all: {}):",
                demo::PASSWORD
            );
            for (role, login) in logins {
                println!("  {role:<16} {login}");
            }
            if demo_args.no_serve {
                return Ok(());
            }
            println!("  open http://{}/\n", args.bind);
            pool.close().await;
            let pool = db::connect(&args.db.database_url, args.db_pool_size).await?;
            serve_with(pool, args, key).await
        }
    }
}

async fn serve(args: ServeArgs) -> CliResult {
    telemetry::init(args.log_json);
    let Some(encoded) = args.data_key.as_deref() else {
        return Err(
            "SHOUHU_DATA_KEY is not set: give the 32-byte base64 key that encrypts ID numbers \
                    (generate one with `openssl rand -base64 32` and keep it outside the database)"
                .into(),
        );
    };
    let key = DataKey::from_base64(encoded).map_err(|e| format!("SHOUHU_DATA_KEY: {e}"))?;
    let pool = db::connect(&args.db.database_url, args.db_pool_size).await?;
    if args.migrate {
        db::migrate(&pool).await?;
        db::set_app_password(&pool, args.db.app_database_password.as_deref()).await?;
        tracing::info!("migrations applied");
    }
    serve_with(pool, args, key).await
}

/// `shouhu audit verify`: one line per street; exits 1 when a chain is broken.
pub async fn audit_verify(pool: &PgPool) -> CliResult {
    let checks = crate::audit::verify_all(pool).await?;
    let mut broken = 0;
    for c in &checks {
        match &c.broken {
            None => println!(
                "ok      {} ({}): {} events, chain intact",
                c.street_name, c.street.0, c.events
            ),
            Some(b) => {
                broken += 1;
                println!(
                    "BROKEN  {} ({}): first broken link at #{} (event {}, {}, {}): {}",
                    c.street_name,
                    c.street.0,
                    b.seq,
                    b.id,
                    b.when(),
                    b.action,
                    match b.reason.as_str() {
                        "content" => "the event was altered",
                        "missing_before" => "events before it are missing",
                        _ => "its previous hash does not match the event before it",
                    }
                );
            }
        }
    }
    if broken > 0 {
        return Err(format!("the audit chain is broken in {broken} street(s)").into());
    }
    Ok(())
}

/// `shouhu retention run [--dry-run]`: what is due per street, by id and code (never names).
pub async fn retention_run(pool: &PgPool, dry_run: bool) -> CliResult {
    let today = crate::domain::semester::today_in_china();
    let runs = crate::retention::run_all(pool, today, dry_run).await?;
    let verb = if dry_run {
        "would anonymise"
    } else {
        "anonymised"
    };
    for run in &runs {
        if !run.ran {
            println!(
                "skipped {}: another retention run holds it",
                run.street_name
            );
            continue;
        }
        println!(
            "{} ({}): retention {} years, files closed on or before {}: {verb} {}, {} {} roster uploads",
            run.street_name,
            run.street.0,
            run.years,
            run.cutoff,
            run.due.len(),
            if dry_run { "would delete" } else { "deleted" },
            run.uploads
        );
        for d in &run.due {
            println!(
                "  {} -> {}  status {} since {}: name, ID number, address, school class and teacher, parents' work place, \
                 health and notes; {} guardians (names, phones, addresses), {} consents (signer), {} visits (notes), \
                 {} follow-ups, {} aid notes",
                d.child,
                d.code,
                d.status,
                d.ended_on,
                d.guardians,
                d.consents,
                d.visits,
                d.follow_ups,
                d.aid
            );
        }
    }
    if dry_run {
        println!("dry run: nothing was changed");
    }
    Ok(())
}

async fn serve_with(pool: PgPool, args: ServeArgs, key: DataKey) -> CliResult {
    let requests = RequestPool::beside(&pool, args.db.app_database_password.as_deref());
    requests.check().await?;
    crate::retention::spawn_daily(pool);
    let state = AppState::new(requests, args.secure_cookies, key)
        .with_data_dir(args.data_dir.clone())
        .with_metrics_token(args.metrics_token.clone())
        .with_cache_seconds(args.cache_seconds)
        .with_trusted_proxies(args.trusted_proxy.clone());
    let listener = tokio::net::TcpListener::bind(&args.bind).await?;
    tracing::info!(bind = %args.bind, "listening");
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    tracing::info!("stopped");
    Ok(())
}

/// Finish in-flight requests on SIGTERM (what `docker stop` sends) or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

async fn create_street_command(args: CreateStreetArgs) -> CliResult {
    let pool = db::connect(&args.db.database_url, 2).await?;
    let generated = args.admin_password.is_none();
    let password = args
        .admin_password
        .clone()
        .unwrap_or_else(password::generate_one_time);
    let (street, _) = create_street(
        &pool,
        &args.name,
        &args.admin_email,
        &args.admin_name,
        &password,
        generated,
    )
    .await?;
    println!("street {} created: {street}", args.name);
    println!(
        "admin login: {}",
        Login::parse(&args.admin_email)
            .map(|l| l.to_string())
            .unwrap_or_default()
    );
    if generated {
        println!("one-time password (shown once, must be changed at first login): {password}");
    }
    Ok(())
}
