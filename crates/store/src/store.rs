//! The handle: opening the database file, its pragmas, and the single connection behind a mutex
//! through which every read and transaction goes.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

use crate::error::Result;
use crate::schema;
use crate::vector_cache::VectorCache;

/// How long a statement waits for another connection's lock (say, a second process on the same
/// file) before failing with "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The database. Cheap to clone; clones share one connection, so calls from many tokio tasks are
/// serialized. Every call is a short synchronous one and may be made from async code directly.
///
/// Durability: `journal_mode=WAL` with `synchronous=FULL`. The engine commits every run state
/// change before it sends the matching stream event, and promises that nothing the user was shown
/// is lost. WAL with `NORMAL` keeps that promise only for a crash of the process (kill -9): the
/// committed pages sit in the OS cache and reach the disk later. A laptop whose battery dies or an
/// OS crash would then drop the last transactions, including ones already on screen. `FULL`
/// fsyncs the WAL at every commit, which keeps the promise for power loss too. The price is one
/// fsync per commit (well under a millisecond to a few milliseconds on an SSD) — affordable at a
/// desktop app's write rate for state changes; streamed text goes through
/// [`Store::transaction_unsynced`], which keeps the kill -9 guarantee without an fsync per token.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    /// Vector stores' vectors in memory; locked only while `conn` is, after it.
    vectors: Arc<Mutex<VectorCache>>,
}

/// The operations of the store, inside one transaction (see [`Store::transaction`]) or one read.
pub struct Tx<'c> {
    pub(crate) conn: &'c Connection,
}

/// Runs `step` again while SQLite answers "busy", for at most [`BUSY_TIMEOUT`].
fn retry_while_busy(mut step: impl FnMut() -> Result<()>) -> Result<()> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match step() {
            Err(crate::StoreError::Sqlite(rusqlite::Error::SqliteFailure(error, _)))
                if error.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path`, sets its pragmas and migrates it.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::setup(Connection::open(path)?)
    }

    /// A private in-memory database, for unit tests (it has no WAL and vanishes on drop).
    pub fn open_in_memory() -> Result<Self> {
        Self::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<Self> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // journal_mode answers with the mode in force; in-memory databases stay "memory".
        // Switching a fresh file to WAL while another process opens it too can answer "busy"
        // without waiting on the busy timeout, so that step (and the first migration) is retried.
        retry_while_busy(|| {
            let _mode: String =
                conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
            Ok(())
        })?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // 32 MiB of pages kept in memory (SQLite's default is 2 MiB): a file search at 100 000
        // chunks reads each hit's length and its words' lists from pages the default cache had
        // already let go of, and took half as long again. Filled only as pages are read.
        conn.pragma_update(None, "cache_size", -32768)?;
        crate::bm25::register(&conn)?;
        retry_while_busy(|| schema::migrate(&mut conn))?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
            vectors: Arc::default(),
        })
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction: committed when `f` returns `Ok`, rolled back
    /// when it returns `Err` or panics. Use it to make several changes visible (and durable) at once,
    /// e.g. a run's new status together with the message it produced, before sending the event.
    pub fn transaction<T, E>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<crate::StoreError>,
    {
        let mut conn = self.lock();
        // Immediate: take the write lock up front, so a second writer waits on busy_timeout
        // instead of failing halfway through with SQLITE_BUSY on lock upgrade.
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(crate::StoreError::from)?;
        let value = f(&Tx { conn: &tx })?;
        tx.commit().map_err(crate::StoreError::from)?;
        Ok(value)
    }

    /// Like [`Store::transaction`], but the commit is not forced to disk before it returns: it
    /// survives the process being killed (the pages are in the OS cache and the WAL), and reaches
    /// the disk with the next ordinary commit, which syncs the WAL up to and including it. Meant
    /// for streamed text: an fsync per token costs more than the token, while the state change
    /// that ends the stream is an ordinary commit and makes all of it durable.
    pub fn transaction_unsynced<T, E>(
        &self,
        f: impl FnOnce(&Tx<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<crate::StoreError>,
    {
        let mut conn = self.lock();
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(crate::StoreError::from)?;
        let result = (|| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(crate::StoreError::from)?;
            let value = f(&Tx { conn: &tx })?;
            tx.commit().map_err(crate::StoreError::from)?;
            Ok(value)
        })();
        // Restored whatever happened, so no other write is ever left unsynced by accident.
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(crate::StoreError::from)?;
        result
    }

    /// Runs `f` against the connection without opening a transaction; each statement is atomic
    /// on its own, which is all single reads need.
    pub fn read<T>(&self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let conn = self.lock();
        f(&Tx { conn: &conn })
    }

    /// Reads a pragma's current value as text (`journal_mode`, `foreign_keys`, `synchronous`, …);
    /// for checks and diagnostics.
    pub fn pragma(&self, name: &str) -> Result<String> {
        let conn = self.lock();
        let value: rusqlite::types::Value =
            conn.pragma_query_value(None, name, |row| row.get(0))?;
        Ok(match value {
            rusqlite::types::Value::Integer(n) => n.to_string(),
            rusqlite::types::Value::Text(text) => text,
            other => format!("{other:?}"),
        })
    }

    /// The schema version the database is at (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        let conn = self.lock();
        Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic inside a transaction closure rolls the transaction back as it unwinds, so the
        // connection behind a poisoned lock is still consistent and safe to keep using.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The in-memory vectors; take [`Store::lock`] first.
    pub(crate) fn vector_cache(&self) -> MutexGuard<'_, VectorCache> {
        // A copy cut short by a panic is noticed and read afresh (`StoreVectors::is_whole`).
        self.vectors.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Declares `Store` methods that run one `Tx` operation: `read` ones outside a transaction,
/// `write` ones in their own transaction.
macro_rules! delegate {
    ($( $(#[$doc:meta])* $kind:ident fn $name:ident(&self $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty; )*) => {
        impl $crate::Store {
            $(
                $(#[$doc])*
                pub fn $name(&self $(, $arg: $ty)*) -> $crate::Result<$ret> {
                    delegate!(@call $kind, self, $name($($arg),*))
                }
            )*
        }
    };
    (@call read, $self:ident, $name:ident($($arg:ident),*)) => {
        $self.read(|tx| tx.$name($($arg),*))
    };
    (@call write, $self:ident, $name:ident($($arg:ident),*)) => {
        $self.transaction(|tx| tx.$name($($arg),*))
    };
}
pub(crate) use delegate;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_memory_store_has_foreign_keys_and_full_sync() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(
            store.pragma("foreign_keys").unwrap(),
            "1",
            "foreign keys should be on"
        );
        assert_eq!(
            store.pragma("synchronous").unwrap(),
            "2",
            "synchronous should be FULL (2)"
        );
        assert_eq!(
            store.schema_version().unwrap(),
            schema::VERSION,
            "a fresh database should be migrated to the newest version"
        );
    }

    #[test]
    fn a_failed_transaction_leaves_nothing_behind() {
        let store = Store::open_in_memory().unwrap();
        let result: Result<()> = store.transaction(|tx| {
            tx.conn
                .execute("CREATE TABLE scratch (x INTEGER)", [])
                .map_err(crate::StoreError::from)?;
            Err(crate::StoreError::PathNotUtf8("boom".into()))
        });
        assert!(result.is_err());
        let exists: bool = store
            .read(|tx| {
                Ok(tx.conn.query_row(
                    "SELECT count(*) > 0 FROM sqlite_master WHERE name = 'scratch'",
                    [],
                    |row| row.get(0),
                )?)
            })
            .unwrap();
        assert!(!exists, "the rolled-back table should not exist");
    }
}
