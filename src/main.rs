//! The `shouhu` command: parse the command line and hand over to the library.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let _ = dotenvy::dotenv();
    let cli = shouhu::config::Cli::parse();
    match shouhu::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("shouhu: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
