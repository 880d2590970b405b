//! The one error shape the UI receives: `{code, message}`.

use serde::Serialize;
use specta::Type;

/// What kind of failure happened, for the UI to branch on. Add a code only when the UI does something
/// different for it; everything else is `internal` with a message a person can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Something went wrong that the user cannot fix by changing their input.
    Internal,
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
}
