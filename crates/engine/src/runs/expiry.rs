//! A run waiting for tool outputs expires when nobody answers in time.

use std::time::Duration;

use hearth_wire::{Run, RunStatus};

use super::ending::{Ending, close};
use crate::engine::Engine;
use crate::error::EngineError;

/// Expires `run` after `timeout` unless it has left `requires_action` (outputs arrived, cancelled)
/// or started waiting again since (a newer `expires_at`).
pub(crate) fn watch(engine: Engine, run: Run, timeout: Duration) {
    tokio::spawn(async move {
        tokio::time::sleep(timeout).await;
        if let Err(error) = expire_if_still_waiting(&engine, &run) {
            log::error!("run {} could not be expired: {error}", run.id);
        }
    });
}

pub(crate) fn expire_if_still_waiting(engine: &Engine, run: &Run) -> Result<(), EngineError> {
    engine.store().transaction(|tx| {
        let Some(mut current) = tx.get_run(&run.thread_id, &run.id)? else {
            return Ok(());
        };
        if current.status != RunStatus::RequiresAction || current.expires_at != run.expires_at {
            return Ok(());
        }
        close(tx, &mut current, Ending::Expired)?;
        Ok::<_, EngineError>(())
    })
}
