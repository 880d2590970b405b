//! Files and vector stores of a remote profile, through the client. The lists are kept as last
//! read (see `files.rs`), so the Knowledge page can be browsed offline; changing anything, and
//! searching, needs the server. The protocol's search results carry no page or heading; a cited
//! passage's place comes from hearth-server's own `passage_place` call, where the server has it.

use std::path::Path;

use async_trait::async_trait;
use futures_util::TryStreamExt;
use hearth_client::FileUpload;
use hearth_wire::{
    ChunkingStrategy, ChunkingStrategyRequest, CreateVectorStoreFileRequest,
    CreateVectorStoreRequest, FileObject, FilePurpose, ListOrder, SearchQuery, VectorStore,
    VectorStoreFile, VectorStoreSearchRequest,
};

use super::{RemoteBackend, every};
use crate::error::BackendError;
use crate::knowledge::{KnowledgeBackend, PassagePlace, ScoredChunk, open_upload, search_words};

/// The request that attaches a file again as `file` was attached.
fn attach_like(file: &VectorStoreFile) -> CreateVectorStoreFileRequest {
    let chunking_strategy = match &file.chunking_strategy {
        Some(ChunkingStrategy::Static { static_ }) => {
            Some(ChunkingStrategyRequest::Static { static_: *static_ })
        }
        _ => None,
    };
    CreateVectorStoreFileRequest {
        file_id: file.id.clone(),
        chunking_strategy,
        attributes: file.attributes.clone(),
    }
}

#[async_trait]
impl KnowledgeBackend for RemoteBackend {
    async fn list_files(&self) -> Result<Vec<FileObject>, BackendError> {
        let read = self
            .call(
                "listing the files",
                self.client
                    .all_files(every(ListOrder::Desc))
                    .try_collect::<Vec<_>>(),
            )
            .await;
        self.kept_list("files", read)
    }

    async fn upload_file(
        &self,
        path: &Path,
        purpose: FilePurpose,
    ) -> Result<FileObject, BackendError> {
        // Checked here too, so a folder or an empty file is refused in the same words.
        let (_, name) = open_upload(path).await?;
        let upload = FileUpload::new(path, purpose.as_str()).file_name(name);
        self.call("uploading the file", self.client.upload_file(&upload))
            .await
    }

    async fn delete_file(&self, file_id: &str) -> Result<(), BackendError> {
        self.call("deleting the file", self.client.delete_file(file_id))
            .await
            .map(drop)
    }

    async fn list_vector_stores(&self) -> Result<Vec<VectorStore>, BackendError> {
        let read = self
            .call(
                "listing the vector stores",
                self.client
                    .all_vector_stores(every(ListOrder::Desc))
                    .try_collect::<Vec<_>>(),
            )
            .await;
        self.kept_list("vector_stores", read)
    }

    async fn create_vector_store(
        &self,
        request: CreateVectorStoreRequest,
    ) -> Result<VectorStore, BackendError> {
        self.call(
            "creating the vector store",
            self.client.create_vector_store(&request),
        )
        .await
    }

    async fn delete_vector_store(&self, vector_store_id: &str) -> Result<(), BackendError> {
        self.call(
            "deleting the vector store",
            self.client.delete_vector_store(vector_store_id),
        )
        .await
        .map(drop)
    }

    async fn list_vector_store_files(
        &self,
        vector_store_id: &str,
    ) -> Result<Vec<VectorStoreFile>, BackendError> {
        let read = self
            .call(
                "listing the vector store's files",
                self.client
                    .all_vector_store_files(vector_store_id, every(ListOrder::Desc))
                    .try_collect::<Vec<_>>(),
            )
            .await;
        // Only an id that is one plain name may name a kept list.
        match super::files::usable_id(vector_store_id) {
            Ok(id) => self.kept_list(&format!("vector_store_files.{id}"), read),
            Err(_) => read,
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
        self.call(
            "adding the file to the vector store",
            self.client
                .create_vector_store_file(vector_store_id, &request),
        )
        .await
    }

    async fn remove_vector_store_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> Result<(), BackendError> {
        self.call(
            "taking the file out of the vector store",
            self.client
                .delete_vector_store_file(vector_store_id, file_id),
        )
        .await
        .map(drop)
    }

    /// The protocol has no re-index: the file is taken out and added again as it was.
    async fn reindex_vector_store_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> Result<VectorStoreFile, BackendError> {
        let attached = self
            .call(
                "reading the vector store file",
                self.client
                    .retrieve_vector_store_file(vector_store_id, file_id),
            )
            .await?;
        let again = attach_like(&attached);
        self.remove_vector_store_file(vector_store_id, file_id)
            .await?;
        self.call(
            "adding the file to the vector store again",
            self.client
                .create_vector_store_file(vector_store_id, &again),
        )
        .await
    }

    async fn search_vector_store(
        &self,
        vector_store_id: &str,
        query: &str,
        max_results: u32,
    ) -> Result<Vec<ScoredChunk>, BackendError> {
        let request = VectorStoreSearchRequest {
            query: SearchQuery::One(search_words(query)?),
            rewrite_query: None,
            max_num_results: Some(max_results),
            filters: None,
            ranking_options: None,
        };
        let page = self
            .call(
                "searching the vector store",
                self.client.search_vector_store(vector_store_id, &request),
            )
            .await?;
        Ok(page
            .data
            .into_iter()
            .map(|item| ScoredChunk {
                text: item
                    .content
                    .iter()
                    .map(|part| part.text.as_str())
                    .collect::<Vec<_>>()
                    .join("\n"),
                file_id: item.file_id,
                filename: item.filename,
                score: item.score,
                place: None,
            })
            .collect())
    }

    async fn passage_place(
        &self,
        file_id: &str,
        text: &str,
    ) -> Result<Option<PassagePlace>, BackendError> {
        // hearth-server's own call; another server answers 404, and offline there is no place
        // to show either: the passage is shown without one.
        let read = self
            .call(
                "finding where the passage is",
                self.client.passage_place(file_id, text),
            )
            .await;
        match read {
            Ok(place) if place.page.is_some() || place.heading.is_some() => {
                Ok(Some(PassagePlace {
                    page: place.page,
                    heading: place.heading,
                }))
            }
            Ok(_) | Err(BackendError::NotFound(_) | BackendError::Offline { .. }) => Ok(None),
            Err(error) => Err(error),
        }
    }
}
