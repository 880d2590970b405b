//! Threads: their table and operations. Deleting a thread deletes its messages, runs and steps.

use hearth_wire::Thread;
use rusqlite::params;

use crate::error::Result;
use crate::rows::{self, Columns, Write};
use crate::store::{Tx, delegate};

/// Version-1 schema of the `threads` table. The API has no thread list, but the app's sidebar
/// does, so threads are indexed by time too.
pub(crate) const CREATE: &str = "
CREATE TABLE threads (
    id TEXT PRIMARY KEY NOT NULL,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL
) STRICT;
CREATE INDEX threads_by_time ON threads (created_at);
";

/// The columns a thread's row is written with; `write_thread` binds them in this order.
const COLUMNS: Columns = Columns {
    table: "threads",
    names: &["id", "created_at", "body"],
};

impl Tx<'_> {
    /// Stores a new thread; fails if its id exists.
    pub fn insert_thread(&self, thread: &Thread) -> Result<()> {
        self.write_thread(Write::Insert, thread)
    }

    /// Writes a thread's row (see [`COLUMNS`]).
    pub(crate) fn write_thread(&self, write: Write, thread: &Thread) -> Result<()> {
        self.conn
            .prepare_cached(&COLUMNS.sql(write))?
            .execute(params![thread.id, thread.created_at, rows::json(thread)?])?;
        Ok(())
    }

    /// The thread with `id`, if any.
    pub fn get_thread(&self, id: &str) -> Result<Option<Thread>> {
        rows::get(self, "threads", &[("id", id)])
    }

    /// Replaces a stored thread; `false` if there was none with its id.
    pub fn update_thread(&self, thread: &Thread) -> Result<bool> {
        let changed = self
            .conn
            .prepare_cached("UPDATE threads SET created_at = ?2, body = ?3 WHERE id = ?1")?
            .execute(params![thread.id, thread.created_at, rows::json(thread)?])?;
        Ok(changed > 0)
    }

    /// Deletes a thread with its messages, runs and run steps; `false` if there was none.
    pub fn delete_thread(&self, id: &str) -> Result<bool> {
        rows::delete(self, "threads", &[("id", id)])
    }

    /// A page of threads (not an API list; for the app's thread browser).
    pub fn list_threads(&self, query: &hearth_wire::ListQuery) -> Result<crate::Page<Thread>> {
        crate::page::Listing::new("threads", query).fetch(self, |t: &Thread| &t.id)
    }
}

delegate! {
    /// Stores a new thread; fails if its id exists.
    write fn insert_thread(&self, thread: &Thread) -> ();
    /// The thread with `id`, if any.
    read fn get_thread(&self, id: &str) -> Option<Thread>;
    /// Replaces a stored thread; `false` if there was none with its id.
    write fn update_thread(&self, thread: &Thread) -> bool;
    /// Deletes a thread with its messages, runs and run steps; `false` if there was none.
    write fn delete_thread(&self, id: &str) -> bool;
    /// A page of threads (not an API list; for the app's thread browser).
    read fn list_threads(&self, query: &hearth_wire::ListQuery) -> crate::Page<Thread>;
}
