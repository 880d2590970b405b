//! Files and vector stores of "this computer": straight calls into the engine.

use std::path::Path;

use async_trait::async_trait;
use hearth_engine::FileSearchQuery;
use hearth_wire::{
    CreateVectorStoreFileRequest, CreateVectorStoreRequest, FileObject, FilePurpose,
    ListFilesQuery, ListOrder, ListQuery, ListVectorStoreFilesQuery, UploadFileParams, VectorStore,
    VectorStoreFile,
};

use super::EmbeddedBackend;
use crate::backend::all_pages;
use crate::error::BackendError;
use crate::knowledge::{KnowledgeBackend, PassagePlace, ScoredChunk, open_upload, search_words};

/// The engine's file list pages at most this many.
const FILES_PAGE: u32 = 10_000;

#[async_trait]
impl KnowledgeBackend for EmbeddedBackend {
    async fn list_files(&self) -> Result<Vec<FileObject>, BackendError> {
        let mut files = Vec::new();
        let mut query = ListFilesQuery {
            limit: Some(FILES_PAGE),
            order: Some(ListOrder::Desc),
            ..Default::default()
        };
        loop {
            let page = self.engine.list_files(&query)?;
            files.extend(page.data);
            match files.last() {
                Some(last) if page.has_more => query.after = Some(last.id.clone()),
                _ => return Ok(files),
            }
        }
    }

    async fn upload_file(
        &self,
        path: &Path,
        purpose: FilePurpose,
    ) -> Result<FileObject, BackendError> {
        let (file, name) = open_upload(path).await?;
        let body = tokio_util::io::ReaderStream::new(file);
        let staged = self.engine.stage_upload(&name, body).await?;
        let params = UploadFileParams {
            purpose,
            expires_after: None,
        };
        Ok(self.engine.create_file(staged, &name, params)?)
    }

    async fn delete_file(&self, file_id: &str) -> Result<(), BackendError> {
        self.engine.delete_file(file_id)?;
        Ok(())
    }

    async fn list_vector_stores(&self) -> Result<Vec<VectorStore>, BackendError> {
        all_pages(
            ListOrder::Desc,
            |store: &VectorStore| &store.id,
            |query: &ListQuery| Ok(self.engine.list_vector_stores(query)?),
        )
    }

    async fn create_vector_store(
        &self,
        request: CreateVectorStoreRequest,
    ) -> Result<VectorStore, BackendError> {
        Ok(self.engine.create_vector_store(request)?)
    }

    async fn delete_vector_store(&self, vector_store_id: &str) -> Result<(), BackendError> {
        self.engine.delete_vector_store(vector_store_id)?;
        Ok(())
    }

    async fn list_vector_store_files(
        &self,
        vector_store_id: &str,
    ) -> Result<Vec<VectorStoreFile>, BackendError> {
        let mut files = Vec::new();
        let mut query = ListVectorStoreFilesQuery {
            limit: Some(ListQuery::MAX_LIMIT),
            order: Some(ListOrder::Desc),
            ..Default::default()
        };
        loop {
            let page = self
                .engine
                .list_vector_store_files(vector_store_id, &query)?;
            files.extend(page.data);
            match files.last() {
                Some(last) if page.has_more => query.after = Some(last.id.clone()),
                _ => return Ok(files),
            }
        }
    }

    async fn add_vector_store_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> Result<VectorStoreFile, BackendError> {
        let request = CreateVectorStoreFileRequest {
            file_id: file_id.to_owned(),
            ..Default::default()
        };
        Ok(self
            .engine
            .create_vector_store_file(vector_store_id, request)?)
    }

    async fn remove_vector_store_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> Result<(), BackendError> {
        self.engine
            .delete_vector_store_file(vector_store_id, file_id)?;
        Ok(())
    }

    async fn reindex_vector_store_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> Result<VectorStoreFile, BackendError> {
        Ok(self
            .engine
            .reindex_vector_store_file(vector_store_id, file_id)?)
    }

    async fn search_vector_store(
        &self,
        vector_store_id: &str,
        query: &str,
        max_results: u32,
    ) -> Result<Vec<ScoredChunk>, BackendError> {
        let query = search_words(query)?;
        // A store that does not exist is named, not searched as if empty.
        self.engine.get_vector_store(vector_store_id)?;
        let hits = self
            .engine
            .search_vector_stores(
                &[vector_store_id.to_owned()],
                &FileSearchQuery {
                    query,
                    max_num_results: max_results,
                    score_threshold: 0.0,
                },
            )
            .await?;
        Ok(hits
            .into_iter()
            .map(|hit| ScoredChunk {
                file_id: hit.file_id,
                filename: hit.filename,
                score: hit.score,
                text: hit.text,
                place: Some(PassagePlace {
                    page: hit.page,
                    heading: hit.heading,
                }),
            })
            .collect())
    }

    async fn passage_place(
        &self,
        file_id: &str,
        text: &str,
    ) -> Result<Option<PassagePlace>, BackendError> {
        let store = self.engine.store().clone();
        let (file_id, text) = (file_id.to_owned(), text.to_owned());
        let place = tokio::task::spawn_blocking(move || store.chunk_place(&file_id, &text))
            .await
            .map_err(|error| BackendError::Internal(format!("The read stopped: {error}")))??;
        Ok(place.map(PassagePlace::from))
    }
}
