//! The one error shape the UI receives: `{code, message}`.

use hearth_desktop::BackendError;
use serde::Serialize;
use specta::Type;

/// What kind of failure happened, for the UI to branch on. Add a code only when the UI does something
/// different for it; everything else is `internal` with a message a person can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Something went wrong that the user cannot fix by changing their input.
    Internal,
    /// The input broke a rule; the message names it. Forms show it next to the field.
    Invalid,
    /// The object is gone (deleted elsewhere); the view refreshes.
    NotFound,
    /// A remote profile's server cannot be reached; the app shows the offline banner.
    Offline,
    /// The server or provider answered with something wrong or an error of its own.
    Server,
    /// The OS keychain cannot be used; Settings explains what is missing.
    Keychain,
}

/// An error as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
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
            BackendError::Server(_) => ErrorCode::Server,
            BackendError::Keychain(_) => ErrorCode::Keychain,
            BackendError::Internal(_) => ErrorCode::Internal,
        };
        Self {
            code,
            message: error.to_string(),
        }
    }
}

impl From<hearth_store::StoreError> for AppError {
    fn from(error: hearth_store::StoreError) -> Self {
        BackendError::from(error).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_to_code_and_message_only() {
        let error = AppError::internal("while reading the log folder", "permission denied");
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            serde_json::json!({
                "code": "internal",
                "message": "while reading the log folder: permission denied"
            }),
            "the UI relies on exactly this JSON shape"
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
