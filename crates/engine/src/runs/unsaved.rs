//! Streamed text and tool-call arguments are saved in batches, not per delta: a commit per token
//! cost more than everything else a run does for that token, and held the database's one
//! connection once per token for every run streaming at once.
//!
//! A [`SaveBatch`] is how much may be unsaved at any moment: what a killed process loses is at
//! most one batch, [`SaveBatch::deltas`] deltas. Events go to the stream at once, and the stream
//! does not wait for the database (under load it may be busy with other runs' commits): a write
//! starts in the background when half a batch waits (or its oldest delta is half of
//! [`SaveBatch::age`] old), and the next half streams while it is written. Only when a whole batch
//! would be unsaved does the stream wait for that write. One write runs at a time, and whatever
//! waits is always written inside the run's next other commit (a step that opens or closes, the
//! run's end), so a reader of the database never sees a run end with its text short.

use std::time::Duration;

use hearth_store::{StoreError, Tx};
use hearth_wire::{Message, RunStep};
use tokio::time::Instant;

/// How much streamed output may be unsaved at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SaveBatch {
    /// Deltas (text fragments, argument fragments) at most unsaved.
    pub deltas: usize,
    /// Time at most between a delta and the start of the write that saves it, while the
    /// database keeps up (a write in progress is waited for, not doubled).
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

impl SaveBatch {
    /// Deltas waiting that start a write: half a batch, so the other half can stream meanwhile.
    fn half(self) -> usize {
        (self.deltas / 2).max(1)
    }
}

/// Which of the executor's open objects changed since they were last handed to a write, and how
/// many deltas are not saved yet.
#[derive(Debug, Default)]
pub(super) struct Unsaved {
    message: bool,
    tool_step: bool,
    /// Deltas not handed to a write yet.
    deltas: usize,
    oldest: Option<Instant>,
    /// Deltas of the write in progress, until it ends.
    writing: usize,
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

    /// Whether a whole batch is unsaved: the write in progress must end, and what waits be
    /// handed to the next, before another delta is taken.
    pub(super) fn is_full(&self, batch: SaveBatch) -> bool {
        self.writing + self.deltas >= batch.deltas
    }

    /// Whether enough waits to start a write in the background; never while one is in progress.
    pub(super) fn is_due(&self, batch: SaveBatch) -> bool {
        self.writing == 0 && self.deltas >= batch.half()
    }

    /// When a write must start at the latest; `None` while nothing waits.
    pub(super) fn deadline(&self, batch: SaveBatch) -> Option<Instant> {
        self.oldest.map(|oldest| oldest + batch.age / 2)
    }

    /// Copies what changed out of the open `message` and `tool_step`, to be written inside a
    /// commit the caller makes and waits for, and starts counting afresh.
    pub(super) fn take(
        &mut self,
        message: Option<&Message>,
        tool_step: Option<&RunStep>,
    ) -> Pending {
        let pending = Pending {
            message: message.filter(|_| self.message).cloned(),
            tool_step: tool_step.filter(|_| self.tool_step).cloned(),
        };
        *self = Self {
            writing: self.writing,
            ..Self::default()
        };
        pending
    }

    /// Like [`Unsaved::take`], for a write that runs in the background: its deltas count as
    /// unsaved until [`Unsaved::written`].
    pub(super) fn take_for_writing(
        &mut self,
        message: Option<&Message>,
        tool_step: Option<&RunStep>,
    ) -> Pending {
        debug_assert_eq!(self.writing, 0, "one write at a time");
        let deltas = self.deltas;
        let pending = self.take(message, tool_step);
        if !pending.is_empty() {
            self.writing = deltas;
        }
        pending
    }

    /// The write in progress ended (saved, or failed and the run with it).
    pub(super) fn written(&mut self) {
        self.writing = 0;
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

    fn batch() -> SaveBatch {
        SaveBatch {
            deltas: 4,
            age: Duration::from_millis(200),
        }
    }

    #[test]
    fn a_write_is_due_at_half_a_batch_or_half_its_age() {
        let batch = batch();
        let mut unsaved = Unsaved::default();
        assert_eq!(unsaved.deadline(batch), None, "nothing waits");
        let before = Instant::now();
        unsaved.message_changed();
        let after = Instant::now();
        std::thread::sleep(Duration::from_millis(5));
        assert!(!unsaved.is_due(batch));
        unsaved.tool_step_changed();
        let deadline = unsaved.deadline(batch).expect("two deltas wait");
        assert!(
            deadline >= before + batch.age / 2 && deadline <= after + batch.age / 2,
            "the oldest delta sets the deadline"
        );
        assert!(unsaved.is_due(batch), "half the batch waits");
        assert!(!unsaved.is_full(batch));
        let pending = unsaved.take(None, None);
        assert!(pending.is_empty(), "no open objects, nothing to write");
        assert_eq!(unsaved.deadline(batch), None, "counting starts afresh");
        assert!(!unsaved.is_due(batch));
    }

    #[test]
    fn a_write_in_progress_counts_until_it_ends_so_at_most_one_batch_is_unsaved() {
        let batch = batch();
        let (message, step) = (None::<&Message>, None::<&RunStep>);
        let mut unsaved = Unsaved::default();
        unsaved.message_changed();
        unsaved.message_changed();
        // With nothing open there is nothing to write, and nothing counts as being written.
        assert!(unsaved.take_for_writing(message, step).is_empty());
        assert!(!unsaved.is_full(batch));

        unsaved.writing = 2; // as after handing two deltas of an open message to a write
        unsaved.message_changed();
        assert!(!unsaved.is_due(batch), "one write at a time");
        assert!(!unsaved.is_full(batch), "three of four unsaved");
        unsaved.message_changed();
        assert!(
            unsaved.is_full(batch),
            "the write in progress and two more: a whole batch"
        );
        unsaved.written();
        assert!(!unsaved.is_full(batch));
        assert!(
            unsaved.is_due(batch),
            "what waits is handed to the next write"
        );
    }
}
