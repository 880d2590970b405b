//! `/v1/threads`: create, retrieve, modify, delete.

use axum::Json;
use axum::extract::{Path, State};
use hearth_engine::Engine;
use hearth_wire::{CreateThreadRequest, ModifyThreadRequest, Thread, ThreadDeleted};

use super::blocking;
use crate::errors::ApiResult;
use crate::extract::JsonBody;

/// `POST /v1/threads`
pub async fn create(
    State(engine): State<Engine>,
    JsonBody(request): JsonBody<CreateThreadRequest>,
) -> ApiResult<Json<Thread>> {
    Ok(Json(
        blocking(&engine, move |engine| engine.create_thread(request)).await?,
    ))
}

/// `GET /v1/threads/{thread_id}`
pub async fn retrieve(
    State(engine): State<Engine>,
    Path(thread_id): Path<String>,
) -> ApiResult<Json<Thread>> {
    Ok(Json(
        blocking(&engine, move |engine| engine.get_thread(&thread_id)).await?,
    ))
}

/// `POST /v1/threads/{thread_id}`
pub async fn modify(
    State(engine): State<Engine>,
    Path(thread_id): Path<String>,
    JsonBody(request): JsonBody<ModifyThreadRequest>,
) -> ApiResult<Json<Thread>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.modify_thread(&thread_id, request)
        })
        .await?,
    ))
}

/// `DELETE /v1/threads/{thread_id}`
pub async fn delete(
    State(engine): State<Engine>,
    Path(thread_id): Path<String>,
) -> ApiResult<Json<ThreadDeleted>> {
    Ok(Json(
        blocking(&engine, move |engine| engine.delete_thread(&thread_id)).await?,
    ))
}
