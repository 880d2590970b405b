//! Messages: their table and operations. Content parts and attachments live in the stored JSON;
//! the text of the `text` parts is also kept in a `text` column, which the full-text index reads.

use hearth_wire::{ListQuery, Message, MessageContent, MessageStatus};
use rusqlite::params;

use crate::error::Result;
use crate::page::{Listing, Page};
use crate::rows::{self, Columns, Write};
use crate::store::{Tx, delegate};

/// Version-1 schema of the `messages` table. `seq` is an explicit integer key because the
/// full-text index refers to rows by rowid, and VACUUM may renumber implicit rowids.
/// `run_id` has no foreign key: a mirrored message may arrive before its run.
pub(crate) const CREATE: &str = "
CREATE TABLE messages (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    thread_id TEXT NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
    run_id TEXT,
    assistant_id TEXT,
    created_at INTEGER NOT NULL,
    text TEXT NOT NULL,
    body TEXT NOT NULL
) STRICT;
CREATE INDEX messages_by_thread ON messages (thread_id, created_at);
CREATE INDEX messages_by_run ON messages (run_id, created_at);
";

/// The searchable text of a message: its `text` parts, one paragraph each. The snippet markers
/// (U+0002, U+0003) are removed so that only the index's own highlights ever carry them.
///
/// A message still being written is not indexed: it is rewritten once per streamed token, and
/// re-indexing the whole text each time would make streaming cost grow with the square of its
/// length. It is indexed once it is completed or left incomplete.
pub(crate) fn searchable_text(message: &Message) -> String {
    if message.status == MessageStatus::InProgress {
        return String::new();
    }
    message
        .content
        .iter()
        .filter_map(|part| match part {
            MessageContent::Text { text } => Some(text.value.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n\n")
        .replace(['\u{2}', '\u{3}'], " ")
}

/// The columns a message's row is written with (`seq` is SQLite's to assign);
/// `write_message` binds them in this order.
const COLUMNS: Columns = Columns {
    table: "messages",
    names: &[
        "id",
        "thread_id",
        "run_id",
        "assistant_id",
        "created_at",
        "text",
        "body",
    ],
};

impl Tx<'_> {
    /// Stores a new message; fails if its id exists or its thread does not.
    pub fn insert_message(&self, message: &Message) -> Result<()> {
        self.write_message(Write::Insert, message)
    }

    /// Writes a message's row with its searchable text (see [`COLUMNS`]).
    pub(crate) fn write_message(&self, write: Write, message: &Message) -> Result<()> {
        self.conn
            .prepare_cached(&COLUMNS.sql(write))?
            .execute(params![
                message.id,
                message.thread_id,
                message.run_id,
                message.assistant_id,
                message.created_at,
                searchable_text(message),
                rows::json(message)?
            ])?;
        Ok(())
    }

    /// The message `id` of thread `thread_id`, if any.
    pub fn get_message(&self, thread_id: &str, id: &str) -> Result<Option<Message>> {
        rows::get(self, "messages", &[("thread_id", thread_id), ("id", id)])
    }

    /// Replaces a stored message (content, status, metadata …) and its indexed text; `false` if
    /// there was none with its id in its thread.
    pub fn update_message(&self, message: &Message) -> Result<bool> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE messages SET run_id = ?3, assistant_id = ?4, created_at = ?5, text = ?6,
                 body = ?7 WHERE id = ?1 AND thread_id = ?2",
            )?
            .execute(params![
                message.id,
                message.thread_id,
                message.run_id,
                message.assistant_id,
                message.created_at,
                searchable_text(message),
                rows::json(message)?
            ])?;
        Ok(changed > 0)
    }

    /// Deletes message `id` of thread `thread_id`; `false` if there was none.
    pub fn delete_message(&self, thread_id: &str, id: &str) -> Result<bool> {
        rows::delete(self, "messages", &[("thread_id", thread_id), ("id", id)])
    }

    /// A page of a thread's messages, only those written by `run_id` when given.
    pub fn list_messages(
        &self,
        thread_id: &str,
        run_id: Option<&str>,
        query: &ListQuery,
    ) -> Result<Page<Message>> {
        Listing::new("messages", query)
            .parent("thread_id", thread_id)
            .filter("run_id", run_id)
            .fetch(self, |m: &Message| &m.id)
    }

    /// Every message of a thread, oldest first: what a run's prompt is built from.
    pub fn thread_messages(&self, thread_id: &str) -> Result<Vec<Message>> {
        let bodies = self
            .conn
            .prepare_cached(
                "SELECT body FROM messages WHERE thread_id = ?1 ORDER BY created_at, rowid",
            )?
            .query_map([thread_id], |row| row.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        rows::decode_all(bodies)
    }
}

delegate! {
    /// Stores a new message; fails if its id exists or its thread does not.
    write fn insert_message(&self, message: &Message) -> ();
    /// The message `id` of thread `thread_id`, if any.
    read fn get_message(&self, thread_id: &str, id: &str) -> Option<Message>;
    /// Replaces a stored message and its indexed text; `false` if there was none.
    write fn update_message(&self, message: &Message) -> bool;
    /// Deletes message `id` of thread `thread_id`; `false` if there was none.
    write fn delete_message(&self, thread_id: &str, id: &str) -> bool;
    /// A page of a thread's messages, only those written by `run_id` when given.
    read fn list_messages(&self, thread_id: &str, run_id: Option<&str>, query: &ListQuery) -> Page<Message>;
    /// Every message of a thread, oldest first.
    read fn thread_messages(&self, thread_id: &str) -> Vec<Message>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_text_parts_are_searchable_and_markers_are_dropped() {
        let message: Message = serde_json::from_value(json!({
            "id": "msg_1", "object": "thread.message", "created_at": 1, "thread_id": "thread_1",
            "status": "completed", "incomplete_details": null, "completed_at": null,
            "incomplete_at": null, "role": "user", "assistant_id": null, "run_id": null,
            "attachments": null, "metadata": null,
            "content": [
                {"type": "text", "text": {"value": "first\u{2}x\u{3}", "annotations": []}},
                {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
                {"type": "refusal", "refusal": "no"},
                {"type": "text", "text": {"value": "second", "annotations": []}}
            ]
        }))
        .unwrap();
        assert_eq!(searchable_text(&message), "first x \n\nsecond");
    }
}
