//! `/v1/assistants`: create, list, retrieve, modify, delete.

use axum::Json;
use axum::extract::{Path, State};
use hearth_engine::Engine;
use hearth_wire::{
    Assistant, AssistantDeleted, CreateAssistantRequest, ListResponse, ModifyAssistantRequest,
};

use crate::errors::ApiResult;
use crate::extract::{JsonBody, ListParams};

/// `POST /v1/assistants`
pub async fn create(
    State(engine): State<Engine>,
    JsonBody(request): JsonBody<CreateAssistantRequest>,
) -> ApiResult<Json<Assistant>> {
    Ok(Json(engine.create_assistant(request)?))
}

/// `GET /v1/assistants`
pub async fn list(
    State(engine): State<Engine>,
    params: ListParams,
) -> ApiResult<Json<ListResponse<Assistant>>> {
    Ok(Json(engine.list_assistants(&params.query)?))
}

/// `GET /v1/assistants/{assistant_id}`
pub async fn retrieve(
    State(engine): State<Engine>,
    Path(assistant_id): Path<String>,
) -> ApiResult<Json<Assistant>> {
    Ok(Json(engine.get_assistant(&assistant_id)?))
}

/// `POST /v1/assistants/{assistant_id}`
pub async fn modify(
    State(engine): State<Engine>,
    Path(assistant_id): Path<String>,
    JsonBody(request): JsonBody<ModifyAssistantRequest>,
) -> ApiResult<Json<Assistant>> {
    Ok(Json(engine.modify_assistant(&assistant_id, request)?))
}

/// `DELETE /v1/assistants/{assistant_id}`
pub async fn delete(
    State(engine): State<Engine>,
    Path(assistant_id): Path<String>,
) -> ApiResult<Json<AssistantDeleted>> {
    Ok(Json(engine.delete_assistant(&assistant_id)?))
}
