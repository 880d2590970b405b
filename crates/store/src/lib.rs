//! Persistence for Hearth in SQLite: the wire objects (assistants, threads, messages, runs, run steps,
//! files, vector stores), their migrations, the full-text index over message text, and the search
//! index over the chunks of files in vector stores (BM25 and vectors). It is the local
//! engine's source of truth and, for a remote profile, the offline mirror of what the server returned.
//!
//! Every object is stored as its wire JSON next to the columns it is looked up and ordered by, so
//! each field round-trips exactly. [`Store`] is the handle (`Clone + Send + Sync`); its methods each
//! run one operation, and [`Store::transaction`] runs several atomically through a [`Tx`], which
//! has the same operations.

mod assistants;
mod attribute_filter;
mod bm25;
mod chunk_search;
mod chunks;
mod data_lock;
mod drafts;
mod error;
mod files;
mod ids;
mod keywords;
mod message_window;
mod messages;
mod mirror;
mod page;
mod rows;
mod runs;
mod schema;
mod search;
mod steps;
mod store;
mod summaries;
mod threads;
mod vector_cache;
mod vector_store_files;
mod vector_stores;

pub use attribute_filter::filter_matches;
pub use chunk_search::{ChunkHit, ChunkSearch, MAX_CHUNK_HITS, Ranking};
pub use chunks::{ChunkPlace, NewChunk};
pub use data_lock::{DataLock, DataLockError, LOCK_FILE, LockHolder};
pub use error::{Result, StoreError};
pub use ids::new_id;
pub use message_window::{MessageAnchor, MessageWindow};
pub use page::Page;
pub use search::{HIT_END, HIT_START, MessageHit, RANKED_MATCHES};
pub use store::{Store, Tx};
pub use summaries::ThreadSummary;
