//! Runs: create (on a thread, or with a new thread), list, retrieve, modify, cancel, submit tool
//! outputs. The three run-starting calls answer with the run, or with its event stream when the
//! body says `"stream": true`.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use hearth_engine::{Engine, RunStream};
use hearth_wire::{
    CreateRunRequest, CreateThreadAndRunRequest, ListResponse, ModifyRunRequest, Run,
    SubmitToolOutputsRequest,
};

use crate::errors::ApiResult;
use crate::extract::{IncludeParams, JsonBody, ListParams};
use crate::sse;

/// `POST /v1/threads/{thread_id}/runs`
pub async fn create(
    State(engine): State<Engine>,
    Path(thread_id): Path<String>,
    IncludeParams(include): IncludeParams,
    JsonBody(request): JsonBody<CreateRunRequest>,
) -> ApiResult<Response> {
    let stream = request.stream == Some(true);
    Ok(answer(
        engine.create_run_with_include(&thread_id, request, include)?,
        stream,
    ))
}

/// `POST /v1/threads/runs`: the answer is the run, whose `thread_id` names the new thread.
pub async fn create_thread_and_run(
    State(engine): State<Engine>,
    JsonBody(request): JsonBody<CreateThreadAndRunRequest>,
) -> ApiResult<Response> {
    let stream = request.stream == Some(true);
    let (_thread, run) = engine.create_thread_and_run(request)?;
    Ok(answer(run, stream))
}

/// `GET /v1/threads/{thread_id}/runs`
pub async fn list(
    State(engine): State<Engine>,
    Path(thread_id): Path<String>,
    params: ListParams,
) -> ApiResult<Json<ListResponse<Run>>> {
    Ok(Json(engine.list_runs(&thread_id, &params.query)?))
}

/// `GET /v1/threads/{thread_id}/runs/{run_id}`
pub async fn retrieve(
    State(engine): State<Engine>,
    Path((thread_id, run_id)): Path<(String, String)>,
) -> ApiResult<Json<Run>> {
    Ok(Json(engine.get_run(&thread_id, &run_id)?))
}

/// `POST /v1/threads/{thread_id}/runs/{run_id}`
pub async fn modify(
    State(engine): State<Engine>,
    Path((thread_id, run_id)): Path<(String, String)>,
    JsonBody(request): JsonBody<ModifyRunRequest>,
) -> ApiResult<Json<Run>> {
    Ok(Json(engine.modify_run(&thread_id, &run_id, request)?))
}

/// `POST /v1/threads/{thread_id}/runs/{run_id}/cancel`: no body is read; SDKs may send `{}` or nothing.
pub async fn cancel(
    State(engine): State<Engine>,
    Path((thread_id, run_id)): Path<(String, String)>,
) -> ApiResult<Json<Run>> {
    Ok(Json(engine.cancel_run(&thread_id, &run_id)?))
}

/// `POST /v1/threads/{thread_id}/runs/{run_id}/submit_tool_outputs`
pub async fn submit_tool_outputs(
    State(engine): State<Engine>,
    Path((thread_id, run_id)): Path<(String, String)>,
    JsonBody(request): JsonBody<SubmitToolOutputsRequest>,
) -> ApiResult<Response> {
    let stream = request.stream == Some(true);
    Ok(answer(
        engine.submit_tool_outputs(&thread_id, &run_id, request)?,
        stream,
    ))
}

/// The stream, or the run as committed; without a stream the events are dropped and the run
/// carries on in the background, as clients then poll for it.
fn answer(run: RunStream, stream: bool) -> Response {
    if stream {
        sse::response(run.events)
    } else {
        Json(run.run).into_response()
    }
}
