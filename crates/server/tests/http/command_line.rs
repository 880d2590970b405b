//! The `hearth-server` binary started as a user would: what it says about its token and its
//! provider's URL, read from its real output.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

/// Starts the server with `args` and `token` in HEARTH_TOKEN, waits until it listens (or exits),
/// stops it and returns everything it wrote to stderr, and its exit status if it ended by itself.
fn run_server(args: &[&str], token: &str) -> (String, Option<std::process::ExitStatus>) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hearth-server"))
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path())
        .args(args)
        .env("HEARTH_TOKEN", token)
        .env("HEARTH_PROVIDER_KEY", "sk-provider-key-from-env")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ended = child.try_wait().unwrap();
    let status = if line.starts_with("hearth-server listening on ") {
        let _ = child.kill();
        let _ = child.wait();
        ended
    } else {
        Some(child.wait().unwrap())
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (stderr, status)
}

#[test]
fn the_provider_url_is_logged_without_the_secret_in_its_query() {
    let (log, status) = run_server(
        &[
            "--provider-base-url",
            "http://127.0.0.1:9/v1?api_key=sk-query-secret-77",
        ],
        "a-long-enough-test-token",
    );
    assert!(status.is_none(), "the server should have started: {log}");
    assert!(
        log.contains("model provider: Openai at http://127.0.0.1:9/v1?<redacted>"),
        "the log names the provider's URL, redacted: {log}"
    );
    assert!(
        !log.contains("sk-query-secret-77"),
        "the key in the URL reached the log: {log}"
    );
}

#[test]
fn a_provider_url_with_credentials_is_refused() {
    let (log, status) = run_server(
        &["--provider-base-url", "https://me:hunter2@proxy.example/v1"],
        "a-long-enough-test-token",
    );
    assert!(
        status.is_some_and(|status| !status.success()),
        "the server must not start: {log}"
    );
    assert!(log.contains("user name or password"), "{log}");
    assert!(
        !log.contains("hunter2"),
        "the password reached the log: {log}"
    );
}

#[test]
fn a_short_token_is_refused_and_one_on_the_command_line_is_warned_about() {
    let (log, status) = run_server(&[], "short");
    assert_eq!(
        status.and_then(|status| status.code()),
        Some(2),
        "a short token is a usage error: {log}"
    );
    assert!(log.contains("at least 16"), "{log}");

    let (log, status) = run_server(&["--token", "a-long-enough-test-token"], "");
    assert!(status.is_none(), "the server should have started: {log}");
    assert!(
        log.contains("use HEARTH_TOKEN or --token-file"),
        "a token on the command line is warned about: {log}"
    );
}

#[test]
fn help_documents_the_limits_and_their_defaults() {
    let output = Command::new(env!("CARGO_BIN_EXE_hearth-server"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    for (flag, default) in [
        ("--max-connections", "1024"),
        ("--header-timeout-secs", "30"),
        ("--request-timeout-secs", "300"),
        ("--max-running-runs", "256"),
        ("--max-queued-runs", "1024"),
        ("--stream-stall-secs", "30"),
        ("--shutdown-grace-secs", "5"),
    ] {
        let line = help
            .split("\n\n")
            .find(|entry| entry.contains(flag))
            .unwrap_or_else(|| panic!("--help should list {flag}: {help}"));
        assert!(
            line.contains(&format!("[default: {default}]")),
            "{flag} should show its default {default}: {line}"
        );
    }
}
