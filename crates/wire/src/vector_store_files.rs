//! Files inside vector stores: the vector store file, file batches, their attributes, the bodies
//! that add files and the parsed-content page.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::chunking::{ChunkingStrategy, ChunkingStrategyRequest};
use crate::common::{DeletedObject, FileCounts, ListOrder, UnixTime};
use crate::validate::{
    Checked, MAX_METADATA_VALUE, Validate, ValidationError, array_len, field, item, map_keys,
    missing, string_max,
};

/// Most files one batch may add.
pub const MAX_BATCH_FILES: usize = 2000;

literal!(
    /// `"object": "vector_store.file"`.
    VectorStoreFileTag = "vector_store.file"
);
literal!(
    /// `"object": "vector_store.file.deleted"`.
    VectorStoreFileDeletedTag = "vector_store.file.deleted"
);
literal!(
    /// `"object": "vector_store.files_batch"`, the schema's spelling; the prose's
    /// `vector_store.file_batch` is accepted on input.
    VectorStoreFileBatchTag = "vector_store.files_batch",
    alias "vector_store.file_batch"
);
literal!(
    /// `"object": "vector_store.file_content.page"`.
    FileContentPageTag = "vector_store.file_content.page"
);

/// Answer to `DELETE /vector_stores/{vs}/files/{file_id}`.
pub type VectorStoreFileDeleted = DeletedObject<VectorStoreFileDeletedTag>;

/// A file attribute value: a string (≤ 512 characters), a number or a boolean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(untagged)]
pub enum AttributeValue {
    /// A string.
    String(String),
    /// A number, kept exactly as sent.
    Number(serde_json::Number),
    /// A boolean.
    Bool(bool),
}

/// File attributes used by search filters: ≤ 16 keys of ≤ 64 characters.
pub type Attributes = BTreeMap<String, AttributeValue>;

/// Checks attribute bounds at `param`.
pub(crate) fn check_attributes(param: &str, attributes: &Attributes) -> Checked {
    map_keys(param, attributes.keys())?;
    for (key, value) in attributes {
        if let AttributeValue::String(text) = value {
            string_max(&field(param, key), text, MAX_METADATA_VALUE)?;
        }
    }
    Ok(())
}

open_enum!(
    /// Where a vector store file, or a batch, is in its life.
    pub enum VectorStoreFileStatus {
        /// Being processed.
        InProgress => "in_progress",
        /// Ready for search.
        Completed => "completed",
        /// Processing was cancelled.
        Cancelled => "cancelled",
        /// Processing failed.
        Failed => "failed",
    }
);

/// Status of a file batch (same values as a file's).
pub type VectorStoreFileBatchStatus = VectorStoreFileStatus;

open_enum!(
    /// `last_error.code` of a vector store file.
    pub enum VectorStoreFileErrorCode {
        /// Something broke on the server.
        ServerError => "server_error",
        /// The file type cannot be indexed.
        UnsupportedFile => "unsupported_file",
        /// The file is damaged or empty.
        InvalidFile => "invalid_file",
    }
);

/// A file attached to a vector store (`object: "vector_store.file"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VectorStoreFile {
    /// The file's id (`file-…`).
    pub id: String,
    /// Always `"vector_store.file"`.
    #[serde(default)]
    pub object: VectorStoreFileTag,
    /// Bytes used in the store.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub usage_bytes: u64,
    /// When it was attached.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub created_at: UnixTime,
    /// The store.
    pub vector_store_id: String,
    /// Its state.
    pub status: VectorStoreFileStatus,
    /// Why it failed.
    pub last_error: Option<VectorStoreFileError>,
    /// How it was chunked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunking_strategy: Option<ChunkingStrategy>,
    /// Attributes for search filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Attributes>,
}

/// `last_error` of a vector store file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VectorStoreFileError {
    /// What kind of failure.
    pub code: VectorStoreFileErrorCode,
    /// Human-readable text.
    pub message: String,
}

/// A batch of files being added (`object: "vector_store.files_batch"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VectorStoreFileBatch {
    /// `vsfb_…`
    pub id: String,
    /// Always `"vector_store.files_batch"`.
    #[serde(default)]
    pub object: VectorStoreFileBatchTag,
    /// Creation time.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub created_at: UnixTime,
    /// The store.
    pub vector_store_id: String,
    /// Its state.
    pub status: VectorStoreFileBatchStatus,
    /// Counts of its files by state; SDK pollers wait on `in_progress`.
    pub file_counts: FileCounts,
}

/// Body of `POST /vector_stores/{vs}/files` (also an entry of a batch's `files`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreateVectorStoreFileRequest {
    /// The file to attach.
    #[serde(default)]
    pub file_id: String,
    /// How to chunk it; `auto` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunking_strategy: Option<ChunkingStrategyRequest>,
    /// Attributes for search filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Attributes>,
}

impl CreateVectorStoreFileRequest {
    fn check(&self, at: &str) -> Checked {
        if self.file_id.is_empty() {
            return Err(missing(&field(at, "file_id")));
        }
        if let Some(strategy) = &self.chunking_strategy {
            strategy.check(&field(at, "chunking_strategy"))?;
        }
        self.attributes
            .as_ref()
            .map_or(Ok(()), |a| check_attributes(&field(at, "attributes"), a))
    }
}

impl Validate for CreateVectorStoreFileRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        self.check("")
    }
}

/// Body of `POST /vector_stores/{vs}/file_batches`: `file_ids` or `files`, 1–2000 of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreateVectorStoreFileBatchRequest {
    /// Files sharing `chunking_strategy` and `attributes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_ids: Option<Vec<String>>,
    /// Files with their own settings (the shared ones are ignored then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<CreateVectorStoreFileRequest>>,
    /// Chunking for `file_ids`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunking_strategy: Option<ChunkingStrategyRequest>,
    /// Attributes for `file_ids`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Attributes>,
}

impl Validate for CreateVectorStoreFileBatchRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        match (&self.file_ids, &self.files) {
            (None, None) => return Err(missing("file_ids")),
            (Some(ids), _) => array_len("file_ids", ids.len(), 1, MAX_BATCH_FILES)?,
            (None, Some(_)) => {}
        }
        if let Some(files) = &self.files {
            array_len("files", files.len(), 1, MAX_BATCH_FILES)?;
            for (index, file) in files.iter().enumerate() {
                file.check(&item("files", index))?;
            }
        }
        if let Some(strategy) = &self.chunking_strategy {
            strategy.check("chunking_strategy")?;
        }
        self.attributes
            .as_ref()
            .map_or(Ok(()), |a| check_attributes("attributes", a))
    }
}

/// Body of `POST /vector_stores/{vs}/files/{file_id}`; `attributes` is required and may be `null`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UpdateVectorStoreFileAttributesRequest {
    /// The new attributes; `null` clears them.
    pub attributes: Option<Attributes>,
}

impl Validate for UpdateVectorStoreFileAttributesRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        self.attributes
            .as_ref()
            .map_or(Ok(()), |a| check_attributes("attributes", a))
    }
}

/// Query of the vector store file lists: the cursor parameters plus a status `filter`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ListVectorStoreFilesQuery {
    /// Page size, 1–100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Sort order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<ListOrder>,
    /// Items after this id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Items before this id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// Only files in this state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<VectorStoreFileStatus>,
}

/// Answer to `GET /vector_stores/{vs}/files/{file_id}/content`: the parsed text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VectorStoreFileContent {
    /// Always `"vector_store.file_content.page"`.
    #[serde(default)]
    pub object: FileContentPageTag,
    /// The text pieces.
    pub data: Vec<FileContentPart>,
    /// Whether more follows.
    pub has_more: bool,
    /// Cursor of the next page.
    pub next_page: Option<String>,
}

/// A piece of parsed file text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileContentPart {
    /// The kind of content, `"text"`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The text.
    #[serde(default)]
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_prose_spelling_of_the_batch_object_is_accepted_and_corrected() {
        let batch: VectorStoreFileBatch = serde_json::from_value(json!({
            "id": "vsfb_1", "object": "vector_store.file_batch", "created_at": 1,
            "vector_store_id": "vs_1", "status": "in_progress",
            "file_counts": {"in_progress": 1, "completed": 0, "failed": 0, "cancelled": 0, "total": 1}
        }))
        .unwrap();
        assert_eq!(
            serde_json::to_value(&batch).unwrap()["object"],
            json!("vector_store.files_batch")
        );
    }

    #[test]
    fn attributes_keep_numbers_exactly_and_are_bounded() {
        let attributes: Attributes = serde_json::from_value(
            json!({"year": 2024, "score": 0.5, "draft": false, "author": "x"}),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&attributes).unwrap(),
            json!({"year": 2024, "score": 0.5, "draft": false, "author": "x"})
        );
        let long: Attributes = [("k".to_owned(), AttributeValue::String("v".repeat(513)))].into();
        assert_eq!(
            check_attributes("attributes", &long).unwrap_err().param,
            "attributes.k"
        );
    }

    #[test]
    fn batches_need_files() {
        let empty = CreateVectorStoreFileBatchRequest::default();
        assert_eq!(
            empty.validate().unwrap_err().message,
            "Missing required parameter: 'file_ids'."
        );
        let none: CreateVectorStoreFileBatchRequest =
            serde_json::from_value(json!({"file_ids": []})).unwrap();
        assert_eq!(none.validate().unwrap_err().code, "array_below_min_length");
        let nested: CreateVectorStoreFileBatchRequest =
            serde_json::from_value(json!({"files": [{"file_id": "file-1"}, {"file_id": ""}]}))
                .unwrap();
        assert_eq!(nested.validate().unwrap_err().param, "files[1].file_id");
    }
}
