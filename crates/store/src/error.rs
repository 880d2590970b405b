//! The store's one error type.

/// Why a store operation failed. A missing object is not an error: getters answer `Ok(None)`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused or failed (I/O, constraint such as an unknown parent id, busy past the timeout).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A wire object could not be turned into JSON or read back from its stored JSON.
    #[error("stored JSON could not be encoded or decoded: {0}")]
    Json(#[from] serde_json::Error),
    /// `after`/`before` named an id that is not in the list being paged; the API answers 400.
    #[error("'{param}' names '{id}', which is not in this list")]
    UnknownCursor {
        /// `after` or `before`.
        param: &'static str,
        /// The id that was given.
        id: String,
    },
    /// The database was written by a newer Hearth; opening it with this one could corrupt it.
    #[error("database schema version {found} is newer than this build understands ({known})")]
    SchemaTooNew {
        /// `user_version` found in the file.
        found: i64,
        /// The newest version this build migrates to.
        known: i64,
    },
    /// A file's on-disk path is not UTF-8, so it cannot be stored as text.
    #[error("path is not valid UTF-8: {0}")]
    PathNotUtf8(String),
    /// A caller handed the store something it cannot keep or use (a chunk whose end is before its
    /// start, a vector of the wrong size, a search without what its ranking needs …); the message
    /// names what was wrong.
    #[error("invalid input: {0}")]
    InvalidInput(String),
}

/// Result of every store operation.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
