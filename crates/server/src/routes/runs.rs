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

use super::blocking;
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
        blocking(&engine, move |engine| {
            engine.create_run_with_include(&thread_id, request, include)
        })
        .await?,
        stream,
    ))
}

/// `POST /v1/threads/runs`: the answer is the run, whose `thread_id` names the new thread.
pub async fn create_thread_and_run(
    State(engine): State<Engine>,
    JsonBody(request): JsonBody<CreateThreadAndRunRequest>,
) -> ApiResult<Response> {
    let stream = request.stream == Some(true);
    let (_thread, run) =
        blocking(&engine, move |engine| engine.create_thread_and_run(request)).await?;
    Ok(answer(run, stream))
}

/// `GET /v1/threads/{thread_id}/runs`
pub async fn list(
    State(engine): State<Engine>,
    Path(thread_id): Path<String>,
    params: ListParams,
) -> ApiResult<Json<ListResponse<Run>>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.list_runs(&thread_id, &params.query)
        })
        .await?,
    ))
}

/// `GET /v1/threads/{thread_id}/runs/{run_id}`
pub async fn retrieve(
    State(engine): State<Engine>,
    Path((thread_id, run_id)): Path<(String, String)>,
) -> ApiResult<Json<Run>> {
    Ok(Json(
        blocking(&engine, move |engine| engine.get_run(&thread_id, &run_id)).await?,
    ))
}

/// `POST /v1/threads/{thread_id}/runs/{run_id}`
pub async fn modify(
    State(engine): State<Engine>,
    Path((thread_id, run_id)): Path<(String, String)>,
    JsonBody(request): JsonBody<ModifyRunRequest>,
) -> ApiResult<Json<Run>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.modify_run(&thread_id, &run_id, request)
        })
        .await?,
    ))
}

/// `POST /v1/threads/{thread_id}/runs/{run_id}/cancel`: no body is read; SDKs may send `{}` or nothing.
pub async fn cancel(
    State(engine): State<Engine>,
    Path((thread_id, run_id)): Path<(String, String)>,
) -> ApiResult<Json<Run>> {
    Ok(Json(
        blocking(&engine, move |engine| {
            engine.cancel_run(&thread_id, &run_id)
        })
        .await?,
    ))
}

/// `POST /v1/threads/{thread_id}/runs/{run_id}/submit_tool_outputs`
pub async fn submit_tool_outputs(
    State(engine): State<Engine>,
    Path((thread_id, run_id)): Path<(String, String)>,
    JsonBody(request): JsonBody<SubmitToolOutputsRequest>,
) -> ApiResult<Response> {
    let stream = request.stream == Some(true);
    Ok(answer(
        blocking(&engine, move |engine| {
            engine.submit_tool_outputs(&thread_id, &run_id, request)
        })
        .await?,
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
