//! Threads: the object, its create/modify bodies and its deleted answer.

use serde::{Deserialize, Serialize};

use crate::common::{DeletedObject, Metadata, UnixTime, patch};
use crate::messages::CreateMessageRequest;
use crate::tool_resources::{ToolResources, ToolResourcesRequest};
use crate::validate::{Checked, Validate, ValidationError, field, item, metadata_opt};

literal!(
    /// `"object": "thread"`.
    ThreadTag = "thread"
);
literal!(
    /// `"object": "thread.deleted"`.
    ThreadDeletedTag = "thread.deleted"
);

/// Answer to `DELETE /threads/{id}`.
pub type ThreadDeleted = DeletedObject<ThreadDeletedTag>;

/// A conversation (`object: "thread"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Thread {
    /// `thread_…`
    pub id: String,
    /// Always `"thread"`.
    #[serde(default)]
    pub object: ThreadTag,
    /// Creation time.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub created_at: UnixTime,
    /// Files and vector stores for the thread's tools.
    pub tool_resources: Option<ToolResources>,
    /// Caller tags.
    pub metadata: Option<Metadata>,
}

/// Body of `POST /threads` (and `thread` of create-thread-and-run); every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreateThreadRequest {
    /// Messages to start with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<Vec<CreateMessageRequest>>,
    /// Files and vector stores; may create a vector store inline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_resources: Option<ToolResourcesRequest>,
    /// Caller tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

impl CreateThreadRequest {
    /// Checks the body, `at` being its path (`""` or `thread`).
    pub(crate) fn check(&self, at: &str) -> Checked {
        if let Some(messages) = &self.messages {
            let param = field(at, "messages");
            for (index, message) in messages.iter().enumerate() {
                message.check(&item(&param, index))?;
            }
        }
        if let Some(resources) = &self.tool_resources {
            resources.check(&field(at, "tool_resources"))?;
        }
        metadata_opt(&field(at, "metadata"), self.metadata.as_ref())
    }
}

impl Validate for CreateThreadRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        self.check("")
    }
}

/// Body of `POST /threads/{id}`: absent leaves a field alone, `null` clears it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModifyThreadRequest {
    /// New tool resources (existing vector stores only).
    #[serde(
        default,
        deserialize_with = "patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "specta", specta(type = Option<Option<ToolResources>>))]
    pub tool_resources: Option<Option<ToolResources>>,
    /// New metadata.
    #[serde(
        default,
        deserialize_with = "patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "specta", specta(type = Option<Option<Metadata>>))]
    pub metadata: Option<Option<Metadata>>,
}

impl Validate for ModifyThreadRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        if let Some(Some(resources)) = &self.tool_resources {
            resources.check("tool_resources")?;
        }
        metadata_opt("metadata", self.metadata.as_ref().and_then(Option::as_ref))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_message_errors_carry_their_path() {
        let request: CreateThreadRequest = serde_json::from_value(json!({
            "messages": [
                {"role": "user", "content": "hi"},
                {"role": "user", "content": "there", "metadata": {"k": "v".repeat(513)}}
            ]
        }))
        .unwrap();
        let err = request.validate().unwrap_err();
        assert_eq!(err.param, "messages[1].metadata.k");
    }

    #[test]
    fn an_empty_body_is_a_valid_request() {
        let request: CreateThreadRequest = serde_json::from_value(json!({})).unwrap();
        assert_eq!(request, CreateThreadRequest::default());
        assert_eq!(serde_json::to_value(&request).unwrap(), json!({}));
        assert!(request.validate().is_ok());
    }
}
