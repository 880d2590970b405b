//! One owner per data folder: two `hearth-server` processes on one folder, the second refused
//! with the holder's name; a holder killed with SIGKILL leaves the folder free.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use hearth_store::DataLock;

use crate::support::{Running, TOKEN};

fn server(data_dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hearth-server"));
    command
        .args(["--listen", "127.0.0.1:0", "--provider-base-url"])
        // Never asked at start; the tests here make no run.
        .arg("http://127.0.0.1:9/v1")
        .arg("--data-dir")
        .arg(data_dir)
        .env("HEARTH_TOKEN", TOKEN)
        // A key in the environment: the keychain is not asked.
        .env("HEARTH_PROVIDER_KEY", "sk-test")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Starts a server and waits for its "listening" line.
fn start_serving(data_dir: &Path) -> Running {
    let mut child = server(data_dir).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.starts_with("hearth-server listening on "),
        "the first server should start, said {line:?}"
    );
    Running(child)
}

/// Runs a server that should refuse to start; its exit status and stderr.
fn refused(data_dir: &Path) -> (std::process::ExitStatus, String) {
    let mut child = server(data_dir).spawn().unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the second server should refuse at once, not start");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status, stderr)
}

#[test]
fn a_second_server_on_the_same_folder_refuses_naming_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let first = start_serving(dir.path());
    let first_pid = first.0.id();

    let (status, stderr) = refused(dir.path());
    assert!(!status.success(), "the second server should exit non-zero");
    assert!(
        stderr.contains(&format!(
            "hearth-server (pid {first_pid}) is using the data folder"
        )) && stderr.contains("--data-dir"),
        "the refusal should name the holder and what to do: {stderr}"
    );
    drop(first);
}

#[test]
fn a_killed_holder_leaves_the_folder_free() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = start_serving(dir.path());
    // SIGKILL: the process gets no chance to clean anything up.
    first.0.kill().unwrap();
    first.0.wait().unwrap();

    let second = start_serving(dir.path());
    drop(second);
}

#[test]
fn a_folder_the_app_holds_is_refused_pointing_at_the_apps_own_server() {
    let dir = tempfile::tempdir().unwrap();
    let _app = DataLock::acquire(dir.path(), "Hearth").unwrap();

    let (status, stderr) = refused(dir.path());
    assert!(!status.success(), "the server should exit non-zero");
    assert!(
        stderr.contains(&format!("Hearth (pid {}) is using", std::process::id()))
            && stderr.contains("Let programs on this computer use Hearth"),
        "the refusal should name the app and suggest its own server: {stderr}"
    );
}
