//! A remote run's event stream, passed through to the app while the objects it carries (messages,
//! the run, its steps) are written into the mirror, so a run watched online can be read offline.

use futures_util::StreamExt;
use hearth_client::EventStream;
use hearth_store::Store;
use hearth_wire::StreamEvent;

use super::link::Link;
use super::mirror::remember;
use crate::backend::RunEvents;

/// The events of `events`, each mirrored before it is passed on. Deltas pass unchanged and are
/// not stored: the snapshot events that follow them carry the whole object. The stream ends after
/// the first error, as the app's streams do.
pub(super) fn mirrored(events: EventStream, mirror: Store, link: Link) -> RunEvents {
    futures_util::stream::unfold(Some((events, mirror, link)), |state| async move {
        let (mut events, mirror, link) = state?;
        match events.next().await? {
            Ok(event) => {
                link.reached();
                keep(&mirror, &event);
                Some((Ok(event), Some((events, mirror, link))))
            }
            Err(error) => Some((Err(link.fail("streaming the run", error)), None)),
        }
    })
    .boxed()
}

/// Writes the object an event carries into the mirror.
fn keep(mirror: &Store, event: &StreamEvent) {
    match event {
        StreamEvent::ThreadCreated(thread) => remember("a thread", mirror.put_thread(thread)),
        StreamEvent::MessageCreated(message)
        | StreamEvent::MessageInProgress(message)
        | StreamEvent::MessageCompleted(message)
        | StreamEvent::MessageIncomplete(message) => {
            remember("a message", mirror.put_message(message));
        }
        StreamEvent::RunCreated(run)
        | StreamEvent::RunQueued(run)
        | StreamEvent::RunInProgress(run)
        | StreamEvent::RunRequiresAction(run)
        | StreamEvent::RunCompleted(run)
        | StreamEvent::RunIncomplete(run)
        | StreamEvent::RunFailed(run)
        | StreamEvent::RunCancelling(run)
        | StreamEvent::RunCancelled(run)
        | StreamEvent::RunExpired(run) => remember("a run", mirror.put_run(run)),
        StreamEvent::RunStepCreated(step)
        | StreamEvent::RunStepInProgress(step)
        | StreamEvent::RunStepCompleted(step)
        | StreamEvent::RunStepFailed(step)
        | StreamEvent::RunStepCancelled(step)
        | StreamEvent::RunStepExpired(step) => remember("a run step", mirror.put_run_step(step)),
        StreamEvent::MessageDelta(_)
        | StreamEvent::RunStepDelta(_)
        | StreamEvent::Error(_)
        | StreamEvent::Done
        | StreamEvent::Unknown { .. } => {}
    }
}
