//! Vector stores: the object, its create/update bodies and its deleted answer.

use serde::{Deserialize, Serialize};

use crate::chunking::ChunkingStrategyRequest;
use crate::common::{DeletedObject, FileCounts, Metadata, UnixTime, patch};
use crate::validate::{Checked, Validate, ValidationError, array_len, integer_in, metadata_opt};

/// Most files a create-vector-store request may list.
pub const MAX_CREATE_FILE_IDS: usize = 500;

literal!(
    /// `"object": "vector_store"`.
    VectorStoreTag = "vector_store"
);
literal!(
    /// `"object": "vector_store.deleted"`.
    VectorStoreDeletedTag = "vector_store.deleted"
);
literal!(
    /// `"anchor": "last_active_at"` of a vector store's expiry.
    LastActiveAtAnchor = "last_active_at"
);

/// Answer to `DELETE /vector_stores/{id}`.
pub type VectorStoreDeleted = DeletedObject<VectorStoreDeletedTag>;

open_enum!(
    /// Where a vector store is in its life.
    pub enum VectorStoreStatus {
        /// Expired after `expires_at`.
        Expired => "expired",
        /// Files are still being processed.
        InProgress => "in_progress",
        /// Ready for search.
        Completed => "completed",
    }
);

/// A searchable collection of files (`object: "vector_store"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VectorStore {
    /// `vs_…`
    pub id: String,
    /// Always `"vector_store"`.
    #[serde(default)]
    pub object: VectorStoreTag,
    /// Creation time.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub created_at: UnixTime,
    /// Name (a string in the schema; an unnamed store has `""`).
    #[serde(default, deserialize_with = "crate::common::null_as_default")]
    pub name: String,
    /// Bytes used by its files.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub usage_bytes: u64,
    /// Counts of its files by state.
    pub file_counts: FileCounts,
    /// Its state.
    pub status: VectorStoreStatus,
    /// Expiry policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_after: Option<VectorStoreExpiresAfter>,
    /// When it will expire.
    #[serde(default)]
    #[cfg_attr(feature = "specta", specta(type = Option<crate::typescript::WholeNumber>))]
    pub expires_at: Option<UnixTime>,
    /// Last use.
    #[cfg_attr(feature = "specta", specta(type = Option<crate::typescript::WholeNumber>))]
    pub last_active_at: Option<UnixTime>,
    /// Caller tags.
    pub metadata: Option<Metadata>,
}

/// `expires_after` of a vector store: days after last activity, 1–365.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VectorStoreExpiresAfter {
    /// Always `"last_active_at"`.
    #[serde(default)]
    pub anchor: LastActiveAtAnchor,
    /// Days of inactivity before expiry.
    pub days: u32,
}

impl VectorStoreExpiresAfter {
    fn check(&self, at: &str) -> Checked {
        integer_in(&format!("{at}.days"), self.days.into(), 1, 365)
    }
}

/// Body of `POST /vector_stores`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreateVectorStoreRequest {
    /// Files to add, up to 500.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_ids: Option<Vec<String>>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description (accepted; the object has no field for it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Expiry policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_after: Option<VectorStoreExpiresAfter>,
    /// How to chunk `file_ids`; `auto` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunking_strategy: Option<ChunkingStrategyRequest>,
    /// Caller tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

impl Validate for CreateVectorStoreRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        if let Some(ids) = &self.file_ids {
            array_len("file_ids", ids.len(), 0, MAX_CREATE_FILE_IDS)?;
        }
        if let Some(expiry) = &self.expires_after {
            expiry.check("expires_after")?;
        }
        if let Some(strategy) = &self.chunking_strategy {
            strategy.check("chunking_strategy")?;
        }
        metadata_opt("metadata", self.metadata.as_ref())
    }
}

/// Body of `POST /vector_stores/{id}`: absent leaves a field alone, `null` clears it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UpdateVectorStoreRequest {
    /// New name.
    #[serde(
        default,
        deserialize_with = "patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "specta", specta(type = Option<Option<String>>))]
    pub name: Option<Option<String>>,
    /// New expiry policy.
    #[serde(
        default,
        deserialize_with = "patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "specta", specta(type = Option<Option<VectorStoreExpiresAfter>>))]
    pub expires_after: Option<Option<VectorStoreExpiresAfter>>,
    /// New metadata.
    #[serde(
        default,
        deserialize_with = "patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "specta", specta(type = Option<Option<Metadata>>))]
    pub metadata: Option<Option<Metadata>>,
}

impl Validate for UpdateVectorStoreRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        if let Some(Some(expiry)) = &self.expires_after {
            expiry.check("expires_after")?;
        }
        metadata_opt("metadata", self.metadata.as_ref().and_then(Option::as_ref))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn create_bounds_are_checked() {
        let request: CreateVectorStoreRequest = serde_json::from_value(json!({
            "name": "docs",
            "expires_after": {"anchor": "last_active_at", "days": 400}
        }))
        .unwrap();
        let err = request.validate().unwrap_err();
        assert_eq!(err.param, "expires_after.days");
        let request = CreateVectorStoreRequest {
            file_ids: Some((0..501).map(|i| format!("file-{i}")).collect()),
            ..Default::default()
        };
        assert_eq!(request.validate().unwrap_err().param, "file_ids");
        assert!(
            serde_json::from_value::<CreateVectorStoreRequest>(
                json!({"expires_after": {"anchor": "created_at", "days": 1}})
            )
            .is_err(),
            "the anchor literal is checked"
        );
    }

    #[test]
    fn update_tells_absent_from_null() {
        let request: UpdateVectorStoreRequest =
            serde_json::from_value(json!({"expires_after": null})).unwrap();
        assert_eq!(request.expires_after, Some(None));
        assert_eq!(request.name, None);
    }
}
