//! The `/v1` routes, one module per resource, and the layers every request passes through.

mod assistants;
mod files;
mod messages;
mod models;
mod runs;
mod steps;
mod threads;
mod vector_stores;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};
use hearth_engine::Engine;

use crate::auth::{Token, require_token};
use crate::beta::require_beta;
use crate::errors::{ApiResult, Failure, ensure_envelope, unknown_route, wrong_method};
use crate::request_id::add_request_id;
use crate::request_timeout::limit_request_time;

/// Runs one synchronous engine operation on tokio's blocking pool and answers with its result.
///
/// Engine operations are SQLite calls through one connection behind a mutex, and every commit
/// waits for an fsync; on an async worker that wait would stall every connection and stream the
/// worker serves (two workers on a two-core machine). Handing each handler's call to the blocking
/// pool is the smallest change that keeps request paths off the workers: the engine and the store
/// stay synchronous, as the desktop app calls them from its own threads too. A writer thread with
/// a pool of read connections would also let reads run beside a write, but means splitting the
/// store; with one connection the pool's threads queue on its lock without holding up async work.
pub(crate) async fn blocking<T: Send + 'static>(
    engine: &Engine,
    operation: impl FnOnce(&Engine) -> hearth_engine::EngineResult<T> + Send + 'static,
) -> ApiResult<T> {
    let engine = engine.clone();
    match tokio::task::spawn_blocking(move || operation(&engine)).await {
        Ok(result) => Ok(result?),
        // A panic inside the operation: a 500 (its text goes to the log, not to the client).
        Err(failure) => Err(Failure::from(hearth_engine::EngineError::Internal(
            format!("a request's engine operation stopped: {failure}"),
        ))),
    }
}

/// Largest JSON body accepted; instructions alone may be 256 000 characters, and axum's 2 MB
/// default would cut off threads seeded with long messages.
const BODY_LIMIT: usize = 32 * 1024 * 1024;

/// Every route with its layers and the default request timeout; see [`router_with_timeout`].
pub fn router(engine: Engine, token: Token) -> Router {
    router_with_timeout(engine, token, crate::DEFAULT_REQUEST_TIMEOUT)
}

/// Every route with its layers, outermost first: the request id (so even a 401 has one), error
/// envelopes for everything inside, the time limit, the token, then the beta header.
pub fn router_with_timeout(engine: Engine, token: Token, request_timeout: Duration) -> Router {
    api_routes()
        .fallback(unknown_route)
        .method_not_allowed_fallback(wrong_method)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(require_beta))
        .layer(middleware::from_fn_with_state(token, require_token))
        .layer(middleware::from_fn_with_state(
            request_timeout,
            limit_request_time,
        ))
        .layer(middleware::from_fn(ensure_envelope))
        .layer(middleware::from_fn(add_request_id))
        .with_state(engine)
}

fn api_routes() -> Router<Engine> {
    Router::new()
        .route(
            "/v1/assistants",
            get(assistants::list).post(assistants::create),
        )
        .route(
            "/v1/assistants/{assistant_id}",
            get(assistants::retrieve)
                .post(assistants::modify)
                .delete(assistants::delete),
        )
        .route("/v1/threads", post(threads::create))
        .route("/v1/threads/runs", post(runs::create_thread_and_run))
        .route(
            "/v1/threads/{thread_id}",
            get(threads::retrieve)
                .post(threads::modify)
                .delete(threads::delete),
        )
        .route(
            "/v1/threads/{thread_id}/messages",
            get(messages::list).post(messages::create),
        )
        .route(
            "/v1/threads/{thread_id}/messages/{message_id}",
            get(messages::retrieve)
                .post(messages::modify)
                .delete(messages::delete),
        )
        .route(
            "/v1/threads/{thread_id}/runs",
            get(runs::list).post(runs::create),
        )
        .route(
            "/v1/threads/{thread_id}/runs/{run_id}",
            get(runs::retrieve).post(runs::modify),
        )
        .route(
            "/v1/threads/{thread_id}/runs/{run_id}/cancel",
            post(runs::cancel),
        )
        .route(
            "/v1/threads/{thread_id}/runs/{run_id}/submit_tool_outputs",
            post(runs::submit_tool_outputs),
        )
        .route(
            "/v1/threads/{thread_id}/runs/{run_id}/steps",
            get(steps::list),
        )
        .route(
            "/v1/threads/{thread_id}/runs/{run_id}/steps/{step_id}",
            get(steps::retrieve),
        )
        .route("/v1/models", get(models::list))
        .route("/v1/models/{*model}", get(models::retrieve))
        .route(
            "/v1/files",
            get(files::list)
                // The engine enforces the upload limit while the bytes stream to disk.
                .post(files::upload)
                .layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/v1/files/{file_id}",
            get(files::retrieve).delete(files::delete),
        )
        .route("/v1/files/{file_id}/content", get(files::content))
        .route(
            "/v1/files/{file_id}/passage_place",
            post(files::passage_place),
        )
        .route(
            "/v1/vector_stores",
            get(vector_stores::list).post(vector_stores::create),
        )
        .route(
            "/v1/vector_stores/{vector_store_id}",
            get(vector_stores::retrieve)
                .post(vector_stores::modify)
                .delete(vector_stores::delete),
        )
        .route(
            "/v1/vector_stores/{vector_store_id}/search",
            post(vector_stores::search),
        )
        .route(
            "/v1/vector_stores/{vector_store_id}/files",
            get(vector_stores::list_files).post(vector_stores::create_file),
        )
        .route(
            "/v1/vector_stores/{vector_store_id}/files/{file_id}",
            get(vector_stores::retrieve_file)
                .post(vector_stores::update_file)
                .delete(vector_stores::delete_file),
        )
        .route(
            "/v1/vector_stores/{vector_store_id}/files/{file_id}/content",
            get(vector_stores::file_content),
        )
        .route(
            "/v1/vector_stores/{vector_store_id}/file_batches",
            post(vector_stores::create_batch),
        )
        .route(
            "/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}",
            get(vector_stores::retrieve_batch),
        )
        .route(
            "/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel",
            post(vector_stores::cancel_batch),
        )
        .route(
            "/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}/files",
            get(vector_stores::list_batch_files),
        )
}
