//! Files, vector stores and file search: the engine's side of documents.
//!
//! The operations in this module are the contract the run executor's file_search tool and message
//! attachments are written against; the API's operations live in the submodules, one per resource.

mod batches;
mod blobs;
mod counts;
mod embedder;
mod files;
mod indexing;
mod pipeline;
mod reindex;
mod search;
mod vector_store_files;
mod vector_stores;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

use hearth_wire::{
    CreateVectorStoreFileRequest, CreateVectorStoreRequest, VectorStore, VectorStoreFile,
};
use tokio::sync::{Notify, Semaphore};

pub use blobs::StagedUpload;
pub use embedder::{BuiltinEmbedder, Embedder, ProviderEmbedder, builtin_embedder_dir};
pub use search::DEFAULT_SEARCH_RESULTS;

use crate::engine::{Engine, EngineConfig};
use crate::error::{EngineError, EngineResult};

/// The engine's documents state: where bytes go, the embedder, and the indexing workers.
pub(crate) struct Knowledge {
    blobs: Result<blobs::Blobs, String>,
    /// Swapped while the engine runs when the built-in embedder is set up after start.
    embedder: RwLock<Option<Arc<dyn Embedder>>>,
    /// One permit per file being indexed at once.
    pub(crate) workers: Arc<Semaphore>,
    /// Held while bytes are added or released, so an upload never loses a shared copy that a
    /// deletion is removing at the same moment.
    blob_lock: Mutex<()>,
    /// Woken whenever a file finishes indexing.
    pub(crate) settled: Notify,
}

impl Knowledge {
    pub(crate) fn new(config: &EngineConfig) -> Self {
        let blobs = match &config.files_dir {
            None => Err("This Hearth has no folder for files; uploads are turned off.".to_owned()),
            Some(dir) => blobs::Blobs::open(dir).map_err(|error| {
                format!(
                    "The files folder {} could not be created: {error}",
                    dir.display()
                )
            }),
        };
        if let Err(problem) = &blobs {
            log::warn!("{problem}");
        }
        match &config.embedder {
            Some(embedder) => log::info!(
                "file search: hybrid (keywords and {} vectors)",
                embedder.model()
            ),
            None => log::info!("file search: keywords only (BM25); no embedder is configured"),
        }
        Self {
            blobs,
            embedder: RwLock::new(config.embedder.clone()),
            workers: Arc::new(Semaphore::new(config.indexing_workers)),
            blob_lock: Mutex::new(()),
            settled: Notify::new(),
        }
    }

    /// The embedder vectors are made with now; `None` when search is by keyword only.
    pub(crate) fn embedder(&self) -> Option<Arc<dyn Embedder>> {
        self.embedder
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn set_embedder(&self, embedder: Option<Arc<dyn Embedder>>) {
        *self
            .embedder
            .write()
            .unwrap_or_else(PoisonError::into_inner) = embedder;
    }

    pub(crate) fn lock_blobs(&self) -> MutexGuard<'_, ()> {
        // The guard protects no data, only an order of file operations.
        self.blob_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

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

impl Engine {
    pub(crate) fn knowledge(&self) -> &Knowledge {
        &self.inner.knowledge
    }

    fn blobs(&self) -> EngineResult<&blobs::Blobs> {
        self.knowledge()
            .blobs
            .as_ref()
            .map_err(|problem| EngineError::Internal(problem.clone()))
    }

    /// The embedding model vectors are made with now; `None` when search is by keyword only.
    pub fn embedding_model(&self) -> Option<String> {
        self.knowledge()
            .embedder()
            .map(|embedder| embedder.model().to_owned())
    }

    /// Makes vectors with `embedder` from now on (an embedder set up while the app runs) and gives
    /// the files of every vector store indexed without it, or with another model, vectors of
    /// this one in the background. Searches already under way finish with the embedder they
    /// started with.
    pub fn use_embedder(&self, embedder: Arc<dyn Embedder>) -> EngineResult<()> {
        log::info!(
            "file search: hybrid (keywords and {} vectors) from now on",
            embedder.model()
        );
        self.knowledge().set_embedder(Some(embedder));
        for (vector_store_id, file_id) in self.reindex_changed_models()? {
            self.start_indexing(&vector_store_id, &file_id);
        }
        Ok(())
    }

    /// `POST /vector_stores`
    pub fn create_vector_store(
        &self,
        request: CreateVectorStoreRequest,
    ) -> EngineResult<VectorStore> {
        self.create_vector_store_now(request)
    }

    /// `POST /vector_stores/{vector_store_id}/files`: adds an uploaded file and starts indexing it.
    pub fn create_vector_store_file(
        &self,
        vector_store_id: &str,
        request: CreateVectorStoreFileRequest,
    ) -> EngineResult<VectorStoreFile> {
        self.create_vector_store_file_now(vector_store_id, request)
    }

    /// Waits until no file of these vector stores is still being indexed (a run searches a thread's
    /// store only once its attachments are in), or until `timeout` passes.
    pub async fn vector_stores_settled(
        &self,
        vector_store_ids: &[String],
        timeout: Duration,
    ) -> EngineResult<()> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let settled = self.knowledge().settled.notified();
            let mut busy = false;
            for id in vector_store_ids {
                busy |= self.store().vector_store_file_counts(id, None)?.in_progress > 0;
            }
            if !busy {
                return Ok(());
            }
            // The wait is bounded too, in case a file is resumed by another process.
            let wake = (tokio::time::Instant::now() + Duration::from_millis(200)).min(deadline);
            if tokio::time::timeout_at(wake, settled).await.is_err()
                && tokio::time::Instant::now() >= deadline
            {
                return Ok(());
            }
        }
    }

    /// The best passages for `query` over all of `vector_store_ids`, best first.
    pub async fn search_vector_stores(
        &self,
        vector_store_ids: &[String],
        query: &FileSearchQuery,
    ) -> EngineResult<Vec<FileSearchHit>> {
        let hits = self
            .find_chunks(
                vector_store_ids,
                std::slice::from_ref(&query.query),
                None,
                query.max_num_results,
                query.score_threshold,
            )
            .await?;
        Ok(hits
            .into_iter()
            .map(|hit| FileSearchHit {
                filename: self.filename_of(&hit.file_id),
                vector_store_id: hit.vector_store_id,
                file_id: hit.file_id,
                score: hit.score,
                text: hit.text,
                page: hit.page,
                heading: hit.heading,
            })
            .collect())
    }
}
