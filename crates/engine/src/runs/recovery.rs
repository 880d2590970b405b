//! Start-up after a crash: runs the last process left unfinished are closed, nothing is deleted.

use std::time::Duration;

use hearth_wire::{RunErrorCode, RunLastError, RunStatus};

use super::ending::{Ending, close};
use super::expiry;
use crate::engine::{Engine, now};
use crate::error::{EngineError, EngineResult};

/// Shown on runs that were executing when Hearth stopped.
pub const INTERRUPTED: &str = "Hearth stopped while this run was in progress. The partial answer was kept; start a new run to continue.";

impl Engine {
    /// Closes every run a previous process left unfinished; call once at start-up, before serving.
    /// Executing runs become `failed` (their partial message `incomplete`), runs being cancelled
    /// become `cancelled`, and runs waiting for tool outputs keep waiting until they expire.
    /// Files left being indexed are resumed. Returns how many runs were closed.
    pub fn recover(&self) -> EngineResult<usize> {
        let mut closed = 0;
        for run in self.store().non_terminal_runs()? {
            if run.status == RunStatus::RequiresAction {
                let remaining = run.expires_at.map_or(0, |at| at - now());
                if remaining <= 0 {
                    expiry::expire_if_still_waiting(self, &run)?;
                    closed += 1;
                } else {
                    expiry::watch(self.clone(), run, Duration::from_secs(remaining as u64));
                }
                continue;
            }
            let ending = if run.status == RunStatus::Cancelling {
                Ending::Cancelled
            } else {
                Ending::Failed(RunLastError {
                    code: RunErrorCode::ServerError,
                    message: INTERRUPTED.to_owned(),
                })
            };
            self.store().transaction(|tx| {
                let mut run = run.clone();
                close(tx, &mut run, ending)?;
                Ok::<_, EngineError>(())
            })?;
            log::warn!(
                "run {} was interrupted by a restart and is now closed",
                run.id
            );
            closed += 1;
        }
        self.resume_indexing()?;
        Ok(closed)
    }
}
