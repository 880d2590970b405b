//! The test model, a models folder around it, and an engine running on it.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hearth_engine::{Engine, EngineConfig, RunStream};
use hearth_local::{LocalConfig, LocalProvider, ModelSource, WorkerCommand};
use hearth_store::Store;
use hearth_wire::{
    CreateAssistantRequest, CreateMessageRequest, CreateRunRequest, CreateThreadRequest, ListQuery,
    MessageContent, MessageDeltaContent, Run, StreamEvent,
};

/// The default model's id: its file name without `.gguf`.
pub const MODEL_ID: &str = "SmolLM2-135M-Instruct.Q4_1";

/// The default model file. Tests that need it fail (never skip) when it is missing.
pub fn model_path() -> PathBuf {
    let path = PathBuf::from(
        std::env::var_os("HEARTH_TEST_MODEL")
            .expect("HEARTH_TEST_MODEL must name the test model (scripts/env.sh sets it)"),
    );
    assert!(
        path.is_file(),
        "the test model {} is missing: run scripts/default-model.sh (scripts/setup.sh --test does), \
         or point HEARTH_TEST_MODEL at SmolLM2-135M-Instruct.Q4_1.gguf",
        path.display()
    );
    path
}

/// Puts the default model into `dir` under its own name, without copying 100 MB.
pub fn link_model(dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let target = dir.join(format!("{MODEL_ID}.gguf"));
    #[cfg(unix)]
    std::os::unix::fs::symlink(model_path(), &target).unwrap();
    #[cfg(not(unix))]
    std::fs::copy(model_path(), &target).unwrap();
    target
}

/// The worker process llama.cpp runs in. The app and hearth-server start themselves with
/// `--local-worker`; a test binary cannot (its `main` is the test harness), so the tests start
/// the crate's own worker program, which Cargo builds for integration tests and names here.
pub fn worker() -> WorkerCommand {
    WorkerCommand::program(env!("CARGO_BIN_EXE_hearth-local-worker"))
}

/// An engine on a fresh database whose provider serves the models folder `models`.
pub struct Fixture {
    pub engine: Engine,
    pub provider: Arc<LocalProvider>,
    pub models: PathBuf,
    _dir: tempfile::TempDir,
}

pub fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let models = dir.path().join("models");
    link_model(&models);
    let store = Store::open(dir.path().join("hearth.db")).unwrap();
    let provider = Arc::new(LocalProvider::new(LocalConfig {
        worker: worker(),
        ..LocalConfig::new(ModelSource::Folder(models.clone()))
    }));
    let engine = Engine::new(store, provider.clone(), EngineConfig::default());
    Fixture {
        engine,
        provider,
        models,
        _dir: dir,
    }
}

impl Fixture {
    /// An assistant on `model`.
    pub fn assistant(&self, model: &str) -> String {
        self.engine
            .create_assistant(CreateAssistantRequest {
                model: model.into(),
                instructions: Some("You are a helpful assistant. Answer briefly.".into()),
                ..Default::default()
            })
            .unwrap()
            .id
    }

    /// A thread holding the user message `text`.
    pub fn thread(&self, text: &str) -> String {
        let thread = self
            .engine
            .create_thread(CreateThreadRequest::default())
            .unwrap();
        self.engine
            .create_message(&thread.id, CreateMessageRequest::user(text))
            .unwrap();
        thread.id
    }

    /// Starts a run of `assistant` on `thread`, the answer capped at `max_tokens`.
    pub fn run(&self, thread: &str, assistant: &str, max_tokens: Option<u32>) -> RunStream {
        self.engine
            .create_run(
                thread,
                CreateRunRequest {
                    assistant_id: assistant.into(),
                    max_completion_tokens: max_tokens,
                    ..Default::default()
                },
            )
            .unwrap()
    }

    /// The text of the newest message in `thread`.
    pub fn answer(&self, thread: &str) -> String {
        let messages = self
            .engine
            .list_messages(thread, None, &ListQuery::default())
            .unwrap();
        messages.data[0]
            .content
            .iter()
            .filter_map(|part| match part {
                MessageContent::Text { text } => Some(text.value.clone()),
                _ => None,
            })
            .collect()
    }
}

/// The next event of a run, failing when the run goes quiet.
pub async fn next(stream: &mut RunStream) -> Option<StreamEvent> {
    tokio::time::timeout(Duration::from_secs(120), stream.events.recv())
        .await
        .expect("the run should keep producing events until done")
}

/// Every event up to `done`.
pub async fn collect(mut stream: RunStream) -> Vec<StreamEvent> {
    let mut events = Vec::new();
    while let Some(event) = next(&mut stream).await {
        let done = event == StreamEvent::Done;
        events.push(event);
        if done {
            break;
        }
    }
    events
}

/// The text of a `thread.message.delta` event.
pub fn delta_text(event: &StreamEvent) -> Option<String> {
    let StreamEvent::MessageDelta(delta) = event else {
        return None;
    };
    let parts = delta.delta.content.as_ref()?;
    Some(
        parts
            .iter()
            .filter_map(|part| match part {
                MessageDeltaContent::Text { text, .. } => text.as_ref()?.value.clone(),
                _ => None,
            })
            .collect(),
    )
}

/// The run as the final run event carries it.
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
