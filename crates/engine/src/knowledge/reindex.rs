//! Indexing a file of a vector store again: after a failure that has since gone away (an embedder
//! that was down, a reader that has been fixed), or to give its chunks the embedder in use now.

use hearth_wire::{VectorStoreFile, VectorStoreFileStatus};

use super::counts::refresh_after_file_change;
use super::pipeline;
use super::vector_store_files::not_in_store;
use crate::engine::Engine;
use crate::error::{EngineError, EngineResult};

impl Engine {
    /// Drops the file's chunks and indexes it again from its stored bytes, keeping its
    /// attributes and chunking strategy; the file is `in_progress` until that ends. A file still
    /// being indexed is refused: it is about to have fresh chunks anyway.
    pub fn reindex_vector_store_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> EngineResult<VectorStoreFile> {
        self.usable_vector_store(vector_store_id)?;
        let file = self.store().transaction(|tx| {
            let mut file = tx
                .get_vector_store_file(vector_store_id, file_id)?
                .ok_or_else(|| not_in_store(vector_store_id, file_id))?;
            if file.status == VectorStoreFileStatus::InProgress {
                return Err(EngineError::invalid(
                    format!(
                        "File '{file_id}' is still being indexed in vector store '{vector_store_id}'; it can be indexed again once that ends."
                    ),
                    Some("file_id"),
                ));
            }
            if tx.get_file(file_id)?.is_none() {
                return Err(super::files::no_such_file(file_id));
            }
            let batch_id = tx.vector_store_file_batch_id(vector_store_id, file_id)?;
            pipeline::delete_file_chunks(tx, vector_store_id, file_id)?;
            file.status = VectorStoreFileStatus::InProgress;
            file.last_error = None;
            file.usage_bytes = 0;
            tx.update_vector_store_file(&file)?;
            refresh_after_file_change(tx, vector_store_id, batch_id.as_deref())?;
            Ok(file)
        })?;
        self.start_indexing(vector_store_id, file_id);
        Ok(file)
    }
}
