//! Forward-only migrations. Each table's SQL lives in its own module; this list fixes the order in
//! which they are applied, and `PRAGMA user_version` records how many have been.

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Result, StoreError};
use crate::{
    assistants, chunks, drafts, files, messages, runs, search, steps, threads, vector_store_files,
    vector_stores,
};

/// The migrations in order; a new one is appended, never edited in place, because databases out
/// in the world have already run the earlier ones.
pub(crate) const MIGRATIONS: &[&str] = &[
    assistants::CREATE,
    threads::CREATE,
    messages::CREATE,
    search::CREATE,
    runs::CREATE,
    steps::CREATE,
    files::CREATE,
    vector_stores::CREATE,
    vector_store_files::CREATE,
    drafts::CREATE,
    search::PREFIX_AND_OWNER_INDEXES,
    chunks::CREATE,
    vector_store_files::EMBEDDING_MODELS,
];

/// The schema version a fully migrated database has.
pub(crate) const VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies the migrations the database has not run yet, each in its own transaction together
/// with the version bump, so a crash mid-way leaves a database that resumes where it stopped.
///
/// Each transaction is `BEGIN IMMEDIATE` and reads the version inside it: another process
/// opening the same file at the same moment waits for the write lock (on the busy timeout) and
/// then sees the version the first one left, instead of both reading the old version and the
/// second failing on a table that already exists.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if found > VERSION {
            return Err(StoreError::SchemaTooNew {
                found,
                known: VERSION,
            });
        }
        let Some(sql) = MIGRATIONS.get(found as usize) else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", found + 1)?;
        tx.commit()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_first_opens_each_migrate_once() {
        // Several connections opening one fresh file at once, as the app and hearth-server may
        // at first start: each must find the schema whole, none may run a migration twice.
        for _ in 0..5 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("hearth.db");
            let barrier = std::sync::Arc::new(std::sync::Barrier::new(6));
            let openers: Vec<_> = (0..6)
                .map(|_| {
                    let path = path.clone();
                    let barrier = barrier.clone();
                    std::thread::spawn(move || {
                        barrier.wait();
                        crate::Store::open(&path).map(|store| store.schema_version().unwrap())
                    })
                })
                .collect();
            for opener in openers {
                let version = opener.join().unwrap().expect("every opener should succeed");
                assert_eq!(version, VERSION, "every opener should see the whole schema");
            }
        }
    }
}
