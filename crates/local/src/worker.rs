//! The thread that owns the loaded model and generates answers one at a time.
//!
//! One model is loaded at a time and shared by every request; requests queue in arrival order, so
//! two runs never interleave their text and never compete for the CPU. A model unused for the idle
//! time is unloaded to give its memory back.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use hearth_engine::providers::{ChatEvent, FinishReason, ProviderError};
use tokio::sync::mpsc::UnboundedSender;

use crate::gguf;
use crate::llama::{Finish, Flow, LlamaError, Model, Settings};

/// One answer to generate.
pub(crate) struct Job {
    /// The model file, already resolved from the request's model id.
    pub path: PathBuf,
    /// The conversation as (role, text) turns.
    pub turns: Vec<(&'static str, String)>,
    pub settings: Settings,
    /// Where the answer goes; closed when the consumer dropped the stream.
    pub events: UnboundedSender<Result<ChatEvent, ProviderError>>,
}

/// Serves jobs until every sender is gone.
pub(crate) fn run(jobs: Receiver<Job>, idle: Duration) {
    let mut loaded: Option<(PathBuf, Model)> = None;
    loop {
        let job = if loaded.is_some() {
            match jobs.recv_timeout(idle) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) => {
                    if let Some((path, _)) = loaded.take() {
                        log::info!("unloaded the idle local model {}", path.display());
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            }
        } else {
            match jobs.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        // A run cancelled while it waited in the queue costs nothing.
        if job.events.is_closed() {
            continue;
        }
        if let Err(error) = answer(&mut loaded, &job) {
            let _ = job.events.send(Err(error));
        }
    }
}

fn answer(loaded: &mut Option<(PathBuf, Model)>, job: &Job) -> Result<(), ProviderError> {
    if loaded.as_ref().is_none_or(|(path, _)| *path != job.path) {
        // Free the old model before loading the next, so two never sit in memory together.
        *loaded = None;
        *loaded = Some((job.path.clone(), load(&job.path)?));
    }
    let Some((_, model)) = loaded.as_ref() else {
        unreachable!("a model was loaded just above")
    };
    let prompt = model.render(&job.turns).map_err(bad_request)?;
    let mut settings = job.settings.clone();
    settings.context = settings.context.min(model.train_context());
    let events = &job.events;
    let generation = model
        .generate(
            &prompt,
            &settings,
            || events.is_closed(),
            |text| {
                if events
                    .send(Ok(ChatEvent::TextDelta(text.to_owned())))
                    .is_ok()
                {
                    Flow::Continue
                } else {
                    Flow::Stop
                }
            },
        )
        .map_err(|error| match error {
            LlamaError::PromptTooLong { .. } => bad_request(error),
            other => ProviderError::Server {
                status: 500,
                message: other.to_string(),
            },
        })?;
    let reason = match generation.finish {
        Finish::Stop => FinishReason::Stop,
        Finish::Length => FinishReason::Length,
        Finish::Cancelled => return Ok(()),
    };
    let _ = events.send(Ok(ChatEvent::Usage {
        prompt_tokens: generation.prompt_tokens as u64,
        completion_tokens: generation.completion_tokens as u64,
    }));
    let _ = events.send(Ok(ChatEvent::Finished { reason }));
    Ok(())
}

/// Checks the file, then loads it. llama.cpp may abort the process on some malformed files, so it
/// only ever sees files whose header and size have been checked.
fn load(path: &std::path::Path) -> Result<Model, ProviderError> {
    let unusable =
        |what: String| ProviderError::Config(format!("the model file {}: {what}", path.display()));
    crate::cpu::check().map_err(ProviderError::Config)?;
    gguf::read_header(path).map_err(|e| unusable(e.to_string()))?;
    let started = std::time::Instant::now();
    let model = Model::load(path).map_err(|e| unusable(e.to_string()))?;
    log::info!(
        "loaded the local model {} in {} ms",
        path.display(),
        started.elapsed().as_millis()
    );
    Ok(model)
}

fn bad_request(error: LlamaError) -> ProviderError {
    ProviderError::BadRequest {
        status: 400,
        message: error.to_string(),
    }
}
