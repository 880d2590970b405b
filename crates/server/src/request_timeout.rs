//! A time limit on answering a request, so a request that hangs (a body sent a byte a minute, an
//! operation stuck on a lock) does not hold its connection and its memory without end.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hearth_wire::ApiError;

use crate::errors::Failure;

/// Answers 408 when the response's headers are not ready within the limit. Only the head is
/// timed: a stream's body goes on for as long as its run.
pub async fn limit_request_time(
    State(limit): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => Failure::new(
            StatusCode::REQUEST_TIMEOUT,
            ApiError::invalid_request(
                format!(
                    "The request was not answered within {} seconds and was stopped.",
                    limit.as_secs_f64()
                ),
                None,
                Some("request_timeout".to_owned()),
            ),
        )
        .into_response(),
    }
}
