//! Ending a run: the run, its unfinished message and its unfinished steps change together, in one
//! transaction, and the caller sends the returned events only after it committed.

use hearth_store::Tx;
use hearth_wire::{
    Message, MessageIncompleteDetails, MessageIncompleteReason, MessageStatus, Run,
    RunIncompleteDetails, RunIncompleteReason, RunLastError, RunStatus, RunStep, RunStepErrorCode,
    RunStepLastError, RunStepStatus, StreamEvent,
};

use crate::engine::now;
use crate::error::EngineResult;

/// How a run ends.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ending {
    Completed,
    /// Stopped early; `None` when the model stopped for its own reasons (its output limit).
    Incomplete(Option<RunIncompleteReason>),
    Failed(RunLastError),
    Cancelled,
    Expired,
}

/// Moves `run` and everything it left unfinished to `ending`; returns the events that tell it, in
/// the order the SDKs expect (message, then steps, then the run).
pub(crate) fn close(tx: &Tx<'_>, run: &mut Run, ending: Ending) -> EngineResult<Vec<StreamEvent>> {
    let at = now();
    // Whatever failed, a URL quoted in the message keeps its user info and query out of the
    // database, the events and the window.
    let ending = match ending {
        Ending::Failed(mut error) => {
            error.message = hearth_http::redact_urls_in(&error.message);
            Ending::Failed(error)
        }
        other => other,
    };
    let mut events = Vec::new();

    for mut message in tx.thread_messages(&run.thread_id)? {
        if message.run_id.as_deref() != Some(run.id.as_str())
            || message.status != MessageStatus::InProgress
        {
            continue;
        }
        close_message(&mut message, &ending, at);
        tx.update_message(&message)?;
        events.push(StreamEvent::for_message(message));
    }

    for mut step in tx.run_steps(&run.id)? {
        if step.status != RunStepStatus::InProgress {
            continue;
        }
        close_step(&mut step, &ending, at);
        tx.update_run_step(&step)?;
        events.push(StreamEvent::for_step(step));
    }

    run.required_action = None;
    run.expires_at = None;
    match ending {
        Ending::Completed => {
            run.status = RunStatus::Completed;
            run.completed_at = Some(at);
        }
        Ending::Incomplete(reason) => {
            run.status = RunStatus::Incomplete;
            run.incomplete_details = Some(RunIncompleteDetails { reason });
        }
        Ending::Failed(error) => {
            run.status = RunStatus::Failed;
            run.failed_at = Some(at);
            run.last_error = Some(error);
        }
        Ending::Cancelled => {
            run.status = RunStatus::Cancelled;
            run.cancelled_at = Some(at);
        }
        Ending::Expired => run.status = RunStatus::Expired,
    }
    tx.update_run(run)?;
    events.push(StreamEvent::for_run(run.clone()));
    Ok(events)
}

fn close_message(message: &mut Message, ending: &Ending, at: i64) {
    let reason = match ending {
        Ending::Completed => None,
        Ending::Incomplete(_) => Some(MessageIncompleteReason::MaxTokens),
        Ending::Failed(_) => Some(MessageIncompleteReason::RunFailed),
        Ending::Cancelled => Some(MessageIncompleteReason::RunCancelled),
        Ending::Expired => Some(MessageIncompleteReason::RunExpired),
    };
    match reason {
        None => {
            message.status = MessageStatus::Completed;
            message.completed_at = Some(at);
        }
        Some(reason) => {
            message.status = MessageStatus::Incomplete;
            message.incomplete_at = Some(at);
            message.incomplete_details = Some(MessageIncompleteDetails { reason });
        }
    }
}

fn close_step(step: &mut RunStep, ending: &Ending, at: i64) {
    match ending {
        Ending::Completed | Ending::Incomplete(_) => {
            step.status = RunStepStatus::Completed;
            step.completed_at = Some(at);
        }
        Ending::Failed(error) => {
            step.status = RunStepStatus::Failed;
            step.failed_at = Some(at);
            step.last_error = Some(RunStepLastError {
                code: match error.code {
                    hearth_wire::RunErrorCode::RateLimitExceeded => {
                        RunStepErrorCode::RateLimitExceeded
                    }
                    _ => RunStepErrorCode::ServerError,
                },
                message: error.message.clone(),
            });
        }
        Ending::Cancelled => {
            step.status = RunStepStatus::Cancelled;
            step.cancelled_at = Some(at);
        }
        Ending::Expired => {
            step.status = RunStepStatus::Expired;
            step.expired_at = Some(at);
        }
    }
}
