//! Files: the object, its purposes and statuses, upload parameters and the deleted answer.

use serde::{Deserialize, Serialize};

use crate::common::{DeletedObject, ListOrder, UnixTime};
use crate::validate::{Validate, ValidationError, integer_in};

literal!(
    /// `"object": "file"`, used by files and by their deleted answer alike.
    FileTag = "file"
);
literal!(
    /// `"anchor": "created_at"` of a file's expiry.
    CreatedAtAnchor = "created_at"
);

/// Answer to `DELETE /files/{id}` (its `object` is `"file"`).
pub type FileDeleted = DeletedObject<FileTag>;

open_enum!(
    /// What a file is for.
    pub enum FilePurpose {
        /// Input for assistants and vector stores.
        Assistants => "assistants",
        /// Made by code_interpreter.
        AssistantsOutput => "assistants_output",
        /// Batch API input.
        Batch => "batch",
        /// Batch API output.
        BatchOutput => "batch_output",
        /// Fine-tuning data.
        FineTune => "fine-tune",
        /// Fine-tuning results.
        FineTuneResults => "fine-tune-results",
        /// Images for vision.
        Vision => "vision",
        /// Anything else the user keeps.
        UserData => "user_data",
        /// Evaluation data sets (upload only).
        Evals => "evals",
    }
);

impl FilePurpose {
    /// Purposes a client may upload with.
    pub const UPLOADABLE: [FilePurpose; 6] = [
        FilePurpose::Assistants,
        FilePurpose::Batch,
        FilePurpose::FineTune,
        FilePurpose::Vision,
        FilePurpose::UserData,
        FilePurpose::Evals,
    ];
}

open_enum!(
    /// Deprecated processing state, still required on the wire.
    pub enum FileStatus {
        /// Received.
        Uploaded => "uploaded",
        /// Ready (py's `wait_for_processing` waits for this).
        Processed => "processed",
        /// Could not be processed.
        Error => "error",
    }
);

/// An uploaded file (schema `OpenAIFile`, `object: "file"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileObject {
    /// `file-…`
    pub id: String,
    /// Always `"file"`.
    #[serde(default)]
    pub object: FileTag,
    /// Size in bytes.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub bytes: u64,
    /// Upload time.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub created_at: UnixTime,
    /// When it expires, if it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "specta", specta(type = Option<crate::typescript::WholeNumber>))]
    pub expires_at: Option<UnixTime>,
    /// The name it was uploaded with.
    pub filename: String,
    /// What it is for.
    pub purpose: FilePurpose,
    /// Deprecated, but required: report `processed` once stored.
    pub status: FileStatus,
    /// Deprecated: why processing failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_details: Option<String>,
}

/// `expires_after` of an upload: seconds after creation, 3600–2592000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileExpiresAfter {
    /// Always `"created_at"`.
    #[serde(default)]
    pub anchor: CreatedAtAnchor,
    /// Lifetime in seconds.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub seconds: u64,
}

/// The non-file fields of a multipart `POST /files`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UploadFileParams {
    /// What the file is for.
    pub purpose: FilePurpose,
    /// When it should expire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_after: Option<FileExpiresAfter>,
}

impl Validate for UploadFileParams {
    fn validate(&self) -> Result<(), ValidationError> {
        if !FilePurpose::UPLOADABLE.contains(&self.purpose) {
            return Err(ValidationError::new(
                "purpose",
                "invalid_value",
                format!(
                    "Invalid value for 'purpose': '{}'. Supported values are: 'assistants', 'batch', 'fine-tune', 'vision', 'user_data' and 'evals'.",
                    self.purpose
                ),
            ));
        }
        if let Some(expiry) = &self.expires_after {
            let seconds = i64::try_from(expiry.seconds).unwrap_or(i64::MAX);
            integer_in("expires_after.seconds", seconds, 3600, 2_592_000)?;
        }
        Ok(())
    }
}

/// Query of `GET /files` (`limit` 1–10 000, no `before`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ListFilesQuery {
    /// Only files with this purpose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<FilePurpose>,
    /// Page size, 1–10 000 (default 10 000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Sort order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<ListOrder>,
    /// Return files after this id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn purposes_with_hyphens_round_trip() {
        let purpose: FilePurpose = serde_json::from_value(json!("fine-tune-results")).unwrap();
        assert_eq!(purpose, FilePurpose::FineTuneResults);
        assert_eq!(
            serde_json::to_value(FilePurpose::FineTune).unwrap(),
            json!("fine-tune")
        );
        let unknown: FilePurpose = serde_json::from_value(json!("audio")).unwrap();
        assert_eq!(serde_json::to_value(&unknown).unwrap(), json!("audio"));
    }

    #[test]
    fn upload_params_are_checked() {
        let params = UploadFileParams {
            purpose: FilePurpose::AssistantsOutput,
            expires_after: None,
        };
        assert_eq!(params.validate().unwrap_err().param, "purpose");
        let params = UploadFileParams {
            purpose: FilePurpose::Assistants,
            expires_after: Some(FileExpiresAfter {
                anchor: CreatedAtAnchor,
                seconds: 60,
            }),
        };
        let err = params.validate().unwrap_err();
        assert_eq!(err.param, "expires_after.seconds");
        assert_eq!(
            err.message,
            "Invalid 'expires_after.seconds': integer below minimum value. Expected a value >= 3600, but got 60 instead."
        );
    }
}
