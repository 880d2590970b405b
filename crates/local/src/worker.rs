//! The provider's thread that hands answers to the worker process one at a time.
//!
//! One model is loaded at a time (in the worker process) and shared by every request; requests
//! queue in arrival order, so two runs never interleave their text and never compete for the CPU.
//! The worker stays up between runs, its model loaded; after the idle time it is stopped to give
//! the memory back. A worker that dies fails the run it was serving, naming the model file, and
//! the next request starts a fresh one.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use hearth_engine::providers::{ChatEvent, FinishReason, ProviderError};
use tokio::sync::mpsc::UnboundedSender;

use crate::llama::Settings;
use crate::process::{Next, WorkerCommand, WorkerProcess};
use crate::protocol::{Ending, FailureKind, Request, Response, Turn};

/// How often a waiting answer checks whether its run was cancelled.
const POLL: Duration = Duration::from_millis(20);
/// How long a cancelled answer may take to stop before its worker is killed.
const CANCEL_GRACE: Duration = Duration::from_secs(5);

/// One answer to generate.
pub(crate) struct Job {
    /// The model file, already resolved from the request's model id.
    pub path: PathBuf,
    pub turns: Vec<Turn>,
    pub settings: Settings,
    /// Where the answer goes; closed when the consumer dropped the stream.
    pub events: UnboundedSender<Result<ChatEvent, ProviderError>>,
}

/// Serves jobs until every sender is gone. `pid` shows the running worker's id (0: none).
pub(crate) fn run(jobs: Receiver<Job>, idle: Duration, command: WorkerCommand, pid: &AtomicU32) {
    let mut process: Option<WorkerProcess> = None;
    let mut answers = 0u64;
    loop {
        pid.store(
            process.as_ref().map_or(0, WorkerProcess::id),
            Ordering::SeqCst,
        );
        let job = if process.is_some() {
            match jobs.recv_timeout(idle) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(idle) = process.take() {
                        log::info!("stopped the idle local model worker (pid {})", idle.id());
                        idle.stop();
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match jobs.recv() {
                Ok(job) => job,
                Err(_) => break,
            }
        };
        // A run cancelled while it waited in the queue costs nothing.
        if job.events.is_closed() {
            continue;
        }
        answers += 1;
        if let Err(error) = answer(&mut process, &command, &job, answers, pid) {
            let _ = job.events.send(Err(error));
        }
    }
    if let Some(process) = process {
        process.stop();
    }
}

/// Why an answer did not complete.
enum Trouble {
    /// The worker reported a failure and goes on serving.
    Failed(ProviderError),
    /// The worker died.
    Gone,
    /// The run was cancelled while the worker was busy with something that cannot be stopped
    /// (loading a model) or did not stop in time; the worker has to go.
    Abandoned,
}

fn answer(
    slot: &mut Option<WorkerProcess>,
    command: &WorkerCommand,
    job: &Job,
    id: u64,
    pid: &AtomicU32,
) -> Result<(), ProviderError> {
    let process = match slot {
        Some(process) => process,
        None => {
            let started = WorkerProcess::start(command).map_err(|e| ProviderError::Server {
                status: 500,
                message: format!("the local model worker could not be started: {e}"),
            })?;
            pid.store(started.id(), Ordering::SeqCst);
            slot.insert(started)
        }
    };
    let outcome = load(process, job).and_then(|()| generate(process, job, id));
    match outcome {
        Ok(()) => Ok(()),
        Err(Trouble::Failed(error)) => Err(error),
        Err(Trouble::Abandoned) => {
            if let Some(mut process) = slot.take() {
                process.kill();
            }
            Ok(())
        }
        Err(Trouble::Gone) => {
            let Some(mut process) = slot.take() else {
                unreachable!("the process was in the slot just above")
            };
            let ending = process.ending();
            log::warn!(
                "the local model worker (pid {}) stopped while serving {}: {ending}",
                process.id(),
                job.path.display()
            );
            Err(ProviderError::Server {
                status: 500,
                message: format!(
                    "the local model '{}' stopped unexpectedly ({ending}); the model file may be damaged. The next run starts it afresh",
                    file_name(&job.path)
                ),
            })
        }
    }
}

/// Makes sure the worker has the job's model loaded.
fn load(process: &mut WorkerProcess, job: &Job) -> Result<(), Trouble> {
    if process.loaded.as_deref() == Some(job.path.as_path()) {
        return Ok(());
    }
    process.loaded = None;
    process
        .send(&Request::Load {
            path: job.path.clone(),
        })
        .map_err(|_| Trouble::Gone)?;
    loop {
        match process.next(POLL) {
            Next::Response(Response::Loaded) => {
                process.loaded = Some(job.path.clone());
                return Ok(());
            }
            Next::Response(Response::Failed { kind, message }) => {
                return Err(Trouble::Failed(provider_error(kind, message)));
            }
            Next::Response(other) => {
                log::warn!("the local model worker answered a load with {other:?}");
            }
            // A file that keeps llama.cpp busy forever must not hold every later run: a cancel
            // ends the worker.
            Next::Waiting if job.events.is_closed() => return Err(Trouble::Abandoned),
            Next::Waiting => {}
            Next::Gone => return Err(Trouble::Gone),
        }
    }
}

/// Has the worker generate the answer, passing its text on as it comes.
fn generate(process: &mut WorkerProcess, job: &Job, id: u64) -> Result<(), Trouble> {
    process
        .send(&Request::Generate {
            id,
            turns: job.turns.clone(),
            settings: job.settings.clone(),
        })
        .map_err(|_| Trouble::Gone)?;
    let mut cancelled_at: Option<Instant> = None;
    loop {
        if cancelled_at.is_none() && job.events.is_closed() {
            process
                .send(&Request::Cancel { id })
                .map_err(|_| Trouble::Gone)?;
            cancelled_at = Some(Instant::now());
        }
        if cancelled_at.is_some_and(|at| at.elapsed() > CANCEL_GRACE) {
            return Err(Trouble::Abandoned);
        }
        match process.next(POLL) {
            Next::Response(Response::Text { text }) => {
                // A closed stream is noticed at the top of the loop.
                let _ = job.events.send(Ok(ChatEvent::TextDelta(text)));
            }
            Next::Response(Response::Done {
                prompt_tokens,
                completion_tokens,
                ending,
            }) => {
                let reason = match ending {
                    Ending::Stop => FinishReason::Stop,
                    Ending::Length => FinishReason::Length,
                    Ending::Cancelled => return Ok(()),
                };
                let _ = job.events.send(Ok(ChatEvent::Usage {
                    prompt_tokens,
                    completion_tokens,
                }));
                let _ = job.events.send(Ok(ChatEvent::Finished { reason }));
                return Ok(());
            }
            Next::Response(Response::Failed { kind, message }) => {
                return Err(Trouble::Failed(provider_error(kind, message)));
            }
            Next::Response(Response::Loaded) => {
                log::warn!("the local model worker sent an unasked 'loaded'");
            }
            Next::Waiting => {}
            Next::Gone => return Err(Trouble::Gone),
        }
    }
}

fn provider_error(kind: FailureKind, message: String) -> ProviderError {
    match kind {
        FailureKind::Unusable => ProviderError::Config(message),
        FailureKind::Request => ProviderError::BadRequest {
            status: 400,
            message,
        },
        FailureKind::Internal => ProviderError::Server {
            status: 500,
            message,
        },
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}
