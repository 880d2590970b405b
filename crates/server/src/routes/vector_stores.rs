//! `/v1/vector_stores`: the stores, their files, file batches and search.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use hearth_engine::Engine;
use hearth_wire::{
    CreateVectorStoreFileBatchRequest, CreateVectorStoreFileRequest, CreateVectorStoreRequest,
    ListResponse, ListVectorStoreFilesQuery, UpdateVectorStoreFileAttributesRequest,
    UpdateVectorStoreRequest, VectorStore, VectorStoreDeleted, VectorStoreFile,
    VectorStoreFileBatch, VectorStoreFileContent, VectorStoreFileDeleted, VectorStoreFileStatus,
    VectorStoreSearchRequest,
};

use super::blocking;
use crate::errors::{ApiResult, Failure};
use crate::extract::{JsonBody, ListParams};

/// Response header saying how search ranked: `hybrid` (keywords and vectors of the named model) or
/// `keyword` (no embedder configured).
pub const SEARCH_MODE_HEADER: &str = "hearth-search-mode";

/// `POST /v1/vector_stores`
pub async fn create(
    State(engine): State<Engine>,
    JsonBody(request): JsonBody<CreateVectorStoreRequest>,
) -> ApiResult<Json<VectorStore>> {
    Ok(Json(
        blocking(&engine, move |engine| engine.create_vector_store(request)).await?,
    ))
}

/// `GET /v1/vector_stores`
pub async fn list(
    State(engine): State<Engine>,
    params: ListParams,
) -> ApiResult<Json<ListResponse<VectorStore>>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.list_vector_stores(&params.query)
        })
        .await?,
    ))
}

/// `GET /v1/vector_stores/{vector_store_id}`
pub async fn retrieve(
    State(engine): State<Engine>,
    Path(id): Path<String>,
) -> ApiResult<Json<VectorStore>> {
    Ok(Json(
        blocking(&engine, move |engine| engine.get_vector_store(&id)).await?,
    ))
}

/// `POST /v1/vector_stores/{vector_store_id}`
pub async fn modify(
    State(engine): State<Engine>,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<UpdateVectorStoreRequest>,
) -> ApiResult<Json<VectorStore>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.modify_vector_store(&id, request)
        })
        .await?,
    ))
}

/// `DELETE /v1/vector_stores/{vector_store_id}`
pub async fn delete(
    State(engine): State<Engine>,
    Path(id): Path<String>,
) -> ApiResult<Json<VectorStoreDeleted>> {
    Ok(Json(
        blocking(&engine, move |engine| engine.delete_vector_store(&id)).await?,
    ))
}

/// `POST /v1/vector_stores/{vector_store_id}/search`
pub async fn search(
    State(engine): State<Engine>,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<VectorStoreSearchRequest>,
) -> ApiResult<Response> {
    let page = engine.search_vector_store(&id, request).await?;
    let mode = match engine.embedding_model() {
        Some(model) => format!("hybrid; model={model}"),
        None => "keyword".to_owned(),
    };
    let mut response = Json(page).into_response();
    if let Ok(value) = HeaderValue::from_str(&mode) {
        response.headers_mut().insert(SEARCH_MODE_HEADER, value);
    }
    Ok(response)
}

fn files_query(params: ListParams) -> Result<ListVectorStoreFilesQuery, Failure> {
    let filter = match params.filter.as_deref() {
        None => None,
        Some(status @ ("in_progress" | "completed" | "failed" | "cancelled")) => {
            Some(VectorStoreFileStatus::from(status))
        }
        Some(other) => {
            return Err(Failure::invalid(
                format!(
                    "Invalid value for 'filter': expected one of 'in_progress', 'completed', 'failed' or 'cancelled', but got '{other}' instead."
                ),
                Some("filter"),
            ));
        }
    };
    Ok(ListVectorStoreFilesQuery {
        limit: params.query.limit,
        order: params.query.order,
        after: params.query.after,
        before: params.query.before,
        filter,
    })
}

/// `POST /v1/vector_stores/{vector_store_id}/files`
pub async fn create_file(
    State(engine): State<Engine>,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<CreateVectorStoreFileRequest>,
) -> ApiResult<Json<VectorStoreFile>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.create_vector_store_file(&id, request)
        })
        .await?,
    ))
}

/// `GET /v1/vector_stores/{vector_store_id}/files`
pub async fn list_files(
    State(engine): State<Engine>,
    Path(id): Path<String>,
    params: ListParams,
) -> ApiResult<Json<ListResponse<VectorStoreFile>>> {
    let query = files_query(params)?;
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.list_vector_store_files(&id, &query)
        })
        .await?,
    ))
}

/// `GET /v1/vector_stores/{vector_store_id}/files/{file_id}`
pub async fn retrieve_file(
    State(engine): State<Engine>,
    Path((id, file_id)): Path<(String, String)>,
) -> ApiResult<Json<VectorStoreFile>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.get_vector_store_file(&id, &file_id)
        })
        .await?,
    ))
}

/// `POST /v1/vector_stores/{vector_store_id}/files/{file_id}`
pub async fn update_file(
    State(engine): State<Engine>,
    Path((id, file_id)): Path<(String, String)>,
    JsonBody(request): JsonBody<UpdateVectorStoreFileAttributesRequest>,
) -> ApiResult<Json<VectorStoreFile>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.update_vector_store_file(&id, &file_id, request)
        })
        .await?,
    ))
}

/// `DELETE /v1/vector_stores/{vector_store_id}/files/{file_id}`
pub async fn delete_file(
    State(engine): State<Engine>,
    Path((id, file_id)): Path<(String, String)>,
) -> ApiResult<Json<VectorStoreFileDeleted>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.delete_vector_store_file(&id, &file_id)
        })
        .await?,
    ))
}

/// `GET /v1/vector_stores/{vector_store_id}/files/{file_id}/content`
pub async fn file_content(
    State(engine): State<Engine>,
    Path((id, file_id)): Path<(String, String)>,
) -> ApiResult<Json<VectorStoreFileContent>> {
    Ok(Json(engine.vector_store_file_content(&id, &file_id).await?))
}

/// `POST /v1/vector_stores/{vector_store_id}/file_batches`
pub async fn create_batch(
    State(engine): State<Engine>,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<CreateVectorStoreFileBatchRequest>,
) -> ApiResult<Json<VectorStoreFileBatch>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.create_file_batch(&id, request)
        })
        .await?,
    ))
}

/// `GET /v1/vector_stores/{vector_store_id}/file_batches/{batch_id}`
pub async fn retrieve_batch(
    State(engine): State<Engine>,
    Path((id, batch_id)): Path<(String, String)>,
) -> ApiResult<Json<VectorStoreFileBatch>> {
    Ok(Json(
        blocking(&engine, move |engine| engine.get_file_batch(&id, &batch_id)).await?,
    ))
}

/// `POST /v1/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel`
pub async fn cancel_batch(
    State(engine): State<Engine>,
    Path((id, batch_id)): Path<(String, String)>,
) -> ApiResult<Json<VectorStoreFileBatch>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.cancel_file_batch(&id, &batch_id)
        })
        .await?,
    ))
}

/// `GET /v1/vector_stores/{vector_store_id}/file_batches/{batch_id}/files`
pub async fn list_batch_files(
    State(engine): State<Engine>,
    Path((id, batch_id)): Path<(String, String)>,
    params: ListParams,
) -> ApiResult<Json<ListResponse<VectorStoreFile>>> {
    let query = files_query(params)?;
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.list_file_batch_files(&id, &batch_id, &query)
        })
        .await?,
    ))
}
