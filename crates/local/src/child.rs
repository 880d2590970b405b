//! The worker process: llama.cpp runs here, apart from the app, so a model file that makes it
//! abort or crash takes down only this process (the provider reports it and starts a fresh one).
//!
//! It is the host program itself started with [`WORKER_ARG`]: each program that runs local models
//! calls [`serve_if_asked`] first thing in `main`, before it opens a window, takes a lock or reads
//! its settings. Requests come on stdin and answers go to stdout (see [`crate::protocol`]); stdin
//! closing (the provider stopping it, or the app exiting in any way) ends the process.

use std::ffi::OsStr;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::gguf;
use crate::llama::{Finish, Flow, LlamaError, Model, Settings};
use crate::protocol::{self, Ending, FailureKind, Received, Request, Response, Turn};

/// The hidden first argument that makes a program serve as the local model worker.
pub const WORKER_ARG: &str = "--local-worker";

/// Serves as the worker process when this program was started with [`WORKER_ARG`] as its first
/// argument, returning the exit code once the provider is gone; `None` otherwise.
pub fn serve_if_asked() -> Option<ExitCode> {
    let asked = std::env::args_os().nth(1).as_deref() == Some(OsStr::new(WORKER_ARG));
    asked.then(serve)
}

/// Serves requests from stdin until it closes.
pub fn serve() -> ExitCode {
    // Requests are read on their own thread so a cancel arrives while an answer is generating.
    let cancelled = Arc::new(AtomicU64::new(0));
    let (requests, queue) = mpsc::channel();
    let reader_cancelled = cancelled.clone();
    std::thread::spawn(move || read_requests(&requests, &reader_cancelled));

    let mut out = std::io::stdout().lock();
    let mut model: Option<Model> = None;
    for request in queue {
        let sent = match request {
            Request::Load { path } => {
                // Free the old model first, so two never sit in memory together.
                model = None;
                match load(&path) {
                    Ok(loaded) => {
                        model = Some(loaded);
                        protocol::send(&mut out, &Response::Loaded)
                    }
                    Err(failed) => protocol::send(&mut out, &failed),
                }
            }
            Request::Generate {
                id,
                turns,
                settings,
            } => match &model {
                Some(model) => generate(model, id, &turns, settings, &cancelled, &mut out),
                None => protocol::send(
                    &mut out,
                    &Response::Failed {
                        kind: FailureKind::Internal,
                        message: "no model is loaded".into(),
                    },
                ),
            },
            Request::Cancel { .. } => Ok(()),
        };
        if sent.is_err() {
            // The provider is gone; nobody reads what comes next.
            break;
        }
    }
    ExitCode::SUCCESS
}

fn read_requests(requests: &mpsc::Sender<Request>, cancelled: &AtomicU64) {
    let mut input = std::io::stdin().lock();
    let mut line = String::new();
    loop {
        match protocol::receive::<Request>(&mut input, &mut line) {
            Ok(Received::Message(Request::Cancel { id })) => cancelled.store(id, Ordering::SeqCst),
            Ok(Received::Message(request)) => {
                if requests.send(request).is_err() {
                    return;
                }
            }
            Ok(Received::Stray(text)) => {
                eprintln!("ignored a request that could not be read: {text}")
            }
            // The host closed the pipe or died (the kernel closes its end however it ends):
            // nobody will read what comes next, so the worker stops now, even mid-answer or
            // mid-load, rather than finish work for no one.
            Ok(Received::Closed) | Err(_) => std::process::exit(0),
        }
    }
}

/// Checks the file, then loads it: llama.cpp only ever sees files whose header and size passed.
fn load(path: &Path) -> Result<Model, Response> {
    let unusable = |what: String| Response::Failed {
        kind: FailureKind::Unusable,
        message: format!("the model file {}: {what}", path.display()),
    };
    crate::cpu::check().map_err(|problem| Response::Failed {
        kind: FailureKind::Unusable,
        message: problem,
    })?;
    gguf::read_header(path).map_err(|e| unusable(e.to_string()))?;
    let started = std::time::Instant::now();
    let model = Model::load(path).map_err(|e| unusable(e.to_string()))?;
    eprintln!(
        "loaded the local model {} in {} ms",
        path.display(),
        started.elapsed().as_millis()
    );
    Ok(model)
}

/// How soon after one write of text the next may follow. A small model makes a token every few
/// milliseconds, and each write wakes three threads of the app (reading the pipe, the answer's
/// thread, the run) on the cores llama.cpp computes on; text that comes sooner joins the text of
/// the token after it. A token is never held longer than it takes to make the next one, and the
/// first token after a pause is written at once.
const WRITE_GAP: Duration = Duration::from_millis(25);

/// Generates answer `id`, writing its text as it comes (see [`WRITE_GAP`]) and then how it ended.
fn generate(
    model: &Model,
    id: u64,
    turns: &[Turn],
    mut settings: Settings,
    cancelled: &AtomicU64,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let turns: Vec<(&str, String)> = turns
        .iter()
        .map(|turn| (turn.role.as_str(), turn.text.clone()))
        .collect();
    let prompt = match model.render(&turns) {
        Ok(prompt) => prompt,
        Err(error) => return protocol::send(out, &failure(error)),
    };
    settings.context = settings.context.min(model.train_context());
    let mut write_failed = None;
    let mut waiting = String::new();
    let mut last_write: Option<Instant> = None;
    let generation = model.generate(
        &prompt,
        &settings,
        || cancelled.load(Ordering::SeqCst) == id,
        |text| {
            if cancelled.load(Ordering::SeqCst) == id {
                return Flow::Stop;
            }
            waiting.push_str(text);
            if last_write.is_some_and(|at| at.elapsed() < WRITE_GAP) {
                return Flow::Continue;
            }
            last_write = Some(Instant::now());
            match protocol::send(
                out,
                &Response::Text {
                    text: std::mem::take(&mut waiting),
                },
            ) {
                Ok(()) => Flow::Continue,
                Err(error) => {
                    write_failed = Some(error);
                    Flow::Stop
                }
            }
        },
    );
    if let Some(error) = write_failed {
        return Err(error);
    }
    let stopped = matches!(&generation, Ok(g) if g.finish == Finish::Cancelled);
    if !waiting.is_empty() && !stopped {
        protocol::send(out, &Response::Text { text: waiting })?;
    }
    let done = match generation {
        Ok(generation) => Response::Done {
            prompt_tokens: generation.prompt_tokens as u64,
            completion_tokens: generation.completion_tokens as u64,
            ending: match generation.finish {
                Finish::Stop => Ending::Stop,
                Finish::Length => Ending::Length,
                Finish::Cancelled => Ending::Cancelled,
            },
        },
        Err(error) => failure(error),
    };
    protocol::send(out, &done)
}

fn failure(error: LlamaError) -> Response {
    let kind = match error {
        LlamaError::PromptTooLong { .. } | LlamaError::NoTemplate | LlamaError::Template(_) => {
            FailureKind::Request
        }
        _ => FailureKind::Internal,
    };
    Response::Failed {
        kind,
        message: error.to_string(),
    }
}
