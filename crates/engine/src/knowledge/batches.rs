//! File batches: many files added at once, watched and cancelled together.

use hearth_store::new_id;
use hearth_wire::{
    CreateVectorStoreFileBatchRequest, CreateVectorStoreFileRequest, IdPrefix, ListResponse,
    ListVectorStoreFilesQuery, Validate, VectorStoreFile, VectorStoreFileBatch,
    VectorStoreFileBatchTag, VectorStoreFileStatus,
};

use super::counts::{refresh_batch, refresh_vector_store};
use super::pipeline;
use super::vector_store_files::{attach, check_limit};
use crate::engine::{Engine, now};
use crate::error::{EngineError, EngineResult};

impl Engine {
    /// `POST /vector_stores/{vector_store_id}/file_batches`
    pub fn create_file_batch(
        &self,
        vector_store_id: &str,
        request: CreateVectorStoreFileBatchRequest,
    ) -> EngineResult<VectorStoreFileBatch> {
        request.validate()?;
        self.usable_vector_store(vector_store_id)?;
        let files: Vec<CreateVectorStoreFileRequest> = match (request.file_ids, request.files) {
            (Some(ids), _) => ids
                .into_iter()
                .map(|file_id| CreateVectorStoreFileRequest {
                    file_id,
                    chunking_strategy: request.chunking_strategy,
                    attributes: request.attributes.clone(),
                })
                .collect(),
            (None, Some(files)) => files,
            (None, None) => Vec::new(),
        };
        let batch = VectorStoreFileBatch {
            id: new_id(IdPrefix::VectorStoreFileBatch.as_str()),
            object: VectorStoreFileBatchTag,
            created_at: now(),
            vector_store_id: vector_store_id.to_owned(),
            status: VectorStoreFileStatus::InProgress,
            file_counts: Default::default(),
        };
        let (batch, attached) = self.store().transaction(|tx| {
            tx.insert_file_batch(&batch)?;
            let mut attached = Vec::new();
            for file in files {
                attached.push(attach(tx, vector_store_id, file, Some(&batch.id))?);
            }
            let batch = refresh_batch(tx, vector_store_id, &batch.id)?
                .ok_or_else(|| EngineError::Internal("the new batch vanished".to_owned()))?;
            Ok::<_, EngineError>((batch, attached))
        })?;
        for file in attached {
            if file.status == VectorStoreFileStatus::InProgress {
                self.start_indexing(vector_store_id, &file.id);
            }
        }
        Ok(batch)
    }

    /// `GET /vector_stores/{vector_store_id}/file_batches/{batch_id}`
    pub fn get_file_batch(
        &self,
        vector_store_id: &str,
        batch_id: &str,
    ) -> EngineResult<VectorStoreFileBatch> {
        self.get_vector_store(vector_store_id)?;
        self.store()
            .get_file_batch(vector_store_id, batch_id)?
            .ok_or_else(|| EngineError::not_found("file batch", batch_id))
    }

    /// `POST /vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel`: its files not yet
    /// indexed become `cancelled` (and unsearchable); those already done stay.
    pub fn cancel_file_batch(
        &self,
        vector_store_id: &str,
        batch_id: &str,
    ) -> EngineResult<VectorStoreFileBatch> {
        let batch = self.get_file_batch(vector_store_id, batch_id)?;
        if batch.status != VectorStoreFileStatus::InProgress {
            return Ok(batch);
        }
        self.store().transaction(|tx| {
            let pending = tx.batch_file_ids(
                vector_store_id,
                batch_id,
                VectorStoreFileStatus::InProgress.as_str(),
            )?;
            for file_id in pending {
                if let Some(mut file) = tx.get_vector_store_file(vector_store_id, &file_id)? {
                    file.status = VectorStoreFileStatus::Cancelled;
                    tx.update_vector_store_file(&file)?;
                    pipeline::delete_file_chunks(tx, vector_store_id, &file_id)?;
                }
            }
            let mut batch = batch.clone();
            batch.status = VectorStoreFileStatus::Cancelled;
            tx.update_file_batch(&batch)?;
            refresh_vector_store(tx, vector_store_id)?;
            refresh_batch(tx, vector_store_id, batch_id)?
                .ok_or_else(|| EngineError::not_found("file batch", batch_id))
        })
    }

    /// `GET /vector_stores/{vector_store_id}/file_batches/{batch_id}/files`
    pub fn list_file_batch_files(
        &self,
        vector_store_id: &str,
        batch_id: &str,
        query: &ListVectorStoreFilesQuery,
    ) -> EngineResult<ListResponse<VectorStoreFile>> {
        check_limit(query)?;
        self.get_file_batch(vector_store_id, batch_id)?;
        Ok(self
            .store()
            .list_vector_store_files(vector_store_id, Some(batch_id), query)?)
    }
}
