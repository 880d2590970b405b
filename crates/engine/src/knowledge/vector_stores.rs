//! Vector stores: create, retrieve, modify, delete, list; their use moves their expiry.

use hearth_store::new_id;
use hearth_wire::{
    CreateVectorStoreFileRequest, CreateVectorStoreRequest, IdPrefix, ListQuery, ListResponse,
    UpdateVectorStoreRequest, Validate, VectorStore, VectorStoreDeleted, VectorStoreStatus,
    VectorStoreTag,
};

use super::counts::{expire_if_due, expires_at, refresh_vector_store};
use super::pipeline;
use crate::engine::{Engine, now};
use crate::error::{EngineError, EngineResult};

impl Engine {
    /// Creates a vector store and attaches `file_ids`, which start indexing in the background.
    pub(crate) fn create_vector_store_now(
        &self,
        request: CreateVectorStoreRequest,
    ) -> EngineResult<VectorStore> {
        request.validate()?;
        let file_ids = request.file_ids.clone().unwrap_or_default();
        for file_id in &file_ids {
            self.get_file(file_id)?;
        }
        let created_at = now();
        let mut store = VectorStore {
            id: new_id(IdPrefix::VectorStore.as_str()),
            object: VectorStoreTag,
            created_at,
            name: request.name.unwrap_or_default(),
            usage_bytes: 0,
            file_counts: Default::default(),
            status: VectorStoreStatus::Completed,
            expires_after: request.expires_after,
            expires_at: None,
            last_active_at: Some(created_at),
            metadata: Some(request.metadata.unwrap_or_default()),
        };
        store.expires_at = expires_at(&store);
        let model = self.embedding_model();
        let attached = self.store().transaction(|tx| {
            tx.insert_vector_store(&store)?;
            tx.set_vector_store_embedding_model(&store.id, model.as_deref())?;
            let mut attached = Vec::new();
            for file_id in &file_ids {
                let file = CreateVectorStoreFileRequest {
                    file_id: file_id.clone(),
                    chunking_strategy: request.chunking_strategy,
                    attributes: None,
                };
                attached.push(super::vector_store_files::attach(
                    tx, &store.id, file, None,
                )?);
            }
            Ok::<_, EngineError>(attached)
        })?;
        let store = self
            .store()
            .transaction(|tx| refresh_vector_store(tx, &store.id))?
            .ok_or_else(|| EngineError::not_found("vector store", &store.id))?;
        for file in attached {
            self.start_indexing(&file.vector_store_id, &file.id);
        }
        Ok(store)
    }

    /// `GET /vector_stores/{vector_store_id}`
    pub fn get_vector_store(&self, vector_store_id: &str) -> EngineResult<VectorStore> {
        IdPrefix::VectorStore.check("vector_store_id", vector_store_id)?;
        self.store().transaction(|tx| {
            let mut store = tx
                .get_vector_store(vector_store_id)?
                .ok_or_else(|| EngineError::not_found("vector store", vector_store_id))?;
            expire_if_due(tx, &mut store)?;
            Ok(store)
        })
    }

    /// `POST /vector_stores/{vector_store_id}`: name, expiry policy and metadata. A new expiry
    /// policy counts from now, as the store counts as used.
    pub fn modify_vector_store(
        &self,
        vector_store_id: &str,
        request: UpdateVectorStoreRequest,
    ) -> EngineResult<VectorStore> {
        request.validate()?;
        let mut store = self.get_vector_store(vector_store_id)?;
        if let Some(name) = request.name {
            store.name = name.unwrap_or_default();
        }
        if let Some(expiry) = request.expires_after {
            store.expires_after = expiry;
            if store.status != VectorStoreStatus::Expired {
                store.last_active_at = Some(now());
            }
            store.expires_at = expires_at(&store);
        }
        if let Some(metadata) = request.metadata {
            store.metadata = Some(metadata.unwrap_or_default());
        }
        self.store().update_vector_store(&store)?;
        Ok(store)
    }

    /// `DELETE /vector_stores/{vector_store_id}`: its files are detached (the files themselves stay).
    pub fn delete_vector_store(&self, vector_store_id: &str) -> EngineResult<VectorStoreDeleted> {
        IdPrefix::VectorStore.check("vector_store_id", vector_store_id)?;
        let deleted = self.store().transaction(|tx| {
            pipeline::delete_store_chunks(tx, vector_store_id)?;
            Ok::<_, EngineError>(tx.delete_vector_store(vector_store_id)?)
        })?;
        if !deleted {
            return Err(EngineError::not_found("vector store", vector_store_id));
        }
        Ok(VectorStoreDeleted::new(vector_store_id))
    }

    /// `GET /vector_stores`
    pub fn list_vector_stores(&self, query: &ListQuery) -> EngineResult<ListResponse<VectorStore>> {
        crate::lists::check_query(query)?;
        self.store().transaction(|tx| {
            let mut page = tx.list_vector_stores(query)?;
            for store in &mut page.data {
                expire_if_due(tx, store)?;
            }
            Ok(page)
        })
    }

    /// Records that `vector_store_ids` were used now (a search, a run), which moves their expiry.
    pub(crate) fn touch_vector_stores(&self, vector_store_ids: &[String]) -> EngineResult<()> {
        let at = now();
        self.store().transaction(|tx| {
            for id in vector_store_ids {
                let Some(mut store) = tx.get_vector_store(id)? else {
                    continue;
                };
                if store.status == VectorStoreStatus::Expired {
                    continue;
                }
                store.last_active_at = Some(at);
                store.expires_at = expires_at(&store);
                tx.update_vector_store(&store)?;
            }
            Ok(())
        })
    }

    /// Vector store `id`, refused when it has expired (an expired store cannot be searched or
    /// given files, as hosted).
    pub(crate) fn usable_vector_store(&self, vector_store_id: &str) -> EngineResult<VectorStore> {
        let store = self.get_vector_store(vector_store_id)?;
        if store.status == VectorStoreStatus::Expired {
            return Err(EngineError::invalid(
                format!("Vector store {vector_store_id} has expired and can no longer be used."),
                Some("vector_store_id"),
            ));
        }
        Ok(store)
    }
}
