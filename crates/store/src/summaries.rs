//! The app's thread list: one line per thread with its title, assistant, last activity and a
//! preview. The API has no such list; the app's sidebar and a remote profile's mirror need it.

use rusqlite::params;

use crate::error::Result;
use crate::store::{Tx, delegate};

/// Characters of a message kept for a title or a preview; the list shows one line of each.
const EXCERPT_CHARS: i64 = 160;

/// One thread as the thread list shows it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadSummary {
    /// The thread.
    pub id: String,
    /// The title the thread was given (its `title` metadata), else its first user message.
    pub title: String,
    /// Whether `title` was given (renamed) rather than taken from the first message.
    pub renamed: bool,
    /// The assistant of the thread's latest run, if it had one.
    pub assistant_id: Option<String>,
    /// When the thread was created (Unix seconds; a plain number in the bindings, exact for
    /// any date JavaScript can show).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub created_at: i64,
    /// When its latest message was written, else when it was created.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub updated_at: i64,
    /// The start of its latest message with text.
    pub preview: String,
}

impl Tx<'_> {
    /// Every thread, most recently active first; only those whose latest run used `assistant_id`
    /// when given.
    pub fn thread_summaries(&self, assistant_id: Option<&str>) -> Result<Vec<ThreadSummary>> {
        // User messages carry no assistant id; that is how the first one is found without
        // reading every message's JSON.
        let mut statement = self.conn.prepare_cached(
            "SELECT id, title, assistant_id, created_at, coalesce(last_at, created_at) AS updated_at,
                    coalesce(preview, '') FROM (
                 SELECT t.id, t.created_at,
                        json_extract(t.body, '$.metadata.title') AS title,
                        (SELECT r.assistant_id FROM runs r WHERE r.thread_id = t.id
                            ORDER BY r.created_at DESC, r.rowid DESC LIMIT 1) AS assistant_id,
                        (SELECT max(m.created_at) FROM messages m WHERE m.thread_id = t.id) AS last_at,
                        (SELECT substr(m.text, 1, ?2) FROM messages m
                            WHERE m.thread_id = t.id AND m.text <> ''
                            ORDER BY m.created_at DESC, m.seq DESC LIMIT 1) AS preview,
                        t.rowid AS seq
                 FROM threads t
             )
             WHERE ?1 IS NULL OR assistant_id = ?1
             ORDER BY updated_at DESC, seq DESC",
        )?;
        let rows = statement
            .query_map(params![assistant_id, EXCERPT_CHARS], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, Option<String>>(1)?,
                    row.get::<_, Option<String>>(2)?,
                    row.get::<_, i64>(3)?,
                    row.get::<_, i64>(4)?,
                    row.get::<_, String>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut first_user = self.conn.prepare_cached(
            "SELECT substr(text, 1, ?2) FROM messages
             WHERE thread_id = ?1 AND assistant_id IS NULL AND text <> ''
             ORDER BY created_at, seq LIMIT 1",
        )?;
        let mut summaries = Vec::with_capacity(rows.len());
        for (id, title, assistant_id, created_at, updated_at, preview) in rows {
            let given = title.filter(|title| !title.trim().is_empty());
            let renamed = given.is_some();
            let title = match given {
                Some(title) => title,
                None => first_user
                    .query_row(params![id, EXCERPT_CHARS], |row| row.get::<_, String>(0))
                    .map(|text| first_line(&text))
                    .unwrap_or_default(),
            };
            summaries.push(ThreadSummary {
                id,
                title,
                renamed,
                assistant_id,
                created_at,
                updated_at,
                preview: first_line(&preview),
            });
        }
        Ok(summaries)
    }
}

/// The text up to its first line break, trimmed: a list line shows one line.
fn first_line(text: &str) -> String {
    text.trim()
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

delegate! {
    /// Every thread, most recently active first; only those whose latest run used `assistant_id`
    /// when given.
    read fn thread_summaries(&self, assistant_id: Option<&str>) -> Vec<ThreadSummary>;
}
