//! `/v1/threads/{thread_id}/messages`: create, list (optionally by run), retrieve, modify, delete.

use axum::Json;
use axum::extract::{Path, State};
use hearth_engine::Engine;
use hearth_wire::{
    CreateMessageRequest, ListResponse, Message, MessageDeleted, ModifyMetadataRequest,
};

use crate::errors::ApiResult;
use crate::extract::{JsonBody, ListParams};

/// `POST /v1/threads/{thread_id}/messages`
pub async fn create(
    State(engine): State<Engine>,
    Path(thread_id): Path<String>,
    JsonBody(request): JsonBody<CreateMessageRequest>,
) -> ApiResult<Json<Message>> {
    Ok(Json(engine.create_message(&thread_id, request)?))
}

/// `GET /v1/threads/{thread_id}/messages`
pub async fn list(
    State(engine): State<Engine>,
    Path(thread_id): Path<String>,
    params: ListParams,
) -> ApiResult<Json<ListResponse<Message>>> {
    let run_id = params.run_id.as_deref();
    Ok(Json(engine.list_messages(
        &thread_id,
        run_id,
        &params.query,
    )?))
}

/// `GET /v1/threads/{thread_id}/messages/{message_id}`
pub async fn retrieve(
    State(engine): State<Engine>,
    Path((thread_id, message_id)): Path<(String, String)>,
) -> ApiResult<Json<Message>> {
    Ok(Json(engine.get_message(&thread_id, &message_id)?))
}

/// `POST /v1/threads/{thread_id}/messages/{message_id}`
pub async fn modify(
    State(engine): State<Engine>,
    Path((thread_id, message_id)): Path<(String, String)>,
    JsonBody(request): JsonBody<ModifyMetadataRequest>,
) -> ApiResult<Json<Message>> {
    Ok(Json(engine.modify_message(
        &thread_id,
        &message_id,
        request,
    )?))
}

/// `DELETE /v1/threads/{thread_id}/messages/{message_id}`
pub async fn delete(
    State(engine): State<Engine>,
    Path((thread_id, message_id)): Path<(String, String)>,
) -> ApiResult<Json<MessageDeleted>> {
    Ok(Json(engine.delete_message(&thread_id, &message_id)?))
}
