//! `envkeep run` ends as its command ends: exit codes, signals, a missing command.

use crate::client::*;

#[tokio::test]
async fn run_exits_with_the_commands_code() {
    let app = TestApp::spawn().await;
    let project = app.create_project("codes").await;
    let token = mint_read(&app, &project, "dev", "/").await;
    for (script, code) in [("exit 0", 0), ("exit 3", 3), ("exit 255", 255)] {
        let mut command = envkeep(&app.base, &token);
        command.args(["run", "--", "sh", "-c", script]);
        assert_eq!(
            output(&mut command).await.status.code(),
            Some(code),
            "{script}"
        );
    }
}

#[tokio::test]
async fn a_command_killed_by_a_signal_gives_128_plus_the_signal() {
    let app = TestApp::spawn().await;
    let project = app.create_project("killed").await;
    let token = mint_read(&app, &project, "dev", "/").await;
    let mut command = envkeep(&app.base, &token);
    command.args(["run", "--", "sh", "-c", "kill -KILL $$"]);
    assert_eq!(output(&mut command).await.status.code(), Some(128 + 9));
}

/// Starts `run` with a command that prints `ready` once it runs, and waits for that line.
async fn started(
    app: &TestApp,
    token: &str,
    script: &str,
) -> (
    tokio::process::Child,
    BufReader<tokio::process::ChildStdout>,
) {
    let mut command = envkeep(&app.base, token);
    command
        .args(["run", "--", "sh", "-c", script])
        .stdout(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).await.unwrap();
    assert_eq!(line, "ready\n");
    (child, stdout)
}

/// Waits for `run` to end; a broken forwarder would leave it waiting on its command, so the
/// commands below end by themselves after 10 s and the wait is bounded.
async fn exit_of(child: &mut tokio::process::Child) -> Option<i32> {
    let waited = tokio::time::timeout(std::time::Duration::from_secs(20), child.wait()).await;
    waited.expect("envkeep run ended").unwrap().code()
}

#[tokio::test]
async fn sigterm_sent_to_envkeep_reaches_the_command() {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    let app = TestApp::spawn().await;
    let project = app.create_project("signals").await;
    let token = mint_read(&app, &project, "dev", "/").await;
    let (mut child, _) = started(&app, &token, "echo ready; exec sleep 10").await;
    kill(Pid::from_raw(child.id().unwrap() as i32), Signal::SIGTERM).unwrap();
    assert_eq!(
        exit_of(&mut child).await,
        Some(128 + 15),
        "the command dies of the forwarded signal"
    );
}

#[tokio::test]
async fn a_command_that_handles_the_forwarded_sigint_chooses_the_exit_code() {
    use nix::sys::signal::{kill, Signal};
    use nix::unistd::Pid;
    let app = TestApp::spawn().await;
    let project = app.create_project("signals").await;
    let token = mint_read(&app, &project, "dev", "/").await;
    let script = "trap 'echo got-int; exit 42' INT; echo ready; i=0; while [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done";
    let (mut child, mut stdout) = started(&app, &token, script).await;
    kill(Pid::from_raw(child.id().unwrap() as i32), Signal::SIGINT).unwrap();
    let code = exit_of(&mut child).await;
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).await.unwrap();
    assert_eq!((code, rest.as_str()), (Some(42), "got-int\n"));
}

#[tokio::test]
async fn a_missing_command_exits_127() {
    let app = TestApp::spawn().await;
    let project = app.create_project("missing").await;
    let token = mint_read(&app, &project, "dev", "/").await;
    let mut command = envkeep(&app.base, &token);
    command.args(["run", "--", "envkeep-no-such-command-xyz"]);
    let out = output(&mut command).await;
    assert_eq!(out.status.code(), Some(127), "{}", text(&out.stderr));
}
