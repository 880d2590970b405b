//! What an engine operation answers when it cannot do what was asked, in the hosted API's terms.

use hearth_wire::{ApiError, ValidationError};

/// `type` and `code` of a 429 for too much work at once.
const RATE_LIMIT_EXCEEDED: &str = "rate_limit_exceeded";

/// What a 429 asks a client to wait: a queued run usually frees its place within seconds.
const RETRY_AFTER_SECS: u64 = 2;

/// A failed operation. Each variant maps to one HTTP status and the API's error envelope.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    /// The request is malformed or not allowed in the current state (400).
    #[error("{}", .0.message)]
    InvalidRequest(ApiError),
    /// An upload is larger than the configured limit (413).
    #[error("{}", .0.message)]
    TooLarge(ApiError),
    /// The object does not exist (404).
    #[error("{0}")]
    NotFound(String),
    /// Too much work at once (429): the request may be sent again after `retry_after` seconds.
    #[error("{}", .error.message)]
    RateLimited {
        /// The envelope's body, `type` and `code` `rate_limit_exceeded`.
        error: ApiError,
        /// Seconds after which trying again makes sense (the `Retry-After` header).
        retry_after: u64,
    },
    /// Something failed inside Hearth (500); the message says what.
    #[error("{0}")]
    Internal(String),
}

impl EngineError {
    /// A 400 with a message and, when one parameter is to blame, its name.
    pub fn invalid(message: impl Into<String>, param: Option<&str>) -> Self {
        EngineError::InvalidRequest(ApiError::invalid_request(
            message,
            param.map(str::to_owned),
            None,
        ))
    }

    /// A 404 in the hosted API's words: `No thread found with id 'thread_…'.`
    pub fn not_found(kind: &str, id: &str) -> Self {
        EngineError::NotFound(format!("No {kind} found with id '{id}'."))
    }

    /// A 429 `rate_limit_exceeded`, as the hosted API's rate limits answered.
    pub fn rate_limited(message: impl Into<String>) -> Self {
        EngineError::RateLimited {
            error: ApiError {
                message: message.into(),
                kind: RATE_LIMIT_EXCEEDED.to_owned(),
                param: None,
                code: Some(RATE_LIMIT_EXCEEDED.to_owned()),
            },
            retry_after: RETRY_AFTER_SECS,
        }
    }

    /// Seconds after which the request may be sent again, for errors that say so.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            EngineError::RateLimited { retry_after, .. } => Some(*retry_after),
            _ => None,
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            EngineError::InvalidRequest(_) => 400,
            EngineError::TooLarge(_) => 413,
            EngineError::NotFound(_) => 404,
            EngineError::RateLimited { .. } => 429,
            EngineError::Internal(_) => 500,
        }
    }

    /// The body of the error envelope.
    pub fn to_api_error(&self) -> ApiError {
        match self {
            EngineError::InvalidRequest(error)
            | EngineError::TooLarge(error)
            | EngineError::RateLimited { error, .. } => error.clone(),
            EngineError::NotFound(message) => {
                ApiError::invalid_request(message.clone(), None, None)
            }
            EngineError::Internal(message) => ApiError {
                message: message.clone(),
                kind: ApiError::SERVER_ERROR.to_owned(),
                param: None,
                code: None,
            },
        }
    }
}

impl From<ValidationError> for EngineError {
    fn from(error: ValidationError) -> Self {
        EngineError::InvalidRequest(error.to_api_error())
    }
}

impl From<hearth_store::StoreError> for EngineError {
    fn from(error: hearth_store::StoreError) -> Self {
        match error {
            hearth_store::StoreError::UnknownCursor { param, id } => EngineError::invalid(
                format!("Invalid '{param}': no object with id '{id}' in this list."),
                Some(param),
            ),
            other => EngineError::Internal(format!("The database failed: {other}")),
        }
    }
}

/// Result of an engine operation.
pub type EngineResult<T> = Result<T, EngineError>;
