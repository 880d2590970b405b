//! What a profile's operations fail with, in words a person can act on.

use hearth_engine::EngineError;

/// A failed operation of a profile.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BackendError {
    /// The request was refused as malformed or not allowed now; the message says which rule.
    #[error("{0}")]
    Invalid(String),
    /// The object does not exist (any more).
    #[error("{0}")]
    NotFound(String),
    /// A remote profile's server cannot be reached; what the app shows comes from the mirror.
    #[error(
        "The server at {url} cannot be reached ({detail}). Showing what was saved on this computer."
    )]
    Offline {
        /// The server's base URL.
        url: String,
        /// What failed (connection refused, timeout, …).
        detail: String,
    },
    /// The server answered, but not with what the protocol says; the message says what was wrong.
    #[error("{0}")]
    Server(String),
    /// The OS keychain could not be used.
    #[error("{0}")]
    Keychain(String),
    /// Something failed inside Hearth.
    #[error("{0}")]
    Internal(String),
}

impl From<EngineError> for BackendError {
    fn from(error: EngineError) -> Self {
        match error {
            EngineError::InvalidRequest(api) => BackendError::Invalid(api.message),
            EngineError::NotFound(message) => BackendError::NotFound(message),
            EngineError::Internal(message) => BackendError::Internal(message),
        }
    }
}

impl From<hearth_store::StoreError> for BackendError {
    fn from(error: hearth_store::StoreError) -> Self {
        if let hearth_store::StoreError::UnknownCursor { .. } = error {
            // A message that is not (or no longer) in the thread was asked to anchor a page.
            return BackendError::Invalid(error.to_string());
        }
        BackendError::Internal(format!("The database failed: {error}"))
    }
}
