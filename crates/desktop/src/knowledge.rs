//! Files and vector stores as the window works with them — the Knowledge page, an assistant's
//! tool resources and the place of a cited passage — over either kind of profile.

mod usage;
mod views;

use std::path::Path;

use async_trait::async_trait;
use hearth_wire::{
    CreateVectorStoreRequest, FileObject, FilePurpose, VectorStore, VectorStoreFile,
};

use crate::error::BackendError;

pub use usage::{KnowledgeFile, KnowledgeOverview, KnowledgeStore, UsedBy, overview};
pub use views::{StoreFile, StoreSummary};

/// One passage a vector store search found, as the Knowledge page lists it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ScoredChunk {
    /// The file the passage is from.
    pub file_id: String,
    /// Its name.
    pub filename: String,
    /// Relevance in [0, 1]; higher is better.
    pub score: f64,
    /// The passage.
    pub text: String,
    /// Where it sits in its file, when known (a remote server does not say).
    pub place: Option<PassagePlace>,
}

/// Where a passage sits in its file.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PassagePlace {
    /// The page it starts on, for paged formats (PDF), from 1.
    pub page: Option<u32>,
    /// The heading it sits under, where the format has headings.
    pub heading: Option<String>,
}

impl From<hearth_store::ChunkPlace> for PassagePlace {
    fn from(place: hearth_store::ChunkPlace) -> Self {
        Self {
            page: place.page,
            heading: place.heading,
        }
    }
}

/// A vector store file with the name of the file it is, for lists people read.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NamedStoreFile {
    /// The attachment: its status, last error and size.
    pub attachment: StoreFile,
    /// The file's name; its id when the file itself is gone.
    pub filename: String,
}

/// Which tool of an assistant a file is for.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssistantFileTool {
    /// Searched by file_search, through the assistant's vector store.
    FileSearch,
    /// Given to the code interpreter's sandbox.
    CodeInterpreter,
}

/// The file and vector store operations of a profile's server (or of the engine in the app).
#[async_trait]
pub trait KnowledgeBackend: Send + Sync {
    /// Every file, newest first.
    async fn list_files(&self) -> Result<Vec<FileObject>, BackendError>;
    /// Uploads the file at `path`, read on this side and never through the window.
    async fn upload_file(
        &self,
        path: &Path,
        purpose: FilePurpose,
    ) -> Result<FileObject, BackendError>;
    /// Deletes a file; it leaves every vector store it was in.
    async fn delete_file(&self, file_id: &str) -> Result<(), BackendError>;

    /// Every vector store, newest first.
    async fn list_vector_stores(&self) -> Result<Vec<VectorStore>, BackendError>;
    /// Creates a vector store.
    async fn create_vector_store(
        &self,
        request: CreateVectorStoreRequest,
    ) -> Result<VectorStore, BackendError>;
    /// Deletes a vector store (its files stay).
    async fn delete_vector_store(&self, vector_store_id: &str) -> Result<(), BackendError>;
    /// Every file of a vector store with its indexing status, newest first.
    async fn list_vector_store_files(
        &self,
        vector_store_id: &str,
    ) -> Result<Vec<VectorStoreFile>, BackendError>;
    /// Adds an uploaded file to a vector store, which starts indexing it.
    async fn add_vector_store_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> Result<VectorStoreFile, BackendError>;
    /// Takes a file out of a vector store (the file stays).
    async fn remove_vector_store_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> Result<(), BackendError>;
    /// Indexes a file of a vector store again, keeping its attributes and chunking.
    async fn reindex_vector_store_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> Result<VectorStoreFile, BackendError>;
    /// The best `max_results` passages of a vector store for `query`, best first.
    async fn search_vector_store(
        &self,
        vector_store_id: &str,
        query: &str,
        max_results: u32,
    ) -> Result<Vec<ScoredChunk>, BackendError>;
    /// Where the passage `text` of file `file_id` sits in it; `None` when that is not known.
    async fn passage_place(
        &self,
        file_id: &str,
        text: &str,
    ) -> Result<Option<PassagePlace>, BackendError>;
}

/// Most characters a search of a vector store may have; a longer one is a paste gone wrong.
const MAX_QUERY_CHARS: usize = 4_000;

/// The query, trimmed; an empty or overlong one is refused.
pub(crate) fn search_words(query: &str) -> Result<String, BackendError> {
    let query = query.trim();
    if query.is_empty() {
        return Err(BackendError::Invalid(
            "Type something to search for.".to_owned(),
        ));
    }
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(BackendError::Invalid(format!(
            "A search can be at most {MAX_QUERY_CHARS} characters."
        )));
    }
    Ok(query.to_owned())
}

/// Opens the file at `path` to upload it, with the name it is uploaded as; a folder, an empty
/// file or one that cannot be read is refused with its name and why.
pub(crate) async fn open_upload(path: &Path) -> Result<(tokio::fs::File, String), BackendError> {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .filter(|name| !name.trim().is_empty())
        .ok_or_else(|| {
            BackendError::Invalid(format!("'{}' does not name a file.", path.display()))
        })?;
    let metadata = tokio::fs::metadata(path)
        .await
        .map_err(|error| BackendError::Invalid(format!("'{name}' cannot be read: {error}.")))?;
    if metadata.is_dir() {
        return Err(BackendError::Invalid(format!(
            "'{name}' is a folder; choose the files inside it."
        )));
    }
    if metadata.len() == 0 {
        return Err(BackendError::Invalid(format!(
            "'{name}' is empty: there is nothing in it to read."
        )));
    }
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|error| BackendError::Invalid(format!("'{name}' cannot be read: {error}.")))?;
    Ok((file, name))
}
