//! `envkeep run --watch`: poll while the command runs; when a value in its environment changes,
//! restart it with the new values (SIGTERM, then SIGKILL after the grace) or, with
//! `--watch-signal HUP`, only signal it. A running process cannot be given a new environment,
//! so HUP suits programs that re-read their settings from somewhere else.
//!
//! The command's own exit ends envkeep with its code. An unreachable server (or any failed
//! poll) leaves the command running; polls are retried with a doubling delay.

use super::args::{WatchArgs, WatchSignal};
use super::child::{Forwarder, Running};
use super::child_env::{Plan, Rules};
use super::exit::ClientError;
use super::fetch::Fetcher;
use super::run::{plan_for, Launcher};
use super::table::{name_list, printable_lines};
use nix::sys::signal::Signal;
use std::time::Duration;

/// The longest wait between two polls of a server that keeps failing (unless the interval is
/// longer).
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// What the watch loop works with.
pub struct Watch<'a, 'f> {
    pub fetcher: &'a mut Fetcher<'f>,
    pub forwarder: &'a Forwarder,
    pub launcher: &'a Launcher<'a>,
    pub rules: &'a Rules,
    pub options: &'a WatchArgs,
}

impl Watch<'_, '_> {
    /// Runs until the command ends by itself (or after envkeep was asked to end); its code.
    pub fn supervise(self, mut plan: Plan, mut running: Running) -> Result<u8, ClientError> {
        let interval = self.options.watch_interval;
        let mut delay = interval;
        let mut failing: Option<String> = None;
        loop {
            if let Some(code) = running.wait_for(delay)? {
                return Ok(code);
            }
            let secrets = match self.fetcher.poll() {
                Ok(answer) => {
                    if failing.take().is_some() {
                        eprintln!("envkeep: the server answers again");
                    }
                    delay = interval;
                    match answer {
                        Some(secrets) => secrets,
                        None => continue,
                    }
                }
                Err(e) => {
                    delay = (delay * 2).min(MAX_BACKOFF.max(interval));
                    if failing.as_deref() != Some(e.message.as_str()) {
                        eprintln!(
                            "envkeep: warning: {}; the command keeps running with the values it has, retrying (at most every {})",
                            printable_lines(&e.message),
                            humantime::format_duration(MAX_BACKOFF.max(interval))
                        );
                    }
                    failing = Some(e.message);
                    continue;
                }
            };
            let next = plan_for(self.rules, secrets);
            if (&next.kept, &next.refused, &next.unusable)
                != (&plan.kept, &plan.refused, &plan.unusable)
            {
                next.warn();
            }
            let changed = next.changed_since(&plan);
            if changed.is_empty() {
                continue;
            }
            let program = self.launcher.name();
            match self.options.watch_signal {
                WatchSignal::Term => {
                    eprintln!(
                        "envkeep: {} changed; restarting {program}",
                        name_list(&changed)
                    );
                    let code = running.stop(self.options.watch_grace)?;
                    if self.forwarder.ending() {
                        return Ok(code);
                    }
                    running = self
                        .forwarder
                        .spawn(self.launcher.command(&next), &program)?;
                }
                WatchSignal::Hup => {
                    eprintln!(
                        "envkeep: {} changed; sending SIGHUP to {program} (its environment keeps the values it started with)",
                        name_list(&changed)
                    );
                    running.signal(Signal::SIGHUP);
                }
            }
            plan = next;
        }
    }
}
