//! What a hostile or runaway script cannot do: reach the network, see the user's files or
//! Hearth's, write outside /mnt/data, outrun its time, fork without end, take all the memory, or
//! outlive a cancel. Each is contained with a clear output, and no process is left behind.

mod common;

use std::time::{Duration, Instant};

use common::*;
use hearth_interpreter::{ExecuteRequest, Interpreter, InterpreterError, Outcome};
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread")]
async fn a_listening_port_on_the_host_cannot_be_reached() {
    let folders = Folders::new();
    let interpreter = Interpreter::new(plain_config(&folders));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let code = format!(
        "import socket\n\
         try:\n    socket.create_connection(('127.0.0.1', {port}), timeout=3)\n    print('connected')\n\
         except OSError as e:\n    print('refused:', e)"
    );
    let execution = run(&interpreter, "t", &code).await;
    assert!(
        execution.logs.starts_with("refused:"),
        "the connection must fail: {}",
        execution.logs
    );
    assert!(
        listener.accept().is_err(),
        "the host's listener must not have seen a connection"
    );
    let dns = run(
        &interpreter,
        "t",
        "import socket\ntry:\n    socket.getaddrinfo('pypi.org', 443)\n    print('resolved')\nexcept OSError as e:\n    print('no network:', e)",
    )
    .await;
    assert!(dns.logs.starts_with("no network:"), "{}", dns.logs);
    interpreter.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_users_home_and_hearths_data_folder_are_not_visible() {
    let folders = Folders::new();
    let secret = folders.data_dir().join("files").join("blobs");
    std::fs::create_dir_all(&secret).unwrap();
    std::fs::write(secret.join("other-upload"), "private").unwrap();
    let home = std::env::var_os("HOME")
        .map(std::path::PathBuf::from)
        .expect("HOME");
    let in_home = tempfile::Builder::new()
        .prefix(".hearth-sandbox-test-")
        .tempfile_in(&home)
        .expect("a file in the home folder");
    std::fs::write(in_home.path(), "private").unwrap();
    let interpreter = Interpreter::new(plain_config(&folders));
    let code = format!(
        "import os\n\
         for path in [{home:?}, {in_home:?}, {blob:?}, {data:?}, '/run/user', '/var/run/dbus', '/root']:\n    \
             print(path, 'visible' if os.path.exists(path) else 'absent')\n\
         print(sorted(k for k in os.environ if 'DBUS' in k or 'XDG' in k or 'HEARTH' in k))\n\
         print(os.listdir('/etc'))",
        home = home.to_string_lossy(),
        in_home = in_home.path().to_string_lossy(),
        blob = secret.join("other-upload").to_string_lossy(),
        data = folders.data_dir().to_string_lossy(),
    );
    let execution = run(&interpreter, "t", &code).await;
    assert_eq!(execution.outcome, Outcome::Completed, "{}", execution.logs);
    // Whoever Hearth runs as, the sandbox's processes are never root's on the host.
    let processes = sandbox_processes(&folders.work_dir());
    assert!(!processes.is_empty());
    for pid in processes {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let uid = status
            .lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .unwrap_or("");
        assert!(
            !uid.split_whitespace().any(|id| id == "0"),
            "process {pid} of the sandbox runs as root: Uid {uid}"
        );
    }
    let lines: Vec<&str> = execution.logs.lines().collect();
    for line in &lines[..7] {
        assert!(line.ends_with(" absent"), "must not be visible: {line}");
    }
    assert_eq!(lines[7], "[]", "no D-Bus, XDG or Hearth variables");
    for private in ["shadow", "passwd-", "ssh", "hostname"] {
        assert!(
            !lines[8].contains(&format!("'{private}'")),
            "/etc holds only what Python needs: {}",
            lines[8]
        );
    }
    interpreter.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn nothing_outside_mnt_data_and_tmp_can_be_written() {
    let folders = Folders::new();
    let interpreter = Interpreter::new(plain_config(&folders));
    // The kernel settings are written with the value they hold, so that even a failure of this
    // test changes nothing on the host.
    let code = "for path in ['/usr/evil', '/etc/evil', '/evil', '/mnt/evil', '/opt/hearth/site-packages/evil.py', '/proc/sys/kernel/hostname', '/proc/sys/vm/overcommit_memory', '/proc/sys/kernel/core_pattern']:\n    \
                    try:\n        same = open(path).read() if path.startswith('/proc') else 'x'\n        open(path, 'w').write(same)\n        print(path, 'WRITTEN')\n    \
                    except OSError as e:\n        print(path, 'refused:', e.strerror)\n\
                open('/tmp/scratch', 'w').write('ok')\n\
                open('/mnt/data/kept', 'w').write('ok')\n\
                print('tmp and data writable')";
    let execution = run(&interpreter, "t", code).await;
    assert!(!execution.logs.contains("WRITTEN"), "{}", execution.logs);
    assert!(
        execution
            .logs
            .contains("/usr/evil refused: Read-only file system"),
        "{}",
        execution.logs
    );
    assert!(
        execution
            .logs
            .contains("/etc/evil refused: Read-only file system"),
        "{}",
        execution.logs
    );
    assert!(execution.logs.contains("tmp and data writable"));
    assert!(!folders.root.path().join("evil").exists());
    interpreter.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endless_loop_times_out_and_its_process_tree_is_gone() {
    let folders = Folders::new();
    let mut config = plain_config(&folders);
    config.limits.wall_time = Duration::from_secs(2);
    let interpreter = Interpreter::new(config);
    run(&interpreter, "t", "state = 'before'").await;
    let started = Instant::now();
    let execution = run(
        &interpreter,
        "t",
        "import subprocess\nsubprocess.Popen(['sleep', '311'])\nprint('looping')\nwhile True:\n    pass",
    )
    .await;
    let took = started.elapsed();
    assert_eq!(execution.outcome, Outcome::TimedOut, "{}", execution.logs);
    assert!(
        took < Duration::from_secs(4),
        "stopped at its wall time, took {took:?}"
    );
    assert!(
        execution.logs.starts_with("looping\n"),
        "{}",
        execution.logs
    );
    assert!(
        execution.logs.contains("time limit of 2 s")
            && execution.logs.contains("variables and imports are lost"),
        "{}",
        execution.logs
    );
    assert_no_process_left(&folders.work_dir(), Duration::from_secs(1)).await;
    let next = run(&interpreter, "t", "print('state' in globals())").await;
    assert_eq!(next.logs, "False\n", "the next call starts a fresh session");
    interpreter.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cpu_time_is_limited_per_call() {
    let folders = Folders::new();
    let mut config = plain_config(&folders);
    config.limits.cpu_time = Duration::from_secs(1);
    let interpreter = Interpreter::new(config);
    let execution = run(&interpreter, "t", "while True:\n    pass").await;
    assert_eq!(execution.outcome, Outcome::TimedOut, "{}", execution.logs);
    assert!(
        execution.logs.contains("CPU time limit"),
        "{}",
        execution.logs
    );
    interpreter.shutdown().await;
    assert_no_process_left(&folders.work_dir(), Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fork_bomb_is_contained() {
    let folders = Folders::new();
    let interpreter = Interpreter::new(plain_config(&folders));
    let started = Instant::now();
    let execution = run(&interpreter, "t", "import os\nwhile True:\n    os.fork()").await;
    assert_eq!(execution.outcome, Outcome::Raised, "{}", execution.logs);
    assert!(
        execution.logs.contains("BlockingIOError")
            && execution.logs.contains("Resource temporarily unavailable"),
        "the fork that passes the limit fails: {}",
        execution.logs
    );
    assert!(started.elapsed() < Duration::from_secs(15));
    // Only the session's own processes are left (bubblewrap's two and Python), and it still works.
    let left = sandbox_processes(&folders.work_dir());
    assert_eq!(left.len(), 3, "the forks are gone: {left:?}");
    let next = run(&interpreter, "t", "print('alive')").await;
    assert_eq!(next.logs, "alive\n");
    interpreter.shutdown().await;
    assert_no_process_left(&folders.work_dir(), Duration::from_secs(1)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_16_gib_allocation_fails_with_memory_error() {
    let folders = Folders::new();
    let interpreter = Interpreter::new(plain_config(&folders));
    let execution = run(&interpreter, "t", "kept = 1\nblock = bytearray(16 << 30)").await;
    assert_eq!(execution.outcome, Outcome::Raised, "{}", execution.logs);
    assert!(execution.logs.contains("MemoryError"), "{}", execution.logs);
    let next = run(&interpreter, "t", "print(kept)").await;
    assert_eq!(next.logs, "1\n", "the session lives on");
    interpreter.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_stops_a_long_call_at_once_and_leaves_no_process() {
    let folders = Folders::new();
    let interpreter = Interpreter::new(plain_config(&folders));
    let cancel = CancellationToken::new();
    let call = {
        let interpreter = interpreter.clone();
        let cancel = cancel.clone();
        tokio::spawn(async move {
            interpreter
                .execute(
                    ExecuteRequest {
                        session: "t",
                        files: &[],
                        code: "import subprocess, time\nsubprocess.Popen(['sleep', '307'])\ntime.sleep(300)",
                    },
                    &cancel,
                )
                .await
        })
    };
    wait_for_process(&folders.work_dir(), "sleep 307").await;
    let cancelled_at = Instant::now();
    cancel.cancel();
    let execution = call.await.unwrap().expect("the call itself runs");
    let took = cancelled_at.elapsed();
    assert_eq!(execution.outcome, Outcome::Cancelled, "{}", execution.logs);
    assert!(
        took < Duration::from_millis(1500),
        "returns at once, took {took:?}"
    );
    assert!(execution.logs.contains("cancelled"), "{}", execution.logs);
    assert_no_process_left(&folders.work_dir(), Duration::from_millis(100)).await;
    interpreter.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_bubblewrap_nothing_runs_and_the_error_names_the_fix() {
    let folders = Folders::new();
    let mut config = plain_config(&folders);
    config.bwrap = folders.root.path().join("no-such-folder").join("bwrap");
    let interpreter = Interpreter::new(config);
    let checked = interpreter.check().await.expect_err("no sandbox, no check");
    let executed = interpreter
        .execute(
            ExecuteRequest {
                session: "t",
                files: &[],
                code: "open('/tmp/ran', 'w')",
            },
            &CancellationToken::new(),
        )
        .await
        .expect_err("no sandbox, no code run");
    for error in [checked, executed] {
        assert!(
            matches!(error, InterpreterError::SandboxUnavailable(_)),
            "{error:?}"
        );
        let message = error.to_string();
        assert!(
            message.contains("bubblewrap") && message.contains("apt install bubblewrap"),
            "says what is missing and how to install it: {message}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_python_runtime_is_named() {
    let folders = Folders::new();
    let mut config = plain_config(&folders);
    config.site_packages = folders.root.path().join("no-runtime");
    let error = Interpreter::new(config)
        .check()
        .await
        .expect_err("no runtime");
    assert!(
        matches!(error, InterpreterError::RuntimeUnavailable(_)),
        "{error:?}"
    );
    assert!(error.to_string().contains("no-runtime"), "{error}");
}
