//! Run steps: their table and operations. Deleting a run or its thread deletes its steps.

use hearth_wire::{ListQuery, RunStep};
use rusqlite::params;

use crate::error::Result;
use crate::page::{Listing, Page};
use crate::rows::{self, Columns, Write};
use crate::store::{Tx, delegate};

/// Version-1 schema of the `run_steps` table.
pub(crate) const CREATE: &str = "
CREATE TABLE run_steps (
    id TEXT PRIMARY KEY NOT NULL,
    run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    thread_id TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL
) STRICT;
CREATE INDEX run_steps_by_run ON run_steps (run_id, created_at);
CREATE INDEX run_steps_by_thread ON run_steps (thread_id);
";

/// The columns a run step's row is written with; `write_run_step` binds them in this order.
const COLUMNS: Columns = Columns {
    table: "run_steps",
    names: &["id", "run_id", "thread_id", "status", "created_at", "body"],
};

impl Tx<'_> {
    /// Stores a new run step; fails if its id exists or its run does not.
    pub fn insert_run_step(&self, step: &RunStep) -> Result<()> {
        self.write_run_step(Write::Insert, step)
    }

    /// Writes a run step's row (see [`COLUMNS`]).
    pub(crate) fn write_run_step(&self, write: Write, step: &RunStep) -> Result<()> {
        self.conn
            .prepare_cached(&COLUMNS.sql(write))?
            .execute(params![
                step.id,
                step.run_id,
                step.thread_id,
                step.status.as_str(),
                step.created_at,
                rows::json(step)?
            ])?;
        Ok(())
    }

    /// Step `id` of run `run_id` in thread `thread_id`, if any.
    pub fn get_run_step(&self, thread_id: &str, run_id: &str, id: &str) -> Result<Option<RunStep>> {
        rows::get(
            self,
            "run_steps",
            &[("thread_id", thread_id), ("run_id", run_id), ("id", id)],
        )
    }

    /// Replaces a stored run step; `false` if there was none.
    pub fn update_run_step(&self, step: &RunStep) -> Result<bool> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE run_steps SET status = ?3, created_at = ?4, body = ?5
                 WHERE id = ?1 AND run_id = ?2",
            )?
            .execute(params![
                step.id,
                step.run_id,
                step.status.as_str(),
                step.created_at,
                rows::json(step)?
            ])?;
        Ok(changed > 0)
    }

    /// A page of a run's steps.
    pub fn list_run_steps(
        &self,
        thread_id: &str,
        run_id: &str,
        query: &ListQuery,
    ) -> Result<Page<RunStep>> {
        Listing::new("run_steps", query)
            .parent("thread_id", thread_id)
            .parent("run_id", run_id)
            .fetch(self, |s: &RunStep| &s.id)
    }

    /// Every step of a run, oldest first (for closing them with their run).
    pub fn run_steps(&self, run_id: &str) -> Result<Vec<RunStep>> {
        let bodies = self
            .conn
            .prepare_cached(
                "SELECT body FROM run_steps WHERE run_id = ?1 ORDER BY created_at, rowid",
            )?
            .query_map([run_id], |row| row.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        rows::decode_all(bodies)
    }
}

delegate! {
    /// Stores a new run step; fails if its id exists or its run does not.
    write fn insert_run_step(&self, step: &RunStep) -> ();
    /// Step `id` of run `run_id` in thread `thread_id`, if any.
    read fn get_run_step(&self, thread_id: &str, run_id: &str, id: &str) -> Option<RunStep>;
    /// Replaces a stored run step; `false` if there was none.
    write fn update_run_step(&self, step: &RunStep) -> bool;
    /// A page of a run's steps.
    read fn list_run_steps(&self, thread_id: &str, run_id: &str, query: &ListQuery) -> Page<RunStep>;
    /// Every step of a run, oldest first.
    read fn run_steps(&self, run_id: &str) -> Vec<RunStep>;
}
