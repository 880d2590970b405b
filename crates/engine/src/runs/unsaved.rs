//! Streamed text and tool-call arguments are saved in batches, not per delta: a commit per token
//! cost more than everything else a run does for that token, and held the database's one
//! connection once per token for every run streaming at once.
//!
//! A batch is written when it holds [`SaveBatch::deltas`] deltas or its oldest delta is
//! [`SaveBatch::age`] old, whichever comes first, and always inside the next other commit of the
//! run (a step that opens or closes, the run's end), so a reader of the database never sees a run
//! end with its text short. Events go to the stream at once, and the stream does not wait for a
//! batch to be written (under load the database may be busy with other runs' commits) unless the
//! next batch is full before it: one batch is written at a time. What a killed process loses is
//! at most the batch being written and the one after it: twice [`SaveBatch::deltas`] deltas.

use std::time::Duration;

use hearth_store::{StoreError, Tx};
use hearth_wire::{Message, RunStep};
use tokio::time::Instant;

/// How much streamed output may wait unsaved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaveBatch {
    /// Deltas (text fragments, argument fragments) at most in one batch.
    pub deltas: usize,
    /// Time at most between a delta and the commit that saves it.
    pub age: Duration,
}

impl Default for SaveBatch {
    /// 64 deltas or 200 ms: a fast model's few dozen tokens, a slow one's one or two.
    fn default() -> Self {
        Self {
            deltas: 64,
            age: Duration::from_millis(200),
        }
    }
}

/// Which of the executor's open objects changed since they were last saved.
#[derive(Debug, Default)]
pub(super) struct Unsaved {
    message: bool,
    tool_step: bool,
    deltas: usize,
    oldest: Option<Instant>,
}

impl Unsaved {
    pub(super) fn message_changed(&mut self) {
        self.message = true;
        self.count();
    }

    pub(super) fn tool_step_changed(&mut self) {
        self.tool_step = true;
        self.count();
    }

    fn count(&mut self) {
        self.deltas += 1;
        self.oldest.get_or_insert_with(Instant::now);
    }

    /// Whether the batch is full and should be written before the next delta is taken.
    pub(super) fn is_full(&self, batch: SaveBatch) -> bool {
        self.deltas >= batch.deltas
    }

    /// When the batch must be written at the latest; `None` while nothing waits.
    pub(super) fn deadline(&self, batch: SaveBatch) -> Option<Instant> {
        self.oldest.map(|oldest| oldest + batch.age)
    }

    /// Copies what changed out of the open `message` and `tool_step`, to be written, and starts
    /// a new batch.
    pub(super) fn take(
        &mut self,
        message: Option<&Message>,
        tool_step: Option<&RunStep>,
    ) -> Pending {
        let pending = Pending {
            message: message.filter(|_| self.message).cloned(),
            tool_step: tool_step.filter(|_| self.tool_step).cloned(),
        };
        *self = Self::default();
        pending
    }
}

/// A batch taken out of [`Unsaved`], written by the next commit.
#[derive(Debug, Default)]
pub(super) struct Pending {
    message: Option<Message>,
    tool_step: Option<RunStep>,
}

impl Pending {
    pub(super) fn is_empty(&self) -> bool {
        self.message.is_none() && self.tool_step.is_none()
    }

    pub(super) fn write(&self, tx: &Tx<'_>) -> Result<(), StoreError> {
        if let Some(message) = &self.message {
            tx.update_message(message)?;
        }
        if let Some(step) = &self.tool_step {
            tx.update_run_step(step)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_is_due_by_count_or_by_the_age_of_its_oldest_delta() {
        let batch = SaveBatch {
            deltas: 3,
            age: Duration::from_millis(200),
        };
        let mut unsaved = Unsaved::default();
        assert_eq!(unsaved.deadline(batch), None, "nothing waits");
        let before = Instant::now();
        unsaved.message_changed();
        let after = Instant::now();
        std::thread::sleep(Duration::from_millis(5));
        unsaved.tool_step_changed();
        let deadline = unsaved.deadline(batch).expect("two deltas wait");
        assert!(
            deadline >= before + batch.age && deadline <= after + batch.age,
            "the oldest delta sets the deadline"
        );
        assert!(!unsaved.is_full(batch));
        unsaved.message_changed();
        assert!(unsaved.is_full(batch));
        let pending = unsaved.take(None, None);
        assert!(pending.is_empty(), "no open objects, nothing to write");
        assert_eq!(unsaved.deadline(batch), None, "a new batch starts empty");
        assert!(!unsaved.is_full(batch));
    }
}
