//! `/v1/threads/{thread_id}/messages`: create, list (optionally by run), retrieve, modify, delete.

use axum::Json;
use axum::extract::{Path, State};
use hearth_engine::Engine;
use hearth_wire::{
    CreateMessageRequest, ListResponse, Message, MessageDeleted, ModifyMetadataRequest,
};

use super::blocking;
use crate::errors::ApiResult;
use crate::extract::{JsonBody, ListParams};

/// `POST /v1/threads/{thread_id}/messages`
pub async fn create(
    State(engine): State<Engine>,
    Path(thread_id): Path<String>,
    JsonBody(request): JsonBody<CreateMessageRequest>,
) -> ApiResult<Json<Message>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.create_message(&thread_id, request)
        })
        .await?,
    ))
}

/// `GET /v1/threads/{thread_id}/messages`
pub async fn list(
    State(engine): State<Engine>,
    Path(thread_id): Path<String>,
    params: ListParams,
) -> ApiResult<Json<ListResponse<Message>>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.list_messages(&thread_id, params.run_id.as_deref(), &params.query)
        })
        .await?,
    ))
}

/// `GET /v1/threads/{thread_id}/messages/{message_id}`
pub async fn retrieve(
    State(engine): State<Engine>,
    Path((thread_id, message_id)): Path<(String, String)>,
) -> ApiResult<Json<Message>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.get_message(&thread_id, &message_id)
        })
        .await?,
    ))
}

/// `POST /v1/threads/{thread_id}/messages/{message_id}`
pub async fn modify(
    State(engine): State<Engine>,
    Path((thread_id, message_id)): Path<(String, String)>,
    JsonBody(request): JsonBody<ModifyMetadataRequest>,
) -> ApiResult<Json<Message>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.modify_message(&thread_id, &message_id, request)
        })
        .await?,
    ))
}

/// `DELETE /v1/threads/{thread_id}/messages/{message_id}`
pub async fn delete(
    State(engine): State<Engine>,
    Path((thread_id, message_id)): Path<(String, String)>,
) -> ApiResult<Json<MessageDeleted>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.delete_message(&thread_id, &message_id)
        })
        .await?,
    ))
}
