//! What a person has typed in a thread's composer but not sent, so it survives a restart, a
//! failed send and a crash.

use rusqlite::{OptionalExtension, params};

use crate::error::Result;
use crate::store::{Tx, delegate};

/// Schema of the `drafts` table. The key is a thread id, or a key the app makes for a thread
/// not created yet; no foreign key, so a draft outlives a thread that failed to be created.
pub(crate) const CREATE: &str = "
CREATE TABLE drafts (
    key TEXT PRIMARY KEY NOT NULL,
    text TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
";

impl Tx<'_> {
    /// Keeps `text` as the draft of `key`; empty text removes the draft.
    pub fn set_draft(&self, key: &str, text: &str) -> Result<()> {
        if text.is_empty() {
            self.conn
                .prepare_cached("DELETE FROM drafts WHERE key = ?1")?
                .execute(params![key])?;
        } else {
            self.conn
                .prepare_cached(
                    "INSERT INTO drafts (key, text, updated_at) VALUES (?1, ?2, unixepoch())
                     ON CONFLICT (key) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                )?
                .execute(params![key, text])?;
        }
        Ok(())
    }

    /// The draft of `key`, if there is one.
    pub fn draft(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT text FROM drafts WHERE key = ?1")?
            .query_row(params![key], |row| row.get(0))
            .optional()?)
    }
}

delegate! {
    /// Keeps `text` as the draft of `key`; empty text removes the draft.
    write fn set_draft(&self, key: &str, text: &str) -> ();
    /// The draft of `key`, if there is one.
    read fn draft(&self, key: &str) -> Option<String>;
}

#[cfg(test)]
mod tests {
    use crate::Store;

    #[test]
    fn a_draft_is_kept_replaced_and_cleared() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hearth.db");
        let store = Store::open(&path).unwrap();
        store.set_draft("thread_1", "half a thought").unwrap();
        store
            .set_draft("thread_1", "half a thought, finished")
            .unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(
            store.draft("thread_1").unwrap().as_deref(),
            Some("half a thought, finished"),
            "a draft survives reopening the database"
        );
        store.set_draft("thread_1", "").unwrap();
        assert_eq!(store.draft("thread_1").unwrap(), None);
    }
}
