//! Settings: every one is a command-line flag with an environment variable.

use clap::{Args, Parser, Subcommand};

/// The Postgres this machine kind runs, used when nothing is configured.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/shouhu";

#[derive(Debug, Parser)]
#[command(
    name = "shouhu",
    version,
    about = "守护 — care programmes for left-behind children"
)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application (the default).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate(DbArgs),
    /// Create a street office (tenant) and its first admin.
    CreateStreet(CreateStreetArgs),
    /// Create the database if missing, migrate, load a demo street, then serve.
    Demo(DemoArgs),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Data retention: anonymise child files closed for the street's retention period.
    #[command(subcommand)]
    Retention(RetentionCommand),
}

#[derive(Debug, Clone, Subcommand)]
pub enum AuditCommand {
    /// Check the hash chain of every street; name the first broken link. Exits 1 if any is broken.
    Verify(DbArgs),
}

#[derive(Debug, Clone, Subcommand)]
pub enum RetentionCommand {
    /// Anonymise every file whose status ended at least N full years ago (N per street, default
    /// 2) and delete roster uploads older than a week.
    Run(RetentionRunArgs),
}

#[derive(Debug, Clone, Args)]
pub struct RetentionRunArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// List what would change, and change nothing.
    #[arg(long, default_value_t = false)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub serve: ServeArgs,
    /// `small`: 3 communities, 60 children. `large`: 30 communities, 5,000 children and a year
    /// of visits (for measuring speed).
    #[arg(long, default_value = "small", value_parser = ["small", "large"])]
    pub scale: String,
    /// Also add this many ordinary street offices (200 children each), for isolation and
    /// indexes among many tenants.
    #[arg(long, default_value_t = 0)]
    pub tenants: u32,
    /// Load the data and exit instead of serving.
    #[arg(long, default_value_t = false)]
    pub no_serve: bool,
}

#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Postgres URL of the owner role: migrations, the CLI and the daily job run as it.
    /// Requests run on a pool of their own that logs in to the same database as `shouhu_app`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, hide_env_values = true)]
    pub database_url: String,
    /// The password `shouhu_app` logs in with (where the server asks for one). Migrating with
    /// it set gives the role this password.
    #[arg(long, env = "SHOUHU_APP_DATABASE_PASSWORD", hide_env_values = true)]
    pub app_database_password: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Address to listen on.
    #[arg(long, env = "SHOUHU_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Mark cookies `Secure` (set when served over HTTPS, directly or behind a proxy).
    #[arg(long, env = "SHOUHU_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,
    /// Log as JSON lines instead of pretty text.
    #[arg(long, env = "SHOUHU_LOG_JSON", default_value_t = false)]
    pub log_json: bool,
    /// The key that encrypts ID numbers at rest: 32 random bytes, base64
    /// (`openssl rand -base64 32`). Kept outside the database; `serve` refuses to start without it.
    #[arg(long, env = "SHOUHU_DATA_KEY", hide_env_values = true)]
    pub data_key: Option<String>,
    /// Where uploaded activity photos are kept (one folder per street).
    #[arg(long, env = "SHOUHU_DATA_DIR", default_value = "data")]
    pub data_dir: std::path::PathBuf,
    /// Apply pending migrations before serving (for container deployments).
    #[arg(long, env = "SHOUHU_MIGRATE", default_value_t = false)]
    pub migrate: bool,
    /// Bearer token for `/metrics`; without it `/metrics` is open (keep it off the public proxy).
    #[arg(long, env = "SHOUHU_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Seconds the home dashboards and registration rates may be old (0: always fresh).
    #[arg(long, env = "SHOUHU_CACHE_SECONDS", default_value_t = 60)]
    pub cache_seconds: u64,
    /// Reverse proxies (addresses or networks, comma-separated) whose `X-Forwarded-For` names
    /// the client: sign-in limits and audit events then use the address the proxy appended.
    /// Without it the header is ignored.
    #[arg(long, env = "SHOUHU_TRUSTED_PROXY", value_delimiter = ',')]
    pub trusted_proxy: Vec<crate::auth::request::IpNet>,
    /// Maximum database connections in the pool.
    #[arg(long, env = "SHOUHU_DB_POOL_SIZE", default_value_t = 10)]
    pub db_pool_size: u32,
}

#[derive(Debug, Clone, Args)]
pub struct CreateStreetArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The street office's name, e.g. 城关街道.
    #[arg(long)]
    pub name: String,
    /// The first admin's login (an email or a mainland mobile number).
    #[arg(long)]
    pub admin_email: String,
    /// The admin's display name.
    #[arg(long, default_value = "街道管理员")]
    pub admin_name: String,
    /// Initial password; when absent a one-time password is generated and printed.
    #[arg(
        long = "admin-password",
        env = "SHOUHU_ADMIN_PASSWORD",
        hide_env_values = true
    )]
    pub admin_password: Option<String>,
}
