//! What a streamed run sends the window: the Assistants v2 stream events it uses, a failure in the
//! same `{code, message}` shape as every other, and the end.

use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use hearth_wire::{Message, MessageDelta, Run, RunStep, RunStepDelta, StreamEvent};
use serde::Serialize;

use crate::backend::RunEvents;
use crate::error::{AppError, ErrorCode};

/// One event of a run as the window receives it: `{event, data}` with the v2 event names.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", content = "data")]
pub enum RunEvent {
    /// `thread.run.created`
    #[serde(rename = "thread.run.created")]
    RunCreated(Run),
    /// `thread.run.queued`
    #[serde(rename = "thread.run.queued")]
    RunQueued(Run),
    /// `thread.run.in_progress`
    #[serde(rename = "thread.run.in_progress")]
    RunInProgress(Run),
    /// `thread.run.requires_action`: the run waits for function outputs.
    #[serde(rename = "thread.run.requires_action")]
    RunRequiresAction(Run),
    /// `thread.run.completed`
    #[serde(rename = "thread.run.completed")]
    RunCompleted(Run),
    /// `thread.run.incomplete`
    #[serde(rename = "thread.run.incomplete")]
    RunIncomplete(Run),
    /// `thread.run.failed`
    #[serde(rename = "thread.run.failed")]
    RunFailed(Run),
    /// `thread.run.cancelling`
    #[serde(rename = "thread.run.cancelling")]
    RunCancelling(Run),
    /// `thread.run.cancelled`
    #[serde(rename = "thread.run.cancelled")]
    RunCancelled(Run),
    /// `thread.run.expired`
    #[serde(rename = "thread.run.expired")]
    RunExpired(Run),
    /// `thread.run.step.created`
    #[serde(rename = "thread.run.step.created")]
    StepCreated(RunStep),
    /// `thread.run.step.in_progress`
    #[serde(rename = "thread.run.step.in_progress")]
    StepInProgress(RunStep),
    /// `thread.run.step.delta`: function call arguments as the model writes them.
    #[serde(rename = "thread.run.step.delta")]
    StepDelta(RunStepDelta),
    /// `thread.run.step.completed`
    #[serde(rename = "thread.run.step.completed")]
    StepCompleted(RunStep),
    /// `thread.run.step.failed`
    #[serde(rename = "thread.run.step.failed")]
    StepFailed(RunStep),
    /// `thread.run.step.cancelled`
    #[serde(rename = "thread.run.step.cancelled")]
    StepCancelled(RunStep),
    /// `thread.run.step.expired`
    #[serde(rename = "thread.run.step.expired")]
    StepExpired(RunStep),
    /// `thread.message.created`
    #[serde(rename = "thread.message.created")]
    MessageCreated(Message),
    /// `thread.message.in_progress`
    #[serde(rename = "thread.message.in_progress")]
    MessageInProgress(Message),
    /// `thread.message.delta`: content parts as the model writes them, by index.
    #[serde(rename = "thread.message.delta")]
    MessageDelta(MessageDelta),
    /// `thread.message.completed`
    #[serde(rename = "thread.message.completed")]
    MessageCompleted(Message),
    /// `thread.message.incomplete`
    #[serde(rename = "thread.message.incomplete")]
    MessageIncomplete(Message),
    /// The stream failed; the run's own state is in the store.
    #[serde(rename = "error")]
    Error(AppError),
    /// The stream ended.
    #[serde(rename = "done")]
    Done,
}

impl RunEvent {
    /// The window's form of a stream event; `None` for events it has no use for (a thread created
    /// by create-and-run, names a newer server sends).
    pub fn from_stream(event: StreamEvent) -> Option<Self> {
        use StreamEvent as S;
        Some(match event {
            S::RunCreated(run) => Self::RunCreated(run),
            S::RunQueued(run) => Self::RunQueued(run),
            S::RunInProgress(run) => Self::RunInProgress(run),
            S::RunRequiresAction(run) => Self::RunRequiresAction(run),
            S::RunCompleted(run) => Self::RunCompleted(run),
            S::RunIncomplete(run) => Self::RunIncomplete(run),
            S::RunFailed(run) => Self::RunFailed(run),
            S::RunCancelling(run) => Self::RunCancelling(run),
            S::RunCancelled(run) => Self::RunCancelled(run),
            S::RunExpired(run) => Self::RunExpired(run),
            S::RunStepCreated(step) => Self::StepCreated(step),
            S::RunStepInProgress(step) => Self::StepInProgress(step),
            S::RunStepDelta(delta) => Self::StepDelta(delta),
            S::RunStepCompleted(step) => Self::StepCompleted(step),
            S::RunStepFailed(step) => Self::StepFailed(step),
            S::RunStepCancelled(step) => Self::StepCancelled(step),
            S::RunStepExpired(step) => Self::StepExpired(step),
            S::MessageCreated(message) => Self::MessageCreated(message),
            S::MessageInProgress(message) => Self::MessageInProgress(message),
            S::MessageDelta(delta) => Self::MessageDelta(delta),
            S::MessageCompleted(message) => Self::MessageCompleted(message),
            S::MessageIncomplete(message) => Self::MessageIncomplete(message),
            S::Error(error) => Self::Error(AppError {
                code: ErrorCode::Internal,
                message: error.message,
            }),
            S::Done => Self::Done,
            S::ThreadCreated(_) | S::Unknown { .. } => return None,
        })
    }

    /// Whether nothing follows this event.
    pub fn ends_stream(&self) -> bool {
        matches!(self, Self::Error(_) | Self::Done)
    }
}

/// A run's events in the window's form, ending with the first `error` or `done` (a stream that
/// stops without saying so gets a `done`).
pub fn for_window(events: RunEvents) -> BoxStream<'static, RunEvent> {
    futures_util::stream::unfold(Some(events), |events| async move {
        let mut events = events?;
        loop {
            let event = match events.next().await {
                None => RunEvent::Done,
                Some(Err(error)) => RunEvent::Error(AppError::from(error)),
                Some(Ok(event)) => match RunEvent::from_stream(event) {
                    Some(event) => event,
                    None => continue,
                },
            };
            let rest = (!event.ends_stream()).then_some(events);
            return Some((event, rest));
        }
    })
    .boxed()
}
