//! `/v1/threads/{thread_id}/runs/{run_id}/steps`: list and retrieve. `include[]` is accepted and
//! ignored: file-search results are not produced yet.

use axum::Json;
use axum::extract::{Path, State};
use hearth_engine::Engine;
use hearth_wire::{ListResponse, RunStep};

use crate::errors::ApiResult;
use crate::extract::ListParams;

/// `GET /v1/threads/{thread_id}/runs/{run_id}/steps`
pub async fn list(
    State(engine): State<Engine>,
    Path((thread_id, run_id)): Path<(String, String)>,
    params: ListParams,
) -> ApiResult<Json<ListResponse<RunStep>>> {
    Ok(Json(engine.list_run_steps(
        &thread_id,
        &run_id,
        &params.query,
    )?))
}

/// `GET /v1/threads/{thread_id}/runs/{run_id}/steps/{step_id}`
pub async fn retrieve(
    State(engine): State<Engine>,
    Path((thread_id, run_id, step_id)): Path<(String, String, String)>,
) -> ApiResult<Json<RunStep>> {
    Ok(Json(engine.get_run_step(&thread_id, &run_id, &step_id)?))
}
