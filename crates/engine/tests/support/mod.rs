//! Shared by the engine's integration tests: providers wired to the scripted servers, and helpers to
//! drain a stream. Include with `mod support;`.
// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::time::Duration;

use futures_util::StreamExt;
use hearth_engine::RunStream;
use hearth_engine::providers::{
    Anthropic, ApiKey, ChatEvent, ChatStream, DelayLog, OpenAiCompatible, ProviderConfig,
    ProviderError, Sleeper,
};

use hearth_wire::{Message, MessageContent, Run, StreamEvent};

pub use hearth_scripted::{Script, ScriptedAnthropic, ScriptedCall, ScriptedOpenAi};

/// The key the tests configure; it must never show up in errors.
pub const KEY: &str = "sk-test-very-secret-0123456789";

/// Settings for `base_url` with the test key, retries recorded instead of slept.
pub fn config(base_url: String) -> (ProviderConfig, DelayLog) {
    let (sleeper, delays) = Sleeper::recording();
    let config = ProviderConfig::new(base_url)
        .api_key(ApiKey::new(KEY))
        .sleeper(sleeper);
    (config, delays)
}

/// An OpenAI-compatible provider talking to `server`.
pub fn openai(server: &ScriptedOpenAi) -> (OpenAiCompatible, DelayLog) {
    let (config, delays) = config(server.base_url());
    (
        OpenAiCompatible::new(config).expect("a valid config"),
        delays,
    )
}

/// An Anthropic provider talking to `server`.
pub fn anthropic(server: &ScriptedAnthropic) -> (Anthropic, DelayLog) {
    let (config, delays) = config(server.base_url());
    (Anthropic::new(config).expect("a valid config"), delays)
}

/// Every event of `stream`, and the error that ended it, if any.
pub async fn drain(mut stream: ChatStream) -> (Vec<ChatEvent>, Option<ProviderError>) {
    let mut events = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(event) => events.push(event),
            Err(err) => {
                assert!(
                    stream.next().await.is_none(),
                    "an error should end the stream"
                );
                return (events, Some(err));
            }
        }
    }
    (events, None)
}

/// The text deltas joined.
pub fn text(events: &[ChatEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            ChatEvent::TextDelta(t) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}

/// The text deltas one by one.
pub fn text_deltas(events: &[ChatEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            ChatEvent::TextDelta(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// The calls started, as (index, id, name).
pub fn tool_starts(events: &[ChatEvent]) -> Vec<(usize, String, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            ChatEvent::ToolCallStart { index, id, name } => {
                Some((*index, id.clone(), name.clone()))
            }
            _ => None,
        })
        .collect()
}

/// The arguments of call `index`, reassembled from its deltas.
pub fn arguments(events: &[ChatEvent], index: usize) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            ChatEvent::ToolCallArgumentsDelta { index: i, delta } if *i == index => {
                Some(delta.as_str())
            }
            _ => None,
        })
        .collect()
}

/// Every event of a run's stream up to `done`.
pub async fn collect(mut stream: RunStream) -> Vec<StreamEvent> {
    let mut events = Vec::new();
    while let Some(event) = tokio::time::timeout(Duration::from_secs(20), stream.events.recv())
        .await
        .expect("the run should keep producing events until done")
    {
        let done = event == StreamEvent::Done;
        events.push(event);
        if done {
            break;
        }
    }
    events
}

/// The text parts of `message` joined.
pub fn text_of(message: &Message) -> String {
    message
        .content
        .iter()
        .filter_map(|part| match part {
            MessageContent::Text { text } => Some(text.value.clone()),
            _ => None,
        })
        .collect()
}

/// The run as the last run event of a stream left it.
pub fn final_run(events: &[StreamEvent]) -> Run {
    events
        .iter()
        .rev()
        .find_map(|event| match event {
            StreamEvent::RunCompleted(run)
            | StreamEvent::RunFailed(run)
            | StreamEvent::RunCancelled(run)
            | StreamEvent::RunIncomplete(run)
            | StreamEvent::RunRequiresAction(run) => Some(run.clone()),
            _ => None,
        })
        .expect("the stream should end with a final run event")
}
