//! `/v1/threads/{thread_id}/runs/{run_id}/steps`: list and retrieve; `include[]` adds the content
//! of file_search results.

use axum::Json;
use axum::extract::{Path, State};
use hearth_engine::Engine;
use hearth_wire::{ListResponse, RunStep};

use super::blocking;
use crate::errors::ApiResult;
use crate::extract::{IncludeParams, ListParams};

/// `GET /v1/threads/{thread_id}/runs/{run_id}/steps`
pub async fn list(
    State(engine): State<Engine>,
    Path((thread_id, run_id)): Path<(String, String)>,
    params: ListParams,
    IncludeParams(include): IncludeParams,
) -> ApiResult<Json<ListResponse<RunStep>>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.list_run_steps_with_include(&thread_id, &run_id, &params.query, include)
        })
        .await?,
    ))
}

/// `GET /v1/threads/{thread_id}/runs/{run_id}/steps/{step_id}`
pub async fn retrieve(
    State(engine): State<Engine>,
    Path((thread_id, run_id, step_id)): Path<(String, String, String)>,
    IncludeParams(include): IncludeParams,
) -> ApiResult<Json<RunStep>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.get_run_step_with_include(&thread_id, &run_id, &step_id, include)
        })
        .await?,
    ))
}
