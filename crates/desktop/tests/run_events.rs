//! Runs as the window receives them: `RunEvent`s from the engine embedded in the app, answering
//! through a scripted model server on loopback.
//!
//! The recorded runs are also the window's test data: `ui/src/threads/fixtures/engine-*.json` hold
//! each run's events and the message the engine stored at the end, and the UI's reducer must fold
//! the events into exactly that message. A test here fails when the committed recordings differ
//! from what the engine sends now; `HEARTH_WRITE_FIXTURES=1` rewrites them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use hearth_desktop::providers::ProviderName;
use hearth_desktop::{Hearth, MessageAnchor, Paths, RunEvent};
use hearth_scripted::{Script, ScriptedCall, ScriptedOpenAi};
use hearth_wire::{CreateAssistantRequest, ToolOutput};
use serde_json::{Value, json};

fn open(dir: &Path) -> Hearth {
    Hearth::open(Paths {
        data_dir: dir.join("data"),
        settings_file: dir.join("config").join("settings.json"),
    })
    .expect("Hearth should open on a fresh folder")
}

/// A Hearth whose compatible provider is `server`, with an assistant that may call `get_weather`.
async fn hearth_with_assistant(dir: &Path, server: &ScriptedOpenAi) -> (Hearth, String) {
    let hearth = open(dir);
    hearth
        .set_provider_url(ProviderName::Compatible, Some(&server.base_url()), false)
        .unwrap();
    let request: CreateAssistantRequest = hearth_desktop::parse_request(
        br#"{"model": "scripted-model", "name": "Forecaster", "tools": [{"type": "function",
            "function": {"name": "get_weather", "parameters": {"type": "object",
            "properties": {"city": {"type": "string"}}}}}]}"#,
    )
    .unwrap();
    let assistant = hearth
        .backend()
        .unwrap()
        .create_assistant(request)
        .await
        .unwrap();
    (hearth, assistant.id)
}

async fn collect(mut events: BoxStream<'static, RunEvent>) -> Vec<RunEvent> {
    let mut all = Vec::new();
    while let Some(event) = events.next().await {
        all.push(event);
    }
    all
}

/// The message the engine stored last in the thread.
async fn last_message(hearth: &Hearth, thread_id: &str) -> hearth_wire::Message {
    let window = hearth
        .message_window(thread_id, &MessageAnchor::Latest, 10)
        .await
        .unwrap();
    window.messages.last().cloned().expect("a message")
}

#[tokio::test]
async fn a_run_reaches_the_window_as_v2_events_ending_with_done() {
    let server = ScriptedOpenAi::start(vec![Script::text(["Sun", "ny and ", "warm."])]).await;
    let dir = tempfile::tempdir().unwrap();
    let (hearth, assistant_id) = hearth_with_assistant(dir.path(), &server).await;
    let thread = hearth.create_thread().await.unwrap();
    hearth.add_message(&thread.id, "Weather?").await.unwrap();

    let events = collect(hearth.start_run(&thread.id, &assistant_id).await.unwrap()).await;

    assert!(matches!(events.first(), Some(RunEvent::RunCreated(_))));
    assert_eq!(events.last(), Some(&RunEvent::Done), "{events:?}");
    let deltas = events
        .iter()
        .filter(|event| matches!(event, RunEvent::MessageDelta(_)))
        .count();
    assert_eq!(deltas, 3, "one delta per streamed piece");
    let names: Vec<String> = events
        .iter()
        .map(|event| serde_json::to_value(event).unwrap()["event"].to_string())
        .collect();
    assert!(
        names.contains(&"\"thread.run.completed\"".to_owned()),
        "{names:?}"
    );
}

#[tokio::test]
async fn a_failed_provider_ends_the_stream_with_the_common_error_shape() {
    let server =
        ScriptedOpenAi::start(vec![Script::error(400, "The model refused the request.")]).await;
    let dir = tempfile::tempdir().unwrap();
    let (hearth, assistant_id) = hearth_with_assistant(dir.path(), &server).await;
    let thread = hearth.create_thread().await.unwrap();
    hearth.add_message(&thread.id, "Weather?").await.unwrap();

    let events = collect(hearth.start_run(&thread.id, &assistant_id).await.unwrap()).await;

    let failed = events
        .iter()
        .any(|event| matches!(event, RunEvent::RunFailed(run) if run.last_error.is_some()));
    assert!(failed, "the run ends failed, with its reason: {events:?}");
    let last = serde_json::to_value(events.last().unwrap()).unwrap();
    assert!(
        last == json!({"event": "done"}) || last["data"]["code"].is_string(),
        "the stream ends with done or a {{code, message}} error: {last}"
    );
    let message = hearth
        .message_window(&thread.id, &MessageAnchor::Latest, 10)
        .await
        .unwrap();
    assert_eq!(
        message.messages.first().map(|m| m.role.to_string()),
        Some("user".to_owned()),
        "the user's message is kept"
    );
}

/// Replaces what differs between two recordings of the same run (ids, times) with stable names.
fn normalized(value: Value, ids: &mut HashMap<String, String>) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let value = if key.ends_with("_at") && value.is_number() {
                        json!(1_700_000_000)
                    } else {
                        normalized(value, ids)
                    };
                    (key, value)
                })
                .collect(),
        ),
        Value::Array(items) => {
            Value::Array(items.into_iter().map(|v| normalized(v, ids)).collect())
        }
        Value::String(text) => {
            let prefixed = ["asst_", "thread_", "msg_", "run_", "step_", "call_"];
            match prefixed.iter().find(|prefix| text.starts_with(**prefix)) {
                Some(prefix) => {
                    let next = ids.len() + 1;
                    let stable = ids
                        .entry(text)
                        .or_insert_with(|| format!("{prefix}{next:04}"));
                    Value::String(stable.clone())
                }
                None => Value::String(text),
            }
        }
        other => other,
    }
}

fn fixture_path(name: &str) -> PathBuf {
    let crate_dir = std::env::var("CARGO_MANIFEST_DIR")
        .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_owned());
    Path::new(&crate_dir)
        .join("../../ui/src/threads/fixtures")
        .join(format!("engine-{name}.json"))
}

/// Compares a recording with the committed fixture, or writes it under `HEARTH_WRITE_FIXTURES`.
fn check_fixture(name: &str, events: &[RunEvent], final_message: &hearth_wire::Message) {
    let mut ids = HashMap::new();
    let recording = normalized(
        json!({"events": events, "final_message": final_message}),
        &mut ids,
    );
    let text = serde_json::to_string_pretty(&recording).unwrap() + "\n";
    let path = fixture_path(name);
    if std::env::var_os("HEARTH_WRITE_FIXTURES").is_some() {
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "{} differs from what the engine sends now: rerun this test with HEARTH_WRITE_FIXTURES=1 \
         and commit the result",
        path.display()
    );
}

#[tokio::test]
async fn recorded_runs_match_the_windows_fixtures() {
    let server = ScriptedOpenAi::start(vec![
        Script::text(["The ", "forecast", " for ", "Oslo", ": ", "sunny", "."]).usage(12, 7),
        Script::tool_calls([ScriptedCall::new(
            "call_weather_1",
            "get_weather",
            ["{\"ci", "ty\":", "\"Oslo\"}"],
        )]),
        Script::text(["It is ", "14 °C ", "in Oslo."]),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (hearth, assistant_id) = hearth_with_assistant(dir.path(), &server).await;

    // A plain answer in many pieces.
    let thread = hearth.create_thread().await.unwrap();
    hearth.add_message(&thread.id, "Forecast?").await.unwrap();
    let events = collect(hearth.start_run(&thread.id, &assistant_id).await.unwrap()).await;
    check_fixture("text", &events, &last_message(&hearth, &thread.id).await);

    // A function call with its arguments split across deltas, its output, then the answer.
    let thread = hearth.create_thread().await.unwrap();
    hearth
        .add_message(&thread.id, "Weather in Oslo?")
        .await
        .unwrap();
    let mut events = collect(hearth.start_run(&thread.id, &assistant_id).await.unwrap()).await;
    let waiting = events
        .iter()
        .find_map(|event| match event {
            RunEvent::RunRequiresAction(run) => Some(run.clone()),
            _ => None,
        })
        .expect("the run should wait for the function's output");
    let call = &waiting
        .required_action
        .as_ref()
        .expect("a required action")
        .submit_tool_outputs
        .tool_calls[0];
    assert_eq!(call.function.arguments, "{\"city\":\"Oslo\"}");
    let outputs = vec![ToolOutput {
        tool_call_id: call.id.clone(),
        output: "{\"celsius\": 14}".to_owned(),
    }];
    let run_id = waiting.id.clone();
    let rest = hearth
        .submit_tool_outputs(&thread.id, &run_id, outputs)
        .await
        .unwrap();
    events.extend(collect(rest).await);
    check_fixture(
        "tool-call",
        &events,
        &last_message(&hearth, &thread.id).await,
    );
}
