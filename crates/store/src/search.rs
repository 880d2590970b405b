//! Full-text search over message text with SQLite FTS5.
//!
//! The index is an external-content FTS5 table over `messages.text`, kept in step by triggers, so
//! every insert, update and delete of a message (cascades included) updates it in the same
//! transaction. Snippets mark each hit with U+0002 before and U+0003 after ([`HIT_START`],
//! [`HIT_END`]); indexed text never contains those characters, so the UI can escape the snippet
//! and then turn the markers into `<mark>` safely.
//!
//! Results are the best (bm25) of the query's [`RANKED_MATCHES`] newest matches, so that a search
//! runs at each keystroke even when what was typed so far matches most of the history.

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

/// Version-11 indexes for search as you type.
///
/// Prefix indexes of 1, 2 and 3 characters. The last word typed is a prefix; without an index for
/// its length, FTS5 merges at each keystroke the postings of every word that starts with it, after
/// one letter a good part of the vocabulary. Longer prefixes start few words, so merging theirs is
/// cheap. FTS5 takes the option only when the table is created, so the table is made anew and
/// rebuilt from `messages`; the triggers of version 1 refer to it by name and keep working.
///
/// `messages_owner` holds what the assistant filter reads, a few dozen bytes per message. Read
/// through the table instead, each message's text and JSON body come along, and a filtered search
/// that looks at many matches takes over twice as long.
pub(crate) const PREFIX_AND_OWNER_INDEXES: &str = "
DROP TABLE messages_fts;
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    text,
    content = 'messages',
    content_rowid = 'seq',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
CREATE INDEX messages_owner ON messages (seq, thread_id, assistant_id);
";

/// Marks the start of a highlighted hit in [`MessageHit::snippet`].
pub const HIT_START: char = '\u{2}';
/// Marks the end of a highlighted hit in [`MessageHit::snippet`].
pub const HIT_END: char = '\u{3}';

/// Words of context around the hits in a snippet.
const SNIPPET_TOKENS: i64 = 16;

/// How many matches of a query are ranked: the most recently stored ones. Ranking reads every
/// match's length and positions, about 1 ms per thousand matches; a common word, or the first
/// letters typed, can match most of the history, and ranking all of it takes longer than a
/// keystroke allows. In a chat history the newest matches are also the likeliest to be wanted.
/// A query with fewer matches has all of them ranked.
pub const RANKED_MATCHES: u32 = 1_000;

/// One message found by [`Tx::search_messages`].
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageHit {
    /// The message.
    pub message_id: String,
    /// Its thread.
    pub thread_id: String,
    /// The assistant that wrote it or, for a user's message, of its thread's latest run.
    pub assistant_id: Option<String>,
    /// When it was created (Unix seconds; a plain number in the bindings).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub created_at: i64,
    /// Text around the hits, each hit between [`HIT_START`] and [`HIT_END`]; `…` where cut.
    pub snippet: String,
}

/// Turns what a person typed into an FTS5 query that cannot be a syntax error: each word becomes
/// a quoted string (so `OR`, `NEAR`, `*`, `:` and quotes are plain text) and all must match; the
/// last word also matches as a prefix, for search-as-you-type. `None` when nothing searchable is
/// left. A NUL separates words like a space: FTS5 reads a query only up to its first NUL.
pub(crate) fn fts_query(input: &str) -> Option<String> {
    let words: Vec<&str> = input
        .split(|c: char| c.is_whitespace() || c == '\0')
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

/// The search. `recent` takes the newest matches that pass the assistant filter (FTS5 walks its
/// postings by descending rowid and stops at the limit); `best` keeps the best of them. Snippets
/// and each hit's assistant are worked out for those rows only: the outer scan, held by `CROSS
/// JOIN` to the order `messages_fts`, `best`, `messages`, reads just the rowid range of `best` and
/// drops the rows not in it before anything else is read or made. A snippet can only come from a
/// cursor of the MATCH, and looking rowids up in one rebuilds a prefix's postings at each lookup,
/// hence a scan rather than lookups.
///
/// A user's message carries no assistant id; the thread's latest run says whose it is (`owned`
/// lists the threads whose latest run is the filter's assistant). `INDEXED BY`: without
/// statistics (no ANALYZE) the planner reads messages through the table instead.
const SEARCH: &str = "
WITH owned AS (
    SELECT t.id FROM threads t
    WHERE (SELECT r.assistant_id FROM runs r WHERE r.thread_id = t.id
           ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1) = ?2
),
recent AS (
    SELECT messages_fts.rowid AS seq, messages_fts.rank AS rank
    FROM messages_fts JOIN messages m INDEXED BY messages_owner ON m.seq = messages_fts.rowid
    WHERE messages_fts MATCH ?1
      AND (?2 IS NULL OR m.assistant_id = ?2
           OR (m.assistant_id IS NULL AND m.thread_id IN owned))
    ORDER BY messages_fts.rowid DESC
    LIMIT ?4
),
best AS (
    SELECT seq, rank FROM recent ORDER BY rank, seq DESC LIMIT ?3
)
SELECT m.id, m.thread_id,
       coalesce(m.assistant_id, (SELECT r.assistant_id FROM runs r
           WHERE r.thread_id = m.thread_id
           ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1)),
       m.created_at,
       snippet(messages_fts, 0, char(2), char(3), '…', ?5)
FROM messages_fts CROSS JOIN best ON best.seq = messages_fts.rowid
CROSS JOIN messages m ON m.seq = best.seq
WHERE messages_fts MATCH ?1
  AND messages_fts.rowid BETWEEN (SELECT min(seq) FROM best) AND (SELECT max(seq) FROM best)
ORDER BY best.rank, best.seq DESC
";

impl Tx<'_> {
    /// Messages whose text matches every word of `query`, best first (ties: the most recently
    /// stored first), at most `limit` (1–100), only those of `assistant_id` when given. Any input
    /// is accepted.
    ///
    /// Only the [`RANKED_MATCHES`] most recently stored matches (of `assistant_id`, when given)
    /// are ranked; a query with more leaves the older ones out.
    pub fn search_messages(
        &self,
        query: &str,
        assistant_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<MessageHit>> {
        let Some(fts) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let mut statement = self.conn.prepare_cached(SEARCH)?;
        let hits = statement
            .query_map(
                params![
                    fts,
                    assistant_id,
                    limit.clamp(1, 100),
                    RANKED_MATCHES,
                    SNIPPET_TOKENS
                ],
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
    /// Messages matching every word of `query`, best of the newest [`RANKED_MATCHES`] first,
    /// optionally of one assistant.
    read fn search_messages(&self, query: &str, assistant_id: Option<&str>, limit: u32) -> Vec<MessageHit>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;
    use rusqlite::Connection;

    #[test]
    fn messages_stored_before_the_prefix_index_are_found_after_it() {
        let mut conn = Connection::open_in_memory().unwrap();
        let before = schema::MIGRATIONS
            .iter()
            .position(|sql| *sql == PREFIX_AND_OWNER_INDEXES)
            .unwrap();
        for sql in &schema::MIGRATIONS[..before] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", before as i64)
            .unwrap();
        conn.execute_batch(
            "INSERT INTO threads (id, created_at, body) VALUES ('thread_1', 1, '{}');
             INSERT INTO messages (id, thread_id, created_at, text, body)
             VALUES ('msg_1', 'thread_1', 1, 'migrations keep history', '{}');",
        )
        .unwrap();

        schema::migrate(&mut conn).unwrap();
        let tx = Tx { conn: &conn };
        let ids = |query| -> Vec<String> {
            tx.search_messages(query, None, 10)
                .unwrap()
                .into_iter()
                .map(|hit| hit.message_id)
                .collect()
        };
        assert_eq!(ids("hi"), ["msg_1"], "the rebuilt index has the old text");
        conn.execute(
            "UPDATE messages SET text = 'nothing left' WHERE id = 'msg_1'",
            [],
        )
        .unwrap();
        assert!(
            ids("hist").is_empty(),
            "the old triggers keep the new table current"
        );
        assert_eq!(ids("noth"), ["msg_1"]);
    }

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
    fn a_nul_inside_a_word_separates_words() {
        // FTS5 reads a query only up to its first NUL: inside a quoted word, a NUL left the quote
        // open, and the search failed with a syntax error instead of finding the message.
        let mut conn = Connection::open_in_memory().unwrap();
        schema::migrate(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO threads (id, created_at, body) VALUES ('thread_1', 1, '{}');
             INSERT INTO messages (id, thread_id, created_at, text, body)
             VALUES ('msg_1', 'thread_1', 1, 'here is the nul sign', '{}');",
        )
        .unwrap();
        let tx = Tx { conn: &conn };
        let hits = tx.search_messages("here\0nul", None, 10).unwrap();
        assert_eq!(hits.len(), 1, "both words are found");
        assert!(tx.search_messages("\0", None, 10).unwrap().is_empty());
    }

    #[test]
    fn input_without_words_is_no_query() {
        assert_eq!(fts_query(""), None);
        assert_eq!(fts_query("  \" * ( ) - "), None);
    }
}
