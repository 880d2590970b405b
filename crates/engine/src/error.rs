//! What an engine operation answers when it cannot do what was asked, in the hosted API's terms.

use hearth_wire::{ApiError, ValidationError};

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

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            EngineError::InvalidRequest(_) => 400,
            EngineError::TooLarge(_) => 413,
            EngineError::NotFound(_) => 404,
            EngineError::Internal(_) => 500,
        }
    }

    /// The body of the error envelope.
    pub fn to_api_error(&self) -> ApiError {
        match self {
            EngineError::InvalidRequest(error) | EngineError::TooLarge(error) => error.clone(),
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
