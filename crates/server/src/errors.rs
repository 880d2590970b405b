//! The API's error envelope, `{"error": {message, type, param, code}}`, as an axum response.

use axum::Json;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use hearth_engine::EngineError;
use hearth_wire::{ApiError, ErrorResponse};

/// A failed request: the status and the error the envelope carries.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The HTTP status answered.
    pub status: StatusCode,
    /// The envelope's body.
    pub error: ApiError,
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
        Self { status, error }
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
        if status.is_server_error() {
            log::error!("request failed inside the engine: {error}");
        }
        Self::new(status, error.to_api_error())
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (self.status, Json(ErrorResponse { error: self.error })).into_response()
    }
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
