//! The `lyceum` command line.

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = lyceum::cli::Cli::parse();
    lyceum::telemetry::init(cli.log_format());
    match lyceum::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "lyceum failed");
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
