//! Background indexing: a file attached to a vector store is parsed, chunked (searchable by
//! keyword from then on) and embedded, a few files at a time, then marked `completed` or `failed`.
//! A file whose store, batch or attachment went away meanwhile is left alone.

use std::time::Duration;

use hearth_wire::{
    ChunkingStrategy, StaticChunking, VectorStoreFile, VectorStoreFileError,
    VectorStoreFileErrorCode, VectorStoreFileStatus,
};

use super::counts::refresh_after_file_change;
use super::pipeline::{self, PreparedChunk};
use crate::engine::Engine;
use crate::error::{EngineError, EngineResult};

/// How many chunks go to the embedder in one call; each batch's vectors are stored before the
/// next starts, so a big file makes progress several seconds at a time. The built-in embedder
/// reads a batch's overlapping chunks as one text, so neighbouring batches share only one chunk's
/// overlap: the larger the batch, the less text is read twice (1/65 of it at 64 chunks).
const EMBED_BATCH: usize = 64;

/// How long parsing a file may take before it fails: a minute, and 20 s more per MB (the slowest
/// reader, PDF, does about 0.25 MB/s on one core). A crafted PDF can make the reader loop.
fn parse_time_limit(bytes: u64) -> Duration {
    Duration::from_secs(60 + 20 * bytes.div_ceil(1024 * 1024))
}

/// Why indexing a file stopped early.
enum Stop {
    /// The file was detached, cancelled, or its store deleted: nothing more to write.
    Gone,
    /// The file cannot be indexed; it becomes `failed` with this error.
    Failed(VectorStoreFileError),
}

impl From<EngineError> for Stop {
    fn from(error: EngineError) -> Self {
        Stop::Failed(server_error(error.to_string()))
    }
}

fn server_error(message: String) -> VectorStoreFileError {
    VectorStoreFileError {
        code: VectorStoreFileErrorCode::ServerError,
        message,
    }
}

fn sizes_of(file: &VectorStoreFile) -> StaticChunking {
    match &file.chunking_strategy {
        Some(ChunkingStrategy::Static { static_ }) => *static_,
        _ => StaticChunking::AUTO,
    }
}

impl Engine {
    /// Queues file `file_id` of vector store `vector_store_id` for indexing. Outside a tokio
    /// runtime it stays `in_progress` and is picked up at the next start.
    pub(crate) fn start_indexing(&self, vector_store_id: &str, file_id: &str) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            log::warn!("no runtime to index {file_id} now; it is resumed at the next start");
            return;
        };
        let engine = self.clone();
        let vector_store_id = vector_store_id.to_owned();
        let file_id = file_id.to_owned();
        runtime.spawn(async move { engine.index_file(&vector_store_id, &file_id).await });
    }

    async fn index_file(&self, vector_store_id: &str, file_id: &str) {
        let workers = self.knowledge().workers.clone();
        let Ok(_permit) = workers.acquire_owned().await else {
            return;
        };
        let outcome = self.index_steps(vector_store_id, file_id).await;
        let ending = match outcome {
            Ok(()) => Some((VectorStoreFileStatus::Completed, None)),
            Err(Stop::Failed(error)) => {
                log::warn!(
                    "indexing {file_id} in {vector_store_id} failed: {}",
                    error.message
                );
                Some((VectorStoreFileStatus::Failed, Some(error)))
            }
            Err(Stop::Gone) => None,
        };
        if let Some((status, error)) = ending
            && let Err(error) = self.finish_file(vector_store_id, file_id, status, error)
        {
            log::error!("could not record the end of indexing {file_id}: {error}");
        }
        self.knowledge().settled.notify_waiters();
    }

    /// The attachment, if it is still waiting to be indexed.
    fn pending(&self, vector_store_id: &str, file_id: &str) -> Result<VectorStoreFile, Stop> {
        match self.store().get_vector_store_file(vector_store_id, file_id) {
            Ok(Some(file)) if file.status == VectorStoreFileStatus::InProgress => Ok(file),
            Ok(_) => Err(Stop::Gone),
            Err(error) => Err(Stop::Failed(server_error(error.to_string()))),
        }
    }

    async fn index_steps(&self, vector_store_id: &str, file_id: &str) -> Result<(), Stop> {
        let attachment = self.pending(vector_store_id, file_id)?;
        let (file, path) = self.file_content(file_id).map_err(|_| {
            Stop::Failed(server_error(format!(
                "The file {file_id} was deleted before it was indexed."
            )))
        })?;
        let sizes = sizes_of(&attachment);
        let filename = file.filename.clone();
        let parsing = tokio::task::spawn_blocking(move || {
            let bytes = std::fs::read(&path).map_err(|error| {
                server_error(format!(
                    "{filename}: the stored bytes could not be read: {error}"
                ))
            })?;
            pipeline::prepare(&filename, &bytes, sizes)
        });
        let limit = parse_time_limit(file.bytes);
        // On a timeout the reader's thread is abandoned; the file fails and the worker moves on.
        let chunks = tokio::time::timeout(limit, parsing)
            .await
            .map_err(|_| {
                Stop::Failed(VectorStoreFileError {
                    code: VectorStoreFileErrorCode::InvalidFile,
                    message: format!(
                        "The file '{}' could not be read within {} s; it may be damaged or built to stall readers.",
                        file.filename,
                        limit.as_secs()
                    ),
                })
            })?
            .map_err(|error| {
                Stop::Failed(server_error(format!(
                    "{}: parsing stopped: {error}",
                    file.filename
                )))
            })?
            .map_err(Stop::Failed)?;
        self.write_chunks(vector_store_id, file_id, &chunks)?;
        self.embed_file(vector_store_id, file_id, &chunks).await
    }

    /// Stores the chunks (searchable by keyword from now on) and the file's size in the store.
    fn write_chunks(
        &self,
        vector_store_id: &str,
        file_id: &str,
        chunks: &[PreparedChunk],
    ) -> Result<(), Stop> {
        let written = self.store().transaction(|tx| {
            let Some(mut file) = tx.get_vector_store_file(vector_store_id, file_id)? else {
                return Ok::<_, EngineError>(false);
            };
            if file.status != VectorStoreFileStatus::InProgress {
                return Ok(false);
            }
            pipeline::write_chunks(tx, vector_store_id, file_id, chunks)?;
            file.usage_bytes = chunks.iter().map(|chunk| chunk.text.len() as u64).sum();
            tx.update_vector_store_file(&file)?;
            super::counts::refresh_vector_store(tx, vector_store_id)?;
            Ok(true)
        })?;
        if written { Ok(()) } else { Err(Stop::Gone) }
    }

    /// Gives every chunk of the file (just written from `chunks`) a vector of the configured
    /// embedder, a batch at a time.
    async fn embed_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
        chunks: &[PreparedChunk],
    ) -> Result<(), Stop> {
        let Some(embedder) = self.knowledge().embedder() else {
            return Ok(());
        };
        let model = embedder.model().to_owned();
        let missing = self
            .store()
            .read(|tx| {
                Ok(pipeline::chunks_missing_vectors(
                    tx,
                    vector_store_id,
                    file_id,
                    &model,
                ))
            })
            .map_err(EngineError::from)??;
        let located = locate_chunks(&missing, chunks).ok_or_else(|| {
            Stop::Failed(server_error(format!(
                "the chunks of {file_id} changed while they were being embedded"
            )))
        })?;
        for batch in located.chunks(EMBED_BATCH) {
            self.pending(vector_store_id, file_id)?;
            let texts: Vec<(u64, String)> = batch
                .iter()
                .map(|(_, start, text)| (*start, text.clone()))
                .collect();
            let vectors = embedder.embed_chunks(&texts).await.map_err(|error| {
                Stop::Failed(server_error(format!(
                    "Embedding with {model} failed: {error}"
                )))
            })?;
            let pairs: Vec<(i64, Vec<f32>)> =
                batch.iter().map(|(id, _, _)| *id).zip(vectors).collect();
            self.store()
                .transaction(|tx| pipeline::set_vectors(tx, &model, &pairs))?;
        }
        Ok(())
    }

    /// Records how indexing ended, unless the file was detached or cancelled meanwhile.
    fn finish_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
        status: VectorStoreFileStatus,
        error: Option<VectorStoreFileError>,
    ) -> EngineResult<()> {
        self.store().transaction(|tx| {
            let Some(mut file) = tx.get_vector_store_file(vector_store_id, file_id)? else {
                return Ok(());
            };
            if file.status != VectorStoreFileStatus::InProgress {
                return Ok(());
            }
            if status == VectorStoreFileStatus::Failed {
                // A failed file is not searchable, even by the chunks it got to write.
                pipeline::delete_file_chunks(tx, vector_store_id, file_id)?;
                file.usage_bytes = 0;
            }
            file.status = status;
            file.last_error = error;
            tx.update_vector_store_file(&file)?;
            let batch_id = tx.vector_store_file_batch_id(vector_store_id, file_id)?;
            refresh_after_file_change(tx, vector_store_id, batch_id.as_deref())
        })
    }

    /// At start-up: removes partial uploads, re-indexes stores whose vectors come from another
    /// embedding model than the one configured now, and resumes files a previous process left
    /// `in_progress`. Returns how many files were queued.
    pub(crate) fn resume_indexing(&self) -> EngineResult<usize> {
        if let Ok(blobs) = self.blobs() {
            let removed = blobs.clean_up(self.store());
            if removed > 0 {
                log::info!("removed {removed} partial or unused upload(s)");
            }
        }
        self.reindex_changed_models()?;
        let pending = self
            .store()
            .vector_store_files_in_status(VectorStoreFileStatus::InProgress.as_str())?;
        for (vector_store_id, file_id) in &pending {
            self.start_indexing(vector_store_id, file_id);
        }
        if !pending.is_empty() {
            log::info!("resuming the indexing of {} file(s)", pending.len());
        }
        Ok(pending.len())
    }

    /// Puts the completed files of every store whose embedding model differs from the configured
    /// one back in progress, so they get vectors of the configured model; returns those files.
    pub(crate) fn reindex_changed_models(&self) -> EngineResult<Vec<(String, String)>> {
        let model = self.embedding_model();
        let completed = self
            .store()
            .vector_store_files_in_status(VectorStoreFileStatus::Completed.as_str())?;
        let mut changed: Vec<String> = Vec::new();
        let mut requeued: Vec<(String, String)> = Vec::new();
        self.store().transaction(|tx| {
            for (vector_store_id, file_id) in &completed {
                let recorded = tx.vector_store_embedding_model(vector_store_id)?;
                // Without an embedder the vectors already there are kept for when one returns.
                if model.is_none() || recorded == model {
                    continue;
                }
                if let Some(mut file) = tx.get_vector_store_file(vector_store_id, file_id)? {
                    file.status = VectorStoreFileStatus::InProgress;
                    tx.update_vector_store_file(&file)?;
                    requeued.push((vector_store_id.clone(), file_id.clone()));
                }
                if !changed.contains(vector_store_id) {
                    changed.push(vector_store_id.clone());
                }
            }
            for vector_store_id in &changed {
                tx.set_vector_store_embedding_model(vector_store_id, model.as_deref())?;
                super::counts::refresh_vector_store(tx, vector_store_id)?;
            }
            Ok::<_, EngineError>(())
        })?;
        for vector_store_id in &changed {
            log::info!(
                "vector store {vector_store_id} is re-indexed for the embedding model {}",
                model.as_deref().unwrap_or("(none: keyword search)")
            );
        }
        Ok(requeued)
    }
}

/// Each stored chunk still without a vector, `(id, text)` in chunk order, with where it starts in
/// the file's text (characters), found among the file's `chunks` (in the same order); `None` when
/// one is not there.
fn locate_chunks(
    missing: &[(i64, String)],
    chunks: &[PreparedChunk],
) -> Option<Vec<(i64, u64, String)>> {
    let mut rest = chunks.iter();
    missing
        .iter()
        .map(|(id, text)| {
            let chunk = rest.find(|chunk| chunk.text == *text)?;
            Some((*id, chunk.start, text.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(index: u32, text: &str, start: u64) -> PreparedChunk {
        PreparedChunk {
            index,
            text: text.to_owned(),
            start,
            end: start + text.chars().count() as u64,
            page: None,
            heading: None,
            tokens: 1,
        }
    }

    #[test]
    fn stored_chunks_find_their_offsets_even_when_texts_repeat() {
        let chunks = [
            chunk(0, "ab ab", 0),
            chunk(1, "ab cd", 3),
            chunk(2, "ab ab", 6),
        ];
        let missing = vec![(10, "ab cd".to_owned()), (11, "ab ab".to_owned())];
        let located = locate_chunks(&missing, &chunks).expect("both are among the chunks");
        assert_eq!(
            located,
            vec![(10, 3, "ab cd".to_owned()), (11, 6, "ab ab".to_owned())],
            "the second 'ab ab' after 'ab cd' is the third chunk"
        );
    }

    #[test]
    fn a_chunk_that_is_not_there_is_noticed() {
        let chunks = [chunk(0, "one", 0)];
        assert_eq!(locate_chunks(&[(1, "two".to_owned())], &chunks), None);
    }
}
