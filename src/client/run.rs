//! `envkeep run -- COMMAND`: fetch the secrets, start the command with them added to its
//! environment, pass signals through, and exit with its code.
//!
//! Every server failure happens before the command starts, so a wrong token never runs an
//! application without its configuration.

use super::args::RunArgs;
use super::config::Settings;
use super::exit::{ClientError, CANNOT_EXECUTE, COMMAND_NOT_FOUND, SOFTWARE};
use super::secret::{env_safe, Secret};
use super::secrets::one_per_name;
use super::source::Remote;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
use signal_hook::iterator::exfiltrator::WithOrigin;
use signal_hook::iterator::SignalsInfo;
use signal_hook::low_level::siginfo::{Cause, Origin};
use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitCode, ExitStatus};

/// Signals whose default action would end envkeep and orphan the command.
const FORWARDED: [i32; 6] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2];

pub fn main(args: &RunArgs) -> ExitCode {
    match execute(args) {
        Ok(code) => ExitCode::from(code),
        Err(e) => e.report(),
    }
}

fn execute(args: &RunArgs) -> Result<u8, ClientError> {
    let settings = Settings::from_args(&args.connection)?;
    let (_, secrets) = Remote::new(&settings).list(args.fetch.depth(), args.fetch.wire())?;
    drop(settings);
    let plan = plan(
        env_safe(one_per_name(secrets)),
        |name| std::env::var_os(name).is_some(),
        Existing::overridden_if(args.override_existing),
    );
    if !plan.kept.is_empty() {
        eprintln!(
            "envkeep: kept {} from the environment (--override lets secrets replace them)",
            plan.kept.join(", ")
        );
    }
    if !plan.unusable.is_empty() {
        eprintln!("envkeep: warning: skipped {} (a value with a NUL byte cannot be an environment variable)", plan.unusable.join(", "));
    }
    let Some((program, rest)) = args.command.split_first() else {
        return Err(ClientError::usage(
            "no command given: envkeep run [flags] -- COMMAND [ARGS...]",
        ));
    };
    let mut command = Command::new(program);
    command.args(rest).envs(plan.set);
    spawn_and_wait(command, &program.to_string_lossy())
}

/// What goes into the child's environment.
#[derive(Debug, Default, PartialEq, Eq)]
struct Plan {
    set: Vec<(String, String)>,
    /// Names already in the environment that win over the secret.
    kept: Vec<String>,
    unusable: Vec<String>,
}

/// Who wins for a variable the environment already has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Existing {
    /// The environment's value (the default).
    Kept,
    /// The secret's value (`--override`).
    Overridden,
}

impl Existing {
    fn overridden_if(flag: bool) -> Self {
        if flag {
            Self::Overridden
        } else {
            Self::Kept
        }
    }
}

fn plan(
    secrets: BTreeMap<String, Secret>,
    is_set: impl Fn(&str) -> bool,
    existing: Existing,
) -> Plan {
    let mut plan = Plan::default();
    for (name, secret) in secrets {
        if secret.value.contains('\0') {
            plan.unusable.push(name);
        } else if existing == Existing::Kept && is_set(&name) {
            plan.kept.push(name);
        } else {
            plan.set.push((name, secret.value));
        }
    }
    plan
}

fn spawn_and_wait(mut command: Command, program: &str) -> Result<u8, ClientError> {
    // Registered before the spawn, so a signal in between is queued and forwarded, not lost.
    let mut signals = SignalsInfo::<WithOrigin>::new(FORWARDED)
        .map_err(|e| ClientError::unexpected(format!("cannot install signal handlers: {e}")))?;
    let handle = signals.handle();
    let mut child = command.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            ClientError::new(COMMAND_NOT_FOUND, format!("{program}: command not found"))
        }
        _ => ClientError::new(CANNOT_EXECUTE, format!("{program}: cannot execute: {e}")),
    })?;
    let pid = Pid::from_raw(i32::try_from(child.id()).unwrap_or(i32::MAX));
    let forwarder = std::thread::spawn(move || {
        for origin in signals.forever() {
            if should_forward(&origin) {
                if let Ok(signal) = Signal::try_from(origin.signal) {
                    // The child may have exited already; nothing to do then.
                    let _ = kill(pid, signal);
                }
            }
        }
    });
    let status = child.wait();
    handle.close();
    let _ = forwarder.join();
    let status =
        status.map_err(|e| ClientError::unexpected(format!("lost track of {program}: {e}")))?;
    Ok(exit_code(status))
}

/// A signal the kernel raised for a terminal (Ctrl-C, Ctrl-\, hang-up; `si_code` SI_KERNEL,
/// checked under tmux) already went to the whole foreground process group, the child included;
/// forwarding it would send it a second time, and programs that read a second Ctrl-C as "quit
/// now" could see two. Signals sent with kill (docker stop, a CI runner's cancel) reach only
/// envkeep and are passed on.
fn should_forward(origin: &Origin) -> bool {
    origin.cause != Cause::Kernel
}

/// The child's code, or 128 + the signal that killed it (what a shell reports).
fn exit_code(status: ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        return u8::try_from(code & 0xff).unwrap_or(SOFTWARE);
    }
    match status.signal() {
        Some(signal) => u8::try_from(128 + signal).unwrap_or(SOFTWARE),
        None => SOFTWARE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::secret::tests::at_root;

    #[test]
    fn existing_variables_win_unless_overridden() {
        let input = at_root(&[("HOME", "/secret-home"), ("NEW", "n")]);
        let is_set = |name: &str| name == "HOME";
        let kept = plan(input.clone(), is_set, Existing::Kept);
        assert_eq!(kept.set, vec![("NEW".to_owned(), "n".to_owned())]);
        assert_eq!(kept.kept, vec!["HOME".to_owned()]);
        let replaced = plan(input, is_set, Existing::Overridden);
        assert_eq!(replaced.set.len(), 2);
        assert!(replaced.kept.is_empty());
    }

    #[test]
    fn nul_bytes_cannot_be_injected() {
        let result = plan(at_root(&[("BAD", "a\0b")]), |_| false, Existing::Kept);
        assert_eq!(result.unusable, vec!["BAD".to_owned()]);
        assert!(result.set.is_empty());
    }

    #[test]
    fn exit_codes_follow_the_shell() {
        assert_eq!(exit_code(ExitStatus::from_raw(0)), 0);
        assert_eq!(exit_code(ExitStatus::from_raw(3 << 8)), 3);
        assert_eq!(exit_code(ExitStatus::from_raw(SIGTERM)), 128 + 15);
        assert_eq!(exit_code(ExitStatus::from_raw(9)), 137);
    }
}
