//! Files, vector stores and file search: the engine's side of documents.
//!
//! The operations below are the contract the run executor's file_search tool and message attachments
//! are written against; their bodies are being filled in.

use hearth_wire::{
    CreateVectorStoreFileRequest, CreateVectorStoreRequest, VectorStore, VectorStoreFile,
};

use crate::engine::Engine;
use crate::error::{EngineError, EngineResult};

/// One passage found by a file search, best first in the list that holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct FileSearchHit {
    pub vector_store_id: String,
    pub file_id: String,
    pub filename: String,
    /// In [0, 1]; higher is better.
    pub score: f64,
    /// The chunk's text.
    pub text: String,
    /// The page the chunk starts on, for paged formats (PDF), counted from 1.
    pub page: Option<u32>,
    /// The heading the chunk sits under, where the format has headings.
    pub heading: Option<String>,
}

/// What a search asks for, across one or more vector stores.
#[derive(Debug, Clone, PartialEq)]
pub struct FileSearchQuery {
    pub query: String,
    /// 1–50.
    pub max_num_results: u32,
    /// Hits scoring below this are left out; in [0, 1].
    pub score_threshold: f64,
}

fn not_built() -> EngineError {
    EngineError::Internal("vector stores are not built yet".to_owned())
}

impl Engine {
    /// `POST /vector_stores`
    pub fn create_vector_store(
        &self,
        _request: CreateVectorStoreRequest,
    ) -> EngineResult<VectorStore> {
        Err(not_built())
    }

    /// `POST /vector_stores/{vector_store_id}/files`: adds an uploaded file and starts indexing it.
    pub fn create_vector_store_file(
        &self,
        _vector_store_id: &str,
        _request: CreateVectorStoreFileRequest,
    ) -> EngineResult<VectorStoreFile> {
        Err(not_built())
    }

    /// Waits until no file of these vector stores is still being indexed (a run searches a thread's
    /// store only once its attachments are in), or until `timeout` passes.
    pub async fn vector_stores_settled(
        &self,
        _vector_store_ids: &[String],
        _timeout: std::time::Duration,
    ) -> EngineResult<()> {
        Err(not_built())
    }

    /// The best passages for `query` over all of `vector_store_ids`, best first.
    pub async fn search_vector_stores(
        &self,
        _vector_store_ids: &[String],
        _query: &FileSearchQuery,
    ) -> EngineResult<Vec<FileSearchHit>> {
        Err(not_built())
    }
}
