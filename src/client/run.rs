//! `envkeep run -- COMMAND`: fetch the secrets, start the command with them added to its
//! environment, pass signals through, and exit with its code.
//!
//! Every server failure happens before the command starts, so a wrong token never runs an
//! application without its configuration; the one exception is `--fallback-cache`, which runs
//! it with the last good answer while the server cannot be reached (never after a refusal).
//! `--watch` keeps polling afterwards (see `watch`).

use super::args::RunArgs;
use super::child::Forwarder;
use super::child_env::{Existing, Plan, Rules};
use super::config::Settings;
use super::exit::ClientError;
use super::fallback::FallbackCache;
use super::fetch::Fetcher;
use super::secret::{env_safe, Secret};
use super::secrets::one_per_name;
use super::source::{Remote, Wire};
use super::watch::Watch;
use std::ffi::{OsStr, OsString};
use std::process::{Command, ExitCode};

pub fn main(args: &RunArgs) -> ExitCode {
    match execute(args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => e.report(),
    }
}

fn execute(args: &RunArgs) -> Result<u8, ClientError> {
    check_flags(args)?;
    let Some((program, rest)) = args.command.split_first() else {
        return Err(ClientError::usage(
            "no command given: envkeep run [flags] -- COMMAND [ARGS...]",
        ));
    };
    let settings = Settings::from_args(&args.connection)?;
    let reading = args.fetch.reading();
    let depth = reading.depth;
    let cache = match &args.fallback.fallback_cache {
        Some(path) => Some(FallbackCache::new(
            &settings,
            path.as_deref(),
            depth,
            args.fallback.fallback_max_age,
        )?),
        None => None,
    };
    let rules = Rules {
        existing: Existing::overridden_if(args.override_existing),
        allowed: args.child.allow_env.clone(),
    };
    let launcher = Launcher {
        program: program.as_os_str(),
        args: rest,
        keep_token: args.child.keep_token,
    };
    let mut fetcher = Fetcher::new(
        Remote::new(&settings),
        reading,
        args.fetch.wire(),
        cache.as_ref(),
    );
    let plan = plan_for(&rules, fetcher.first()?);
    plan.warn();
    let forwarder = Forwarder::install()?;
    let running = forwarder.spawn(launcher.command(&plan), &launcher.name())?;
    if !args.watch.watch {
        // The token is not needed any more: wipe it before the command's lifetime.
        drop(fetcher);
        drop(settings);
        return running.wait();
    }
    let watch = Watch {
        fetcher: &mut fetcher,
        forwarder: &forwarder,
        launcher: &launcher,
        rules: &rules,
        options: &args.watch,
    };
    watch.supervise(plan, running)
}

/// Flag combinations that cannot work, refused before anything is fetched.
fn check_flags(args: &RunArgs) -> Result<(), ClientError> {
    let polled = args.watch.watch || args.fallback.fallback_cache.is_some();
    if polled && args.fetch.wire() == Wire::EndToEnd {
        return Err(ClientError::usage(
            "--watch and --fallback-cache read the native API; they cannot be combined with --e2ee",
        ));
    }
    if args.watch.watch && args.watch.watch_interval.is_zero() {
        return Err(ClientError::usage("--watch-interval must be more than 0"));
    }
    Ok(())
}

/// The command's environment for these secrets.
pub fn plan_for(rules: &Rules, secrets: Vec<Secret>) -> Plan {
    rules.plan(env_safe(one_per_name(secrets)), |name| {
        std::env::var_os(name).is_some()
    })
}

/// How to start the command (again, under `--watch`).
pub struct Launcher<'a> {
    program: &'a OsStr,
    args: &'a [OsString],
    keep_token: bool,
}

impl Launcher<'_> {
    pub fn command(&self, plan: &Plan) -> Command {
        let mut command = Command::new(self.program);
        command.args(self.args);
        if !self.keep_token {
            // The application gets its secrets, not the credential that reads every secret in
            // the token's scope.
            command.env_remove("ENVKEEP_TOKEN");
            command.env_remove("ENVKEEP_CLIENT_ID");
            command.env_remove("ENVKEEP_CLIENT_SECRET");
        }
        command.envs(&plan.set);
        command
    }

    pub fn name(&self) -> String {
        self.program.to_string_lossy().into_owned()
    }
}
