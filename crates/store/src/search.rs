//! Full-text search over message text with SQLite FTS5.
//!
//! The index is an external-content FTS5 table over `messages.text`, kept in step by triggers, so
//! every insert, update and delete of a message (cascades included) updates it in the same
//! transaction. Snippets mark each hit with U+0002 before and U+0003 after ([`HIT_START`],
//! [`HIT_END`]); indexed text never contains those characters, so the UI can escape the snippet
//! and then turn the markers into `<mark>` safely.

use rusqlite::params;

use crate::error::Result;
use crate::store::{Tx, delegate};

/// Version-1 schema of the `messages_fts` index and the triggers that keep it current.
pub(crate) const CREATE: &str = "
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    text,
    content = 'messages',
    content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.seq, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages WHEN old.text IS NOT new.text BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.seq, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.seq, new.text);
END;
";

/// Marks the start of a highlighted hit in [`MessageHit::snippet`].
pub const HIT_START: char = '\u{2}';
/// Marks the end of a highlighted hit in [`MessageHit::snippet`].
pub const HIT_END: char = '\u{3}';

/// Words of context around the hits in a snippet.
const SNIPPET_TOKENS: i64 = 16;

/// One message found by [`Tx::search_messages`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageHit {
    /// The message.
    pub message_id: String,
    /// Its thread.
    pub thread_id: String,
    /// The assistant that wrote it or, for a user's message, of its thread's latest run.
    pub assistant_id: Option<String>,
    /// When it was created.
    pub created_at: i64,
    /// Text around the hits, each hit between [`HIT_START`] and [`HIT_END`]; `…` where cut.
    pub snippet: String,
}

/// Turns what a person typed into an FTS5 query that cannot be a syntax error: each word becomes
/// a quoted string (so `OR`, `NEAR`, `*`, `:` and quotes are plain text) and all must match; the
/// last word also matches as a prefix, for search-as-you-type. `None` when nothing searchable is
/// left.
pub(crate) fn fts_query(input: &str) -> Option<String> {
    let words: Vec<&str> = input
        .split_whitespace()
        .filter(|word| word.chars().any(char::is_alphanumeric))
        .collect();
    let last = words.len().checked_sub(1)?;
    let quoted = words
        .iter()
        .enumerate()
        .map(|(index, word)| {
            let star = if index == last { "*" } else { "" };
            format!("\"{}\"{star}", word.replace('"', "\"\""))
        })
        .collect::<Vec<_>>()
        .join(" ");
    Some(quoted)
}

impl Tx<'_> {
    /// Messages whose text matches every word of `query`, best first, at most `limit` (1–100),
    /// only those of `assistant_id` when given. Any input is accepted.
    pub fn search_messages(
        &self,
        query: &str,
        assistant_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<MessageHit>> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        // A user's message carries no assistant id; the thread's latest run says whose it is.
        let mut statement = self.conn.prepare_cached(
            "SELECT id, thread_id, assistant_id, created_at, snippet FROM (
                 SELECT m.id, m.thread_id, m.created_at, fts.rank,
                        coalesce(m.assistant_id, (SELECT r.assistant_id FROM runs r
                            WHERE r.thread_id = m.thread_id
                            ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1)) AS assistant_id,
                        snippet(messages_fts, 0, char(2), char(3), '…', ?4) AS snippet
                 FROM messages_fts fts JOIN messages m ON m.seq = fts.rowid
                 WHERE messages_fts MATCH ?1
             )
             WHERE ?2 IS NULL OR assistant_id = ?2
             ORDER BY rank, created_at DESC
             LIMIT ?3",
        )?;
        let hits = statement
            .query_map(
                params![fts, assistant_id, limit.clamp(1, 100), SNIPPET_TOKENS],
                |row| {
                    Ok(MessageHit {
                        message_id: row.get(0)?,
                        thread_id: row.get(1)?,
                        assistant_id: row.get(2)?,
                        created_at: row.get(3)?,
                        snippet: row.get(4)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(hits)
    }
}

delegate! {
    /// Messages matching every word of `query`, best first, optionally of one assistant.
    read fn search_messages(&self, query: &str, assistant_id: Option<&str>, limit: u32) -> Vec<MessageHit>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_and_the_last_is_a_prefix() {
        assert_eq!(
            fts_query("hello world").as_deref(),
            Some("\"hello\" \"world\"*")
        );
        assert_eq!(
            fts_query("foo\" OR").as_deref(),
            Some("\"foo\"\"\" \"OR\"*"),
            "quotes are doubled and operators become words"
        );
    }

    #[test]
    fn input_without_words_is_no_query() {
        assert_eq!(fts_query(""), None);
        assert_eq!(fts_query("  \" * ( ) - "), None);
    }
}
