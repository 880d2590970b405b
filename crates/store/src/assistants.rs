//! Assistants: their table and operations.

use hearth_wire::{Assistant, ListQuery};
use rusqlite::params;

use crate::error::Result;
use crate::page::{Listing, Page};
use crate::rows::{self, Columns, Write};
use crate::store::{Tx, delegate};

/// Version-1 schema of the `assistants` table.
pub(crate) const CREATE: &str = "
CREATE TABLE assistants (
    id TEXT PRIMARY KEY NOT NULL,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL
) STRICT;
CREATE INDEX assistants_by_time ON assistants (created_at);
";

/// The columns an assistant's row is written with; `write_assistant` binds them in this order.
const COLUMNS: Columns = Columns {
    table: "assistants",
    names: &["id", "created_at", "body"],
};

impl Tx<'_> {
    /// Stores a new assistant; fails if its id exists.
    pub fn insert_assistant(&self, assistant: &Assistant) -> Result<()> {
        self.write_assistant(Write::Insert, assistant)
    }

    /// Writes an assistant's row (see [`COLUMNS`]).
    pub(crate) fn write_assistant(&self, write: Write, assistant: &Assistant) -> Result<()> {
        self.conn
            .prepare_cached(&COLUMNS.sql(write))?
            .execute(params![
                assistant.id,
                assistant.created_at,
                rows::json(assistant)?
            ])?;
        Ok(())
    }

    /// The assistant with `id`, if any.
    pub fn get_assistant(&self, id: &str) -> Result<Option<Assistant>> {
        rows::get(self, "assistants", &[("id", id)])
    }

    /// Replaces a stored assistant; `false` if there was none with its id.
    pub fn update_assistant(&self, assistant: &Assistant) -> Result<bool> {
        let changed = self
            .conn
            .prepare_cached("UPDATE assistants SET created_at = ?2, body = ?3 WHERE id = ?1")?
            .execute(params![
                assistant.id,
                assistant.created_at,
                rows::json(assistant)?
            ])?;
        Ok(changed > 0)
    }

    /// Deletes an assistant; `false` if there was none. Its threads and runs stay, as in the API.
    pub fn delete_assistant(&self, id: &str) -> Result<bool> {
        rows::delete(self, "assistants", &[("id", id)])
    }

    /// A page of assistants.
    pub fn list_assistants(&self, query: &ListQuery) -> Result<Page<Assistant>> {
        Listing::new("assistants", query).fetch(self, |a: &Assistant| &a.id)
    }
}

delegate! {
    /// Stores a new assistant; fails if its id exists.
    write fn insert_assistant(&self, assistant: &Assistant) -> ();
    /// The assistant with `id`, if any.
    read fn get_assistant(&self, id: &str) -> Option<Assistant>;
    /// Replaces a stored assistant; `false` if there was none with its id.
    write fn update_assistant(&self, assistant: &Assistant) -> bool;
    /// Deletes an assistant; `false` if there was none.
    write fn delete_assistant(&self, id: &str) -> bool;
    /// A page of assistants.
    read fn list_assistants(&self, query: &ListQuery) -> Page<Assistant>;
}
