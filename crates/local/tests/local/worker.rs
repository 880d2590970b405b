//! llama.cpp runs in a worker process: answers stream from it, the model stays loaded in it
//! between runs, and a worker that dies (killed, or aborted by a damaged model file) fails only
//! the run it served; the next run gets a fresh worker.

use hearth_wire::{RunStatus, StreamEvent};

use crate::support::{MODEL_ID, collect, delta_text, final_run, fixture, model_path, next};

/// A copy of the real model in which one token of the vocabulary is renamed to another that
/// already exists: the header and sizes are sound, but llama.cpp asserts that every token is
/// unique and aborts its process while loading it.
fn write_duplicate_token_model(path: &std::path::Path) {
    let mut bytes = std::fs::read(model_path()).unwrap();
    let encoded = |token: &str| {
        let mut out = (token.len() as u64).to_le_bytes().to_vec();
        out.extend_from_slice(token.as_bytes());
        out
    };
    let (from, to) = (encoded("hello"), encoded("world"));
    let at = bytes
        .windows(from.len())
        .position(|window| window == from.as_slice())
        .expect("the vocabulary holds the token 'hello'");
    bytes[at..at + to.len()].copy_from_slice(&to);
    std::fs::write(path, bytes).unwrap();
}

/// Sends SIGKILL to `pid`, as a crash or the OOM killer would end it.
fn kill_hard(pid: u32) {
    let status = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill -KILL {pid} should succeed");
}

fn ended_normally(events: &[StreamEvent]) -> bool {
    matches!(
        final_run(events).status,
        RunStatus::Completed | RunStatus::Incomplete
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn answers_stream_from_one_worker_process_that_keeps_the_model_loaded() {
    let fx = fixture();
    let assistant = fx.assistant(MODEL_ID);
    assert_eq!(
        fx.provider.worker_pid(),
        None,
        "no worker before the first run"
    );

    let events = collect(fx.run(&fx.thread("Name a colour."), &assistant, Some(256))).await;
    assert!(ended_normally(&events), "the run should finish");
    assert!(events.iter().filter_map(delta_text).count() >= 2);
    let pid = fx.provider.worker_pid().expect("a worker runs after a run");
    assert_ne!(pid, std::process::id(), "llama.cpp runs in another process");

    #[cfg(target_os = "linux")]
    {
        let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap();
        let names: Vec<String> = environ
            .split(|b| *b == 0)
            .filter(|entry| !entry.is_empty())
            .map(|entry| String::from_utf8_lossy(entry).into_owned())
            .collect();
        assert_eq!(
            names,
            ["GGML_NO_BACKTRACE=1"],
            "the worker should get none of the app's environment"
        );
    }

    let events = collect(fx.run(&fx.thread("Name a fruit."), &assistant, Some(256))).await;
    assert!(ended_normally(&events), "the second run should finish");
    assert_eq!(
        fx.provider.worker_pid(),
        Some(pid),
        "the same worker, with its model loaded, serves the next run"
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_worker_killed_mid_run_fails_that_run_naming_the_model_and_the_next_run_works() {
    let fx = fixture();
    let assistant = fx.assistant(MODEL_ID);
    let thread = fx.thread("Write a very long story about a dragon who learns to cook.");
    let mut stream = fx.run(&thread, &assistant, None);
    let mut seen = 0;
    while seen < 3 {
        let event = next(&mut stream).await.expect("the run should stream text");
        if delta_text(&event).is_some() {
            seen += 1;
        }
    }
    let pid = fx.provider.worker_pid().expect("a worker serves the run");
    kill_hard(pid);

    let run = final_run(&collect(stream).await);
    assert_eq!(run.status, RunStatus::Failed, "the killed run should fail");
    let message = run.last_error.expect("a failed run says why").message;
    assert!(
        message.contains(&format!("'{MODEL_ID}.gguf' stopped unexpectedly"))
            && message.contains("killed"),
        "the error should name the model file and say it stopped: {message}"
    );

    let events = collect(fx.run(&fx.thread("Say hello."), &assistant, Some(256))).await;
    assert!(
        ended_normally(&events),
        "the next run should get a fresh worker and finish: {:?}",
        final_run(&events)
    );
    let fresh = fx.provider.worker_pid().expect("a fresh worker runs");
    assert_ne!(fresh, pid, "the dead worker is not reused");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_that_makes_llama_cpp_abort_fails_its_run_and_the_app_keeps_working() {
    let fx = fixture();
    let damaged = fx.models.join("damaged.gguf");
    write_duplicate_token_model(&damaged);
    hearth_local::gguf::read_header(&damaged)
        .expect("the damaged file passes the header check, so llama.cpp itself sees it");

    let good = fx.assistant(MODEL_ID);
    let events = collect(fx.run(&fx.thread("Hello"), &good, Some(256))).await;
    assert!(ended_normally(&events), "the good model answers first");

    let bad = fx.assistant("damaged");
    let run = final_run(&collect(fx.run(&fx.thread("Hello"), &bad, Some(256))).await);
    assert_eq!(
        run.status,
        RunStatus::Failed,
        "the damaged model's run should fail"
    );
    let message = run.last_error.expect("a failed run says why").message;
    assert!(
        message.contains("'damaged.gguf' stopped unexpectedly")
            && message.contains("may be damaged"),
        "the error should name the file and what probably happened: {message}"
    );

    // Again: every run on the file gets a fresh worker and fails the same way.
    let again = final_run(&collect(fx.run(&fx.thread("Hi"), &bad, Some(256))).await);
    assert_eq!(again.status, RunStatus::Failed);

    let events = collect(fx.run(&fx.thread("Say hello."), &good, Some(256))).await;
    assert!(
        ended_normally(&events),
        "the good model still answers after the crashes: {:?}",
        final_run(&events)
    );
    assert!(
        !events
            .iter()
            .filter_map(delta_text)
            .collect::<String>()
            .is_empty()
    );
}

#[test]
fn a_worker_whose_host_is_gone_stops_at_once_even_mid_answer() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let mut worker = Command::new(env!("CARGO_BIN_EXE_hearth-local-worker"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = worker.stdin.take().unwrap();
    let load = serde_json::json!({"type": "load", "path": model_path()});
    let generate = serde_json::json!({
        "type": "generate", "id": 1,
        "turns": [{"role": "user", "text": "Write a very long story about a dragon who learns to cook."}],
        "settings": {"temperature": 0.0, "top_p": 1.0, "max_tokens": 4000, "context": 4096, "threads": 1, "seed": 1}
    });
    writeln!(stdin, "{load}\n{generate}").unwrap();
    let mut stdout = BufReader::new(worker.stdout.take().unwrap());
    let mut pieces = 0;
    let mut line = String::new();
    while pieces < 3 {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "the worker ended early"
        );
        if line.contains(r#""type":"text""#) {
            pieces += 1;
        }
    }
    // What the kernel does to the pipe when the host process dies, however it dies.
    drop(stdin);
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = worker.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = worker.kill();
    let _ = worker.wait();
    assert!(
        status.is_some(),
        "the worker went on generating with nobody to read its answer"
    );
}
