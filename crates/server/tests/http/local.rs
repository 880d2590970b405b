//! The `hearth-server` binary with `--provider local`: started as a user would, serving the real
//! default model (fetched by scripts/default-model.sh) for one streamed run over HTTP.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};

use crate::support::{TOKEN, serve_binary, sse_frames, streamed_text};

/// The default model file; the test fails (never skips) without it.
fn model_path() -> PathBuf {
    let path = PathBuf::from(
        std::env::var_os("HEARTH_TEST_MODEL")
            .expect("HEARTH_TEST_MODEL must name the test model (scripts/env.sh sets it)"),
    );
    assert!(
        path.is_file(),
        "the test model {} is missing: run scripts/default-model.sh",
        path.display()
    );
    path
}

#[tokio::test]
async fn the_local_provider_serves_a_model_file_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_hearth-server"));
    command
        .args(["--provider", "local", "--model"])
        .arg(model_path())
        .arg("--data-dir")
        .arg(dir.path());
    let (server, origin) = serve_binary(command).await;
    let http = reqwest::Client::new();
    let post = |path: &str, body: Value| {
        http.post(format!("{origin}{path}"))
            .bearer_auth(TOKEN)
            .header("OpenAI-Beta", "assistants=v2")
            .json(&body)
    };

    let models: Value = http
        .get(format!("{origin}/v1/models"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        models["data"][0]["id"], "SmolLM2-135M-Instruct.Q4_1",
        "the model's id is its file name without .gguf: {models}"
    );

    let assistant: Value = post(
        "/v1/assistants",
        json!({"model": "SmolLM2-135M-Instruct.Q4_1", "instructions": "Answer briefly."}),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let body = post(
        "/v1/threads/runs",
        json!({
            "assistant_id": assistant["id"],
            "stream": true,
            "max_completion_tokens": 256,
            "thread": {"messages": [{"role": "user", "content": "What is the capital of France?"}]}
        }),
    )
    .send()
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    let frames = sse_frames(&body);
    let text = streamed_text(&frames);
    assert!(!text.trim().is_empty(), "the model should answer: {body}");
    let last_run = frames
        .iter()
        .rev()
        .find(|(event, _)| event.starts_with("thread.run."))
        .map(|(event, _)| event.as_str());
    assert!(
        matches!(
            last_run,
            Some("thread.run.completed" | "thread.run.incomplete")
        ),
        "the run should finish: {last_run:?}"
    );
    drop(server);
}
