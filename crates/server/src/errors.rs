//! The API's error envelope, `{"error": {message, type, param, code}}`, as an axum response, and
//! the layer that makes every error answer one: axum's own rejections (a path that does not
//! decode, a body over the limit) are plain text, and 500s must not show what failed inside.

use axum::Json;
use axum::extract::Request;
use axum::http::header::{CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hearth_engine::EngineError;
use hearth_wire::{ApiError, ErrorResponse};

use crate::request_id::RequestId;

/// Longest plain-text error body read to be wrapped in an envelope; axum's are one line.
const PLAIN_ERROR_LIMIT: usize = 64 * 1024;

/// A failed request: the status and the error the envelope carries.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The HTTP status answered.
    pub status: StatusCode,
    /// The envelope's body.
    pub error: ApiError,
    /// Seconds after which the request may be sent again (the `Retry-After` header).
    pub retry_after: Option<u64>,
}

/// What a handler returns.
pub type ApiResult<T> = Result<T, Failure>;

impl Failure {
    /// A 400 `invalid_request_error` naming the parameter to blame.
    pub fn invalid(message: impl Into<String>, param: Option<&str>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            ApiError::invalid_request(message, param.map(str::to_owned), None),
        )
    }

    /// A failure with `status` and `error`.
    pub fn new(status: StatusCode, error: ApiError) -> Self {
        Self {
            status,
            error,
            retry_after: None,
        }
    }

    /// The 401 for a missing or wrong bearer token; the token itself is never echoed.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            ApiError::invalid_request(
                "Incorrect API key provided.",
                None,
                Some("invalid_api_key".to_owned()),
            ),
        )
    }
}

impl From<EngineError> for Failure {
    fn from(error: EngineError) -> Self {
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self {
            status,
            error: error.to_api_error(),
            retry_after: error.retry_after(),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(ErrorResponse { error: self.error })).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        }
        response
    }
}

/// Makes every error answer an envelope: a 5xx is logged with its request id and answered with a
/// generic message naming that id (its text may be SQLite's or a path on this machine); any other
/// error that is not JSON yet (axum's plain-text rejections) is wrapped, its text kept.
pub async fn ensure_envelope(request: Request, next: Next) -> Response {
    let id = request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let response = next.run(request).await;
    let status = response.status();
    if !status.is_client_error() && !status.is_server_error() {
        return response;
    }
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if is_json && !status.is_server_error() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = match axum::body::to_bytes(body, PLAIN_ERROR_LIMIT).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_owned(),
        Err(_) => String::new(),
    };
    let error = if status.is_server_error() {
        log::error!("{id}: answered {status}: {text}");
        ApiError {
            message: format!(
                "Hearth had an internal error while processing your request. The server's log has the details under request ID {id}."
            ),
            kind: ApiError::SERVER_ERROR.to_owned(),
            param: None,
            code: None,
        }
    } else {
        ApiError::invalid_request(
            if text.is_empty() {
                status
                    .canonical_reason()
                    .unwrap_or("Bad request")
                    .to_owned()
            } else {
                text
            },
            None,
            None,
        )
    };
    let mut wrapped = Failure::new(status, error).into_response();
    // Headers the failure set (Retry-After, Allow) stay; the body and its type are new.
    for (name, value) in &parts.headers {
        if name != CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            wrapped.headers_mut().insert(name.clone(), value.clone());
        }
    }
    wrapped
}

/// Any path no route matches, in the hosted API's words.
pub async fn unknown_route(method: Method, uri: Uri) -> Failure {
    Failure::new(
        StatusCode::NOT_FOUND,
        ApiError::invalid_request(
            format!("Unknown request URL: {method} {}.", uri.path()),
            None,
            Some("unknown_url".to_owned()),
        ),
    )
}

/// A known path asked with a method it does not take.
pub async fn wrong_method(method: Method, uri: Uri) -> Failure {
    Failure::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ApiError::invalid_request(
            format!("Invalid method for URL ({method} {}).", uri.path()),
            None,
            Some("method_not_allowed".to_owned()),
        ),
    )
}
