//! Vector stores, their files, file batches, search and parsed file content: `/vector_stores…`.

use futures_util::Stream;
use serde::Serialize;

use crate::request::{Call, seg};
use crate::{
    Client, Error, ListQuery, Page, VectorStore, VectorStoreDeleted, VectorStoreFile,
    VectorStoreFileBatch, VectorStoreFileContent, VectorStoreFileDeleted,
    VectorStoreSearchResultsPage,
};

fn store_path(store_id: &str) -> String {
    format!("/vector_stores/{}", seg(store_id))
}

fn file_path(store_id: &str, file_id: &str) -> String {
    format!("/vector_stores/{}/files/{}", seg(store_id), seg(file_id))
}

fn batch_path(store_id: &str, batch_id: &str) -> String {
    format!(
        "/vector_stores/{}/file_batches/{}",
        seg(store_id),
        seg(batch_id)
    )
}

impl Client {
    /// `POST /vector_stores` with a `CreateVectorStoreRequest`.
    pub async fn create_vector_store(&self, body: &impl Serialize) -> Result<VectorStore, Error> {
        self.json(Call::post("/vector_stores".into()).beta().json(body)?)
            .await
    }

    /// `GET /vector_stores/{vector_store_id}`.
    pub async fn retrieve_vector_store(&self, store_id: &str) -> Result<VectorStore, Error> {
        self.json(Call::get(store_path(store_id)).beta()).await
    }

    /// `POST /vector_stores/{vector_store_id}` with an `UpdateVectorStoreRequest`.
    pub async fn modify_vector_store(
        &self,
        store_id: &str,
        body: &impl Serialize,
    ) -> Result<VectorStore, Error> {
        self.json(Call::post(store_path(store_id)).beta().json(body)?)
            .await
    }

    /// `DELETE /vector_stores/{vector_store_id}`.
    pub async fn delete_vector_store(&self, store_id: &str) -> Result<VectorStoreDeleted, Error> {
        self.json(Call::delete(store_path(store_id)).beta()).await
    }

    /// `GET /vector_stores`: one page.
    pub async fn list_vector_stores(&self, query: &ListQuery) -> Result<Page<VectorStore>, Error> {
        self.page("/vector_stores".into(), true, query).await
    }

    /// `GET /vector_stores`: every store, page after page.
    pub fn all_vector_stores(
        &self,
        query: ListQuery,
    ) -> impl Stream<Item = Result<VectorStore, Error>> + Send + 'static {
        self.paginate("/vector_stores".into(), true, query)
    }

    /// `POST /vector_stores/{vs}/search` with a `VectorStoreSearchRequest`.
    pub async fn search_vector_store(
        &self,
        store_id: &str,
        body: &impl Serialize,
    ) -> Result<VectorStoreSearchResultsPage, Error> {
        self.json(
            Call::post(format!("{}/search", store_path(store_id)))
                .beta()
                .json(body)?,
        )
        .await
    }

    /// `POST /vector_stores/{vs}/files` with a `CreateVectorStoreFileRequest` (attaches an uploaded file).
    pub async fn create_vector_store_file(
        &self,
        store_id: &str,
        body: &impl Serialize,
    ) -> Result<VectorStoreFile, Error> {
        self.json(
            Call::post(format!("{}/files", store_path(store_id)))
                .beta()
                .json(body)?,
        )
        .await
    }

    /// `GET /vector_stores/{vs}/files/{file_id}`.
    pub async fn retrieve_vector_store_file(
        &self,
        store_id: &str,
        file_id: &str,
    ) -> Result<VectorStoreFile, Error> {
        self.json(Call::get(file_path(store_id, file_id)).beta())
            .await
    }

    /// `POST /vector_stores/{vs}/files/{file_id}` with an `UpdateVectorStoreFileAttributesRequest`.
    pub async fn update_vector_store_file(
        &self,
        store_id: &str,
        file_id: &str,
        body: &impl Serialize,
    ) -> Result<VectorStoreFile, Error> {
        self.json(Call::post(file_path(store_id, file_id)).beta().json(body)?)
            .await
    }

    /// `DELETE /vector_stores/{vs}/files/{file_id}`: detaches it; the file itself survives.
    pub async fn delete_vector_store_file(
        &self,
        store_id: &str,
        file_id: &str,
    ) -> Result<VectorStoreFileDeleted, Error> {
        self.json(Call::delete(file_path(store_id, file_id)).beta())
            .await
    }

    /// `GET /vector_stores/{vs}/files`: one page (status `filter` via `query.param`).
    pub async fn list_vector_store_files(
        &self,
        store_id: &str,
        query: &ListQuery,
    ) -> Result<Page<VectorStoreFile>, Error> {
        self.page(format!("{}/files", store_path(store_id)), true, query)
            .await
    }

    /// `GET /vector_stores/{vs}/files`: every file, page after page.
    pub fn all_vector_store_files(
        &self,
        store_id: &str,
        query: ListQuery,
    ) -> impl Stream<Item = Result<VectorStoreFile, Error>> + Send + 'static {
        self.paginate(format!("{}/files", store_path(store_id)), true, query)
    }

    /// `GET /vector_stores/{vs}/files/{file_id}/content`: the parsed text.
    pub async fn vector_store_file_content(
        &self,
        store_id: &str,
        file_id: &str,
    ) -> Result<VectorStoreFileContent, Error> {
        self.json(Call::get(format!("{}/content", file_path(store_id, file_id))).beta())
            .await
    }

    /// `POST /vector_stores/{vs}/file_batches` with a `CreateVectorStoreFileBatchRequest`.
    pub async fn create_file_batch(
        &self,
        store_id: &str,
        body: &impl Serialize,
    ) -> Result<VectorStoreFileBatch, Error> {
        self.json(
            Call::post(format!("{}/file_batches", store_path(store_id)))
                .beta()
                .json(body)?,
        )
        .await
    }

    /// `GET /vector_stores/{vs}/file_batches/{batch_id}`.
    pub async fn retrieve_file_batch(
        &self,
        store_id: &str,
        batch_id: &str,
    ) -> Result<VectorStoreFileBatch, Error> {
        self.json(Call::get(batch_path(store_id, batch_id)).beta())
            .await
    }

    /// `POST /vector_stores/{vs}/file_batches/{batch_id}/cancel` (no body).
    pub async fn cancel_file_batch(
        &self,
        store_id: &str,
        batch_id: &str,
    ) -> Result<VectorStoreFileBatch, Error> {
        self.json(Call::post(format!("{}/cancel", batch_path(store_id, batch_id))).beta())
            .await
    }

    /// `GET /vector_stores/{vs}/file_batches/{batch_id}/files`: one page.
    pub async fn list_file_batch_files(
        &self,
        store_id: &str,
        batch_id: &str,
        query: &ListQuery,
    ) -> Result<Page<VectorStoreFile>, Error> {
        self.page(
            format!("{}/files", batch_path(store_id, batch_id)),
            true,
            query,
        )
        .await
    }

    /// `GET /vector_stores/{vs}/file_batches/{batch_id}/files`: every file, page after page.
    pub fn all_file_batch_files(
        &self,
        store_id: &str,
        batch_id: &str,
        query: ListQuery,
    ) -> impl Stream<Item = Result<VectorStoreFile, Error>> + Send + 'static {
        self.paginate(
            format!("{}/files", batch_path(store_id, batch_id)),
            true,
            query,
        )
    }
}
