//! `hearth-server` killed with SIGKILL while a run streams, then started again on the same folder:
//! the run is closed and its answer is kept, short of at most the streamed text not saved yet: one
//! batch (the engine's `SaveBatch`).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use futures_util::StreamExt;
use hearth_client::{ApiKey, Client, Config};
use hearth_engine::SaveBatch;
use hearth_scripted::{Script, ScriptedOpenAi};
use hearth_wire::{
    ListQuery, MessageContent, MessageDeltaContent, MessageRole, MessageStatus, RunStatus,
    StreamEvent,
};
use serde_json::json;

use crate::support::{Running, TOKEN, serve_binary};

/// Starts the real binary on `data_dir` with `provider` behind it; the server and its client.
async fn start_binary(data_dir: &Path, provider: &str) -> (Running, Client) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hearth-server"));
    command
        .args(["--provider-base-url", provider, "--data-dir"])
        .arg(data_dir)
        .env("HEARTH_PROVIDER_KEY", "sk-test");
    let (server, origin) = serve_binary(command).await;
    let client = Client::new(
        Config::new(format!("{origin}/v1"))
            .api_key(ApiKey::new(TOKEN))
            .max_retries(0),
    )
    .unwrap();
    (server, client)
}

/// Streams a run of a new thread until `expected` text has arrived; the thread and run ids.
async fn stream_until(client: &Client, expected: &str) -> (String, String) {
    let assistant = client
        .create_assistant(&json!({"model": "scripted-model"}))
        .await
        .unwrap();
    let thread = client
        .create_thread(&json!({"messages": [{"role": "user", "content": "Count for me."}]}))
        .await
        .unwrap();
    let mut events = client
        .create_run_stream(&thread.id, &json!({"assistant_id": assistant.id}), &[])
        .await
        .unwrap();
    let mut run_id = None;
    let mut received = String::new();
    let read = tokio::time::timeout(Duration::from_secs(30), async {
        while received.len() < expected.len() {
            match events
                .next()
                .await
                .expect("the stream ended early")
                .unwrap()
            {
                StreamEvent::RunCreated(run) => run_id = Some(run.id),
                StreamEvent::MessageDelta(delta) => {
                    for part in delta.delta.content.unwrap_or_default() {
                        if let MessageDeltaContent::Text {
                            text: Some(text), ..
                        } = part
                        {
                            received.push_str(&text.value.unwrap_or_default());
                        }
                    }
                }
                _ => {}
            }
        }
    })
    .await;
    assert!(read.is_ok(), "only {received:?} arrived");
    assert_eq!(received, expected);
    (thread.id, run_id.expect("the stream names its run"))
}

/// The assistant's answer as stored, after a restart closed its run.
async fn kept_answer(client: &Client, thread_id: &str, run_id: &str) -> String {
    let run = client.retrieve_run(thread_id, run_id).await.unwrap();
    assert_eq!(
        run.status,
        RunStatus::Failed,
        "start-up closes the run the kill left open"
    );
    let messages = client
        .list_messages(thread_id, &ListQuery::default())
        .await
        .unwrap();
    let answer = messages
        .data
        .iter()
        .find(|message| message.role == MessageRole::Assistant)
        .expect("the partial answer is kept");
    assert_eq!(answer.status, MessageStatus::Incomplete);
    answer
        .content
        .iter()
        .filter_map(|part| match part {
            MessageContent::Text { text } => Some(text.value.clone()),
            _ => None,
        })
        .collect()
}

fn pieces(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("w{i:03} ")).collect()
}

#[tokio::test]
async fn a_server_killed_mid_answer_keeps_all_but_at_most_the_last_batch() {
    let pieces = pieces(300);
    let streamed = pieces.concat();
    // The model sends its answer as fast as it can, then hangs: the kill lands while the run is
    // in progress, right after the client saw the whole text.
    let provider = ScriptedOpenAi::start(vec![Script::text(pieces.clone()).stall()]).await;
    let dir = tempfile::tempdir().unwrap();
    let (mut server, client) = start_binary(dir.path(), &provider.base_url()).await;
    let (thread_id, run_id) = stream_until(&client, &streamed).await;
    server.0.kill().unwrap();
    server.0.wait().unwrap();

    let (_server, client) = start_binary(dir.path(), &provider.base_url()).await;
    let kept = kept_answer(&client, &thread_id, &run_id).await;
    assert!(
        streamed.starts_with(&kept),
        "what was kept is the start of what streamed: {kept:?}"
    );
    let lost = (streamed.len() - kept.len()) / pieces[0].len();
    let batch = SaveBatch::default().deltas;
    assert!(
        lost <= batch,
        "the kill lost {lost} pieces of {}; at most one batch ({batch}) may go",
        pieces.len()
    );
}

#[tokio::test]
async fn a_server_killed_while_the_model_pauses_keeps_everything_that_streamed() {
    let pieces = pieces(10);
    let streamed = pieces.concat();
    let provider = ScriptedOpenAi::start(vec![Script::text(pieces).stall()]).await;
    let dir = tempfile::tempdir().unwrap();
    let (mut server, client) = start_binary(dir.path(), &provider.base_url()).await;
    let (thread_id, run_id) = stream_until(&client, &streamed).await;
    // Longer than a batch may wait: the pause itself gets the text saved.
    tokio::time::sleep(SaveBatch::default().age * 4).await;
    server.0.kill().unwrap();
    server.0.wait().unwrap();

    let (_server, client) = start_binary(dir.path(), &provider.base_url()).await;
    assert_eq!(kept_answer(&client, &thread_id, &run_id).await, streamed);
}
