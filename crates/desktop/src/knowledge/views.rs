//! Vector stores and their files as the window receives them: the fields the Knowledge page and
//! the assistant editor show, in plain types (the wire's `VectorStore` reads a `null` name as `""`,
//! which the bindings generator cannot describe). Sizes and times are plain numbers in the
//! bindings (`u32` there), exact for any size or date JavaScript can show.

use hearth_wire::{
    FileCounts, VectorStore, VectorStoreFile, VectorStoreFileError, VectorStoreFileStatus,
    VectorStoreStatus,
};

/// A vector store: its name, status, file counts, size and expiry.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoreSummary {
    /// `vs_…`
    pub id: String,
    /// Its name; `""` when it has none.
    pub name: String,
    /// `in_progress` while a file is being indexed, `completed`, or `expired`.
    pub status: VectorStoreStatus,
    /// Bytes its files' chunks take.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub usage_bytes: u64,
    /// Its files by state.
    pub file_counts: FileCounts,
    /// When it was made (Unix seconds).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub created_at: i64,
    /// When it expires unless used again (Unix seconds), if it does.
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub expires_at: Option<i64>,
}

impl From<VectorStore> for StoreSummary {
    fn from(store: VectorStore) -> Self {
        Self {
            id: store.id,
            name: store.name,
            status: store.status,
            usage_bytes: store.usage_bytes,
            file_counts: store.file_counts,
            created_at: store.created_at,
            expires_at: store.expires_at,
        }
    }
}

/// A file in a vector store: its indexing status and, when it failed, why.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoreFile {
    /// The file's id.
    pub id: String,
    /// The store it is in.
    pub vector_store_id: String,
    /// `in_progress`, `completed`, `failed` or `cancelled`.
    pub status: VectorStoreFileStatus,
    /// Why indexing failed.
    pub last_error: Option<VectorStoreFileError>,
    /// Bytes its chunks take.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub usage_bytes: u64,
    /// When it was added (Unix seconds).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub created_at: i64,
}

impl From<VectorStoreFile> for StoreFile {
    fn from(file: VectorStoreFile) -> Self {
        Self {
            id: file.id,
            vector_store_id: file.vector_store_id,
            status: file.status,
            last_error: file.last_error,
            usage_bytes: file.usage_bytes,
            created_at: file.created_at,
        }
    }
}
