#![deny(unsafe_code)]

use clap::Parser;
use envkeep::cli::{Cli, Command};
use envkeep::config::Config;
use envkeep::startup::Application;
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    match cli.command {
        None => serve(&cli.serve),
        Some(Command::Serve(args)) => serve(&args),
        Some(Command::Healthcheck(args)) => healthcheck(&args),
        Some(Command::Backup(args)) => backup(&args),
        Some(Command::Check(args)) => envkeep::commands::check::main(&args),
        Some(Command::Restore(args)) => envkeep::commands::restore::main(&args),
        Some(Command::Audit(args)) => envkeep::commands::audit::main(&args),
        Some(Command::Users(args)) => envkeep::commands::users::main(&args),
        Some(Command::Run(args)) => envkeep::client::run::main(&args),
        Some(Command::Secrets(args)) => envkeep::client::secrets::main(&args),
    }
}

/// Help and version exit 0; a command-line mistake exits 64 (EX_USAGE), which `envkeep run`
/// reserves for its own usage errors so they are not mistaken for the child's code.
fn usage_error(error: &clap::Error) -> ExitCode {
    let _ = error.print();
    if error.use_stderr() {
        ExitCode::from(envkeep::client::exit::USAGE)
    } else {
        ExitCode::SUCCESS
    }
}

fn serve(args: &envkeep::cli::ServeArgs) -> ExitCode {
    envkeep::telemetry::init(args.log_format);
    let config = match Config::from_args(args) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("envkeep: {e}");
            return ExitCode::from(2);
        }
    };
    let result = actix_web::rt::System::new().block_on(async move {
        let app = Application::build(config)
            .await
            .map_err(|e| e.to_string())?;
        app.run().await.map_err(|e| e.to_string())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("envkeep: {e}");
            ExitCode::FAILURE
        }
    }
}

fn healthcheck(args: &envkeep::cli::HealthcheckArgs) -> ExitCode {
    let Ok(bind) = args.bind.parse() else {
        eprintln!(
            "envkeep: invalid setting ENVKEEP_BIND: '{}' is not an address such as 127.0.0.1:8080",
            args.bind
        );
        return ExitCode::from(2);
    };
    match envkeep::healthcheck::check(bind, Duration::from_secs(args.timeout)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("envkeep: unhealthy: {e}");
            ExitCode::FAILURE
        }
    }
}

fn backup(args: &envkeep::cli::BackupArgs) -> ExitCode {
    match envkeep::db::backup::backup(&args.location.database_path(), &args.file) {
        Ok(()) => {
            println!("backup written to {}", args.file.display());
            println!("remember: the backup is useless without the root key (ENVKEEP_ROOT_KEY or <data-dir>/root.key); keep a copy of it apart from the backup");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("envkeep: {e}");
            ExitCode::FAILURE
        }
    }
}
