//! Runs: their table, operations and the lifecycle queries the engine needs (the one active run
//! of a thread; runs a crash left unfinished).

use hearth_wire::{ListQuery, Run};
use rusqlite::{OptionalExtension, params};

use crate::error::Result;
use crate::page::{Listing, Page};
use crate::rows::{self, Columns, Write};
use crate::store::{Tx, delegate};

/// Version-1 schema of the `runs` table. `assistant_id` has no foreign key: the API lets an
/// assistant be deleted while its runs remain.
pub(crate) const CREATE: &str = "
CREATE TABLE runs (
    id TEXT PRIMARY KEY NOT NULL,
    thread_id TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    assistant_id TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL
) STRICT;
CREATE INDEX runs_by_thread ON runs (thread_id, created_at);
CREATE INDEX runs_by_status ON runs (status);
";

/// Statuses in which a run still holds its thread: it may still change, and it blocks new
/// messages and runs. Unknown statuses count as finished, so they never lock a thread forever.
const ACTIVE: &str = "('queued', 'in_progress', 'requires_action', 'cancelling')";

/// The columns a run's row is written with; `write_run` binds them in this order.
const COLUMNS: Columns = Columns {
    table: "runs",
    names: &[
        "id",
        "thread_id",
        "assistant_id",
        "status",
        "created_at",
        "body",
    ],
};

impl Tx<'_> {
    /// Stores a new run; fails if its id exists or its thread does not.
    pub fn insert_run(&self, run: &Run) -> Result<()> {
        self.write_run(Write::Insert, run)
    }

    /// Writes a run's row (see [`COLUMNS`]).
    pub(crate) fn write_run(&self, write: Write, run: &Run) -> Result<()> {
        self.conn
            .prepare_cached(&COLUMNS.sql(write))?
            .execute(params![
                run.id,
                run.thread_id,
                run.assistant_id,
                run.status.as_str(),
                run.created_at,
                rows::json(run)?
            ])?;
        Ok(())
    }

    /// Run `id` of thread `thread_id`, if any.
    pub fn get_run(&self, thread_id: &str, id: &str) -> Result<Option<Run>> {
        rows::get(self, "runs", &[("thread_id", thread_id), ("id", id)])
    }

    /// Replaces a stored run (status, timestamps, usage …); `false` if there was none.
    pub fn update_run(&self, run: &Run) -> Result<bool> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE runs SET assistant_id = ?3, status = ?4, created_at = ?5, body = ?6
                 WHERE id = ?1 AND thread_id = ?2",
            )?
            .execute(params![
                run.id,
                run.thread_id,
                run.assistant_id,
                run.status.as_str(),
                run.created_at,
                rows::json(run)?
            ])?;
        Ok(changed > 0)
    }

    /// Deletes run `id` of thread `thread_id` with its steps; `false` if there was none. The API
    /// never deletes a single run; a mirror dropping what the server no longer has does.
    pub fn delete_run(&self, thread_id: &str, id: &str) -> Result<bool> {
        rows::delete(self, "runs", &[("thread_id", thread_id), ("id", id)])
    }

    /// A page of a thread's runs.
    pub fn list_runs(&self, thread_id: &str, query: &ListQuery) -> Result<Page<Run>> {
        Listing::new("runs", query)
            .parent("thread_id", thread_id)
            .fetch(self, |r: &Run| &r.id)
    }

    /// The thread's run in `queued`, `in_progress`, `requires_action` or `cancelling`, if any
    /// (the newest, should there ever be several).
    pub fn active_run(&self, thread_id: &str) -> Result<Option<Run>> {
        let sql = format!(
            "SELECT body FROM runs WHERE thread_id = ?1 AND status IN {ACTIVE}
             ORDER BY created_at DESC, rowid DESC LIMIT 1"
        );
        let body: Option<String> = self
            .conn
            .prepare_cached(&sql)?
            .query_row([thread_id], |row| row.get(0))
            .optional()?;
        Ok(body.map(|body| serde_json::from_str(&body)).transpose()?)
    }

    /// Every run, in any thread, still in an active status, oldest first: at start-up these are
    /// the runs a crash interrupted, to be closed as failed or expired.
    pub fn non_terminal_runs(&self) -> Result<Vec<Run>> {
        let sql =
            format!("SELECT body FROM runs WHERE status IN {ACTIVE} ORDER BY created_at, rowid");
        let bodies = self
            .conn
            .prepare_cached(&sql)?
            .query_map([], |row| row.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        rows::decode_all(bodies)
    }
}

delegate! {
    /// Stores a new run; fails if its id exists or its thread does not.
    write fn insert_run(&self, run: &Run) -> ();
    /// Run `id` of thread `thread_id`, if any.
    read fn get_run(&self, thread_id: &str, id: &str) -> Option<Run>;
    /// Replaces a stored run; `false` if there was none.
    write fn update_run(&self, run: &Run) -> bool;
    /// Deletes a run with its steps; `false` if there was none.
    write fn delete_run(&self, thread_id: &str, id: &str) -> bool;
    /// A page of a thread's runs.
    read fn list_runs(&self, thread_id: &str, query: &ListQuery) -> Page<Run>;
    /// The thread's queued, in-progress, requires-action or cancelling run, if any.
    read fn active_run(&self, thread_id: &str) -> Option<Run>;
    /// Every run still in an active status, oldest first (crash recovery at start-up).
    read fn non_terminal_runs(&self) -> Vec<Run>;
}
