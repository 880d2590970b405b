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
            EngineError::InvalidRequest(api) | EngineError::TooLarge(api) => {
                BackendError::Invalid(api.message)
            }
            EngineError::NotFound(message) => BackendError::NotFound(message),
            EngineError::RateLimited { error, .. } => BackendError::Invalid(error.message),
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

/// What kind of failure the window is told about; each code has its own visible behaviour there.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Something failed inside Hearth, its model provider or a remote profile's server; the message
    /// says what was being done and what failed, and the view offers to try again.
    Internal,
    /// The input broke a rule; the message names the field. Forms show it next to that field.
    Invalid,
    /// The object is gone (deleted elsewhere); the view reloads its list and says what vanished.
    NotFound,
    /// A remote profile's server cannot be reached; the window shows the offline banner and reads
    /// the offline copy.
    Offline,
    /// The OS keychain cannot be used; Settings explains how to unlock or install one.
    Keychain,
}

/// A failure as the window receives it: `{code, message}`, from a command or a run's events.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    /// What kind of failure.
    pub code: ErrorCode,
    /// What happened, in words a person can act on.
    pub message: String,
}

impl AppError {
    /// An `internal` error whose message says what was being done and what failed.
    pub fn internal(context: &str, error: impl std::fmt::Display) -> Self {
        Self {
            code: ErrorCode::Internal,
            message: format!("{context}: {error}"),
        }
    }

    /// An `invalid` error: the input broke the rule `message` states.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Invalid,
            message: message.into(),
        }
    }
}

impl From<BackendError> for AppError {
    fn from(error: BackendError) -> Self {
        let code = match &error {
            BackendError::Invalid(_) => ErrorCode::Invalid,
            BackendError::NotFound(_) => ErrorCode::NotFound,
            BackendError::Offline { .. } => ErrorCode::Offline,
            BackendError::Keychain(_) => ErrorCode::Keychain,
            // A server's own error is shown like any other failure: its words, and Retry.
            BackendError::Server(_) | BackendError::Internal(_) => ErrorCode::Internal,
        };
        Self {
            code,
            message: error.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_app_error_serializes_to_code_and_message_only() {
        let error = AppError::internal("while reading the log folder", "permission denied");
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({
                "code": "internal",
                "message": "while reading the log folder: permission denied"
            }),
            "the window relies on exactly this JSON shape"
        );
    }

    #[test]
    fn an_offline_server_keeps_its_code_and_words() {
        let error = AppError::from(BackendError::Offline {
            url: "http://127.0.0.1:9/v1".into(),
            detail: "connection refused".into(),
        });
        assert_eq!(error.code, ErrorCode::Offline);
        assert!(error.message.contains("http://127.0.0.1:9/v1"), "{error}");
    }
}
