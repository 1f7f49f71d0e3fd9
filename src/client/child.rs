//! The command `envkeep run` starts: spawning it, passing signals sent to envkeep on to it,
//! stopping it for a restart (`--watch`), and its exit code.

use super::exit::{ClientError, CANNOT_EXECUTE, COMMAND_NOT_FOUND, SOFTWARE};
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
use signal_hook::iterator::exfiltrator::WithOrigin;
use signal_hook::iterator::{Handle, SignalsInfo};
use signal_hook::low_level::siginfo::{Cause, Origin};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Signals whose default action would end envkeep and orphan the command.
const FORWARDED: [i32; 6] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2];

/// Signals asking envkeep to end: after one, a stopped command is not started again.
const ENDING: [i32; 3] = [SIGINT, SIGTERM, SIGQUIT];

/// Signals kept for a command not started yet; more of them say nothing new.
const MAX_PENDING: usize = 16;

/// Whom a forwarded signal goes to.
#[derive(Default)]
struct Target {
    /// The running command's pid, 0 before the first and between two commands.
    pid: i32,
    /// Signals that came while no command was running, for the next one (a `docker stop` at
    /// start-up, before `spawn` has returned, must still reach the application).
    pending: Vec<Signal>,
}

/// Passes signals sent to envkeep on to whichever command is running now.
pub struct Forwarder {
    target: Arc<Mutex<Target>>,
    /// Set once a signal asking envkeep to end has arrived.
    ending: Arc<AtomicBool>,
    handle: Handle,
    thread: Option<JoinHandle<()>>,
}

impl Forwarder {
    /// Installs the handlers; call before the first spawn so a signal in between is queued, not
    /// lost.
    pub fn install() -> Result<Self, ClientError> {
        let mut signals = SignalsInfo::<WithOrigin>::new(FORWARDED)
            .map_err(|e| ClientError::unexpected(format!("cannot install signal handlers: {e}")))?;
        let handle = signals.handle();
        let target = Arc::new(Mutex::new(Target::default()));
        let ending = Arc::new(AtomicBool::new(false));
        let (to, ends) = (target.clone(), ending.clone());
        let thread = std::thread::spawn(move || {
            for origin in signals.forever() {
                if ENDING.contains(&origin.signal) {
                    ends.store(true, Ordering::SeqCst);
                }
                let Ok(signal) = Signal::try_from(origin.signal) else {
                    continue;
                };
                if !should_forward(&origin) {
                    continue;
                }
                let mut to = to.lock().unwrap_or_else(|p| p.into_inner());
                if to.pid > 0 {
                    // The command may have exited already; nothing to do then.
                    let _ = kill(Pid::from_raw(to.pid), signal);
                } else if to.pending.len() < MAX_PENDING {
                    to.pending.push(signal);
                }
            }
        });
        Ok(Self {
            target,
            ending,
            handle,
            thread: Some(thread),
        })
    }

    /// Whether envkeep was asked to end (SIGINT, SIGTERM, SIGQUIT).
    pub fn ending(&self) -> bool {
        self.ending.load(Ordering::SeqCst)
    }

    /// Starts `command`; signals go to it from now on.
    pub fn spawn(&self, mut command: Command, program: &str) -> Result<Running, ClientError> {
        let mut child = command.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                ClientError::new(COMMAND_NOT_FOUND, format!("{program}: command not found"))
            }
            _ => ClientError::new(CANNOT_EXECUTE, format!("{program}: cannot execute: {e}")),
        })?;
        let pid = i32::try_from(child.id()).unwrap_or(i32::MAX);
        {
            let mut target = self.target.lock().unwrap_or_else(|p| p.into_inner());
            target.pid = pid;
            for signal in target.pending.drain(..) {
                let _ = kill(Pid::from_raw(pid), signal);
            }
        }
        let (tx, exited) = mpsc::channel();
        let current = self.target.clone();
        std::thread::spawn(move || {
            let status = child.wait();
            // No more forwarding to a pid that the system may give to another process.
            let mut target = current.lock().unwrap_or_else(|p| p.into_inner());
            if target.pid == pid {
                target.pid = 0;
            }
            drop(target);
            let _ = tx.send(status);
        });
        Ok(Running {
            pid: Pid::from_raw(pid),
            program: program.to_owned(),
            exited,
        })
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        self.handle.close();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A started command.
pub struct Running {
    pid: Pid,
    program: String,
    exited: Receiver<std::io::Result<ExitStatus>>,
}

impl Running {
    /// Its exit code, once it ends.
    pub fn wait(&self) -> Result<u8, ClientError> {
        match self.exited.recv() {
            Ok(status) => self.code(status),
            Err(_) => Err(self.lost()),
        }
    }

    /// Its exit code if it ends within `timeout`.
    pub fn wait_for(&self, timeout: Duration) -> Result<Option<u8>, ClientError> {
        match self.exited.recv_timeout(timeout) {
            Ok(status) => self.code(status).map(Some),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(self.lost()),
        }
    }

    pub fn signal(&self, signal: Signal) {
        // It may have just exited; its exit is read by whoever waits next.
        let _ = kill(self.pid, signal);
    }

    /// SIGTERM, then SIGKILL if it is still running after `grace`; its exit code.
    pub fn stop(&self, grace: Duration) -> Result<u8, ClientError> {
        self.signal(Signal::SIGTERM);
        if let Some(code) = self.wait_for(grace)? {
            return Ok(code);
        }
        eprintln!(
            "envkeep: {} did not stop within {}; killing it",
            self.program,
            humantime::format_duration(grace)
        );
        self.signal(Signal::SIGKILL);
        self.wait()
    }

    fn code(&self, status: std::io::Result<ExitStatus>) -> Result<u8, ClientError> {
        status
            .map(exit_code)
            .map_err(|e| ClientError::unexpected(format!("lost track of {}: {e}", self.program)))
    }

    fn lost(&self) -> ClientError {
        ClientError::unexpected(format!("lost track of {}", self.program))
    }
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
pub fn exit_code(status: ExitStatus) -> u8 {
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

    #[test]
    fn exit_codes_follow_the_shell() {
        assert_eq!(exit_code(ExitStatus::from_raw(0)), 0);
        assert_eq!(exit_code(ExitStatus::from_raw(3 << 8)), 3);
        assert_eq!(exit_code(ExitStatus::from_raw(SIGTERM)), 128 + 15);
        assert_eq!(exit_code(ExitStatus::from_raw(9)), 137);
    }

    #[test]
    fn a_command_that_ignores_sigterm_is_killed_after_the_grace() {
        let dir = tempfile::tempdir().unwrap();
        let ready = dir.path().join("ready");
        let forwarder = Forwarder::install().unwrap();
        let mut command = Command::new("sh");
        command
            .args([
                "-c",
                "trap '' TERM; touch \"$1\"; while :; do sleep 0.05; done",
                "sh",
            ])
            .arg(&ready);
        let running = forwarder.spawn(command, "sh").unwrap();
        let started = std::time::Instant::now();
        while !ready.exists() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "sh never started"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(running.stop(Duration::from_millis(200)).unwrap(), 128 + 9);
        assert!(started.elapsed() < Duration::from_secs(4));
    }
}
