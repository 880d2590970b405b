//! `/v1/assistants`: create, list, retrieve, modify, delete.

use axum::Json;
use axum::extract::{Path, State};
use hearth_engine::Engine;
use hearth_wire::{
    Assistant, AssistantDeleted, CreateAssistantRequest, ListResponse, ModifyAssistantRequest,
};

use super::blocking;
use crate::errors::ApiResult;
use crate::extract::{JsonBody, ListParams};

/// `POST /v1/assistants`
pub async fn create(
    State(engine): State<Engine>,
    JsonBody(request): JsonBody<CreateAssistantRequest>,
) -> ApiResult<Json<Assistant>> {
    Ok(Json(
        blocking(&engine, move |engine| engine.create_assistant(request)).await?,
    ))
}

/// `GET /v1/assistants`
pub async fn list(
    State(engine): State<Engine>,
    params: ListParams,
) -> ApiResult<Json<ListResponse<Assistant>>> {
    Ok(Json(
        blocking(&engine, move |engine| engine.list_assistants(&params.query)).await?,
    ))
}

/// `GET /v1/assistants/{assistant_id}`
pub async fn retrieve(
    State(engine): State<Engine>,
    Path(assistant_id): Path<String>,
) -> ApiResult<Json<Assistant>> {
    Ok(Json(
        blocking(&engine, move |engine| engine.get_assistant(&assistant_id)).await?,
    ))
}

/// `POST /v1/assistants/{assistant_id}`
pub async fn modify(
    State(engine): State<Engine>,
    Path(assistant_id): Path<String>,
    JsonBody(request): JsonBody<ModifyAssistantRequest>,
) -> ApiResult<Json<Assistant>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.modify_assistant(&assistant_id, request)
        })
        .await?,
    ))
}

/// `DELETE /v1/assistants/{assistant_id}`
pub async fn delete(
    State(engine): State<Engine>,
    Path(assistant_id): Path<String>,
) -> ApiResult<Json<AssistantDeleted>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.delete_assistant(&assistant_id)
        })
        .await?,
    ))
}
