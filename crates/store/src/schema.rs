//! Forward-only migrations. Each table's SQL lives in its own module; this list fixes the order in
//! which they are applied, and `PRAGMA user_version` records how many have been.

use rusqlite::Connection;

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
];

/// The schema version a fully migrated database has.
pub(crate) const VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies the migrations the database has not run yet, each in its own transaction together
/// with the version bump, so a crash mid-way leaves a database that resumes where it stopped.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found > VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            known: VERSION,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
