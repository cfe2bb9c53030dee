//! The `shanqiao` binary: parses the command line and hands over to the subcommand.

use clap::Parser;
use server::cli::Cli;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let server::cli::Command::PiiCheck { names } = &cli.command {
        return server::commands::pii_check::run(names.as_deref());
    }
    if let server::cli::Command::Serve(_) = &cli.command {
        server::malloc::cap_arenas();
    }
    server::telemetry::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(server::cli::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // One line, with the chain of causes, and what to do where we know it.
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
