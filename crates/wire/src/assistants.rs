//! Assistants: the object, its create/modify bodies and its deleted answer.

use serde::{Deserialize, Serialize};

use crate::common::{DeletedObject, Metadata, UnixTime, patch};
use crate::response_format::ResponseFormatOption;
use crate::tool_resources::{ToolResources, ToolResourcesRequest};
use crate::tools::{AssistantTool, MAX_ASSISTANT_TOOLS, check_tools};
use crate::validate::{Checked, Validate, decimal_in, metadata_opt, missing, string_max};

/// Longest assistant name.
pub const MAX_NAME: usize = 256;
/// Longest assistant description.
pub const MAX_DESCRIPTION: usize = 512;
/// Longest instructions.
pub const MAX_INSTRUCTIONS: usize = 256_000;

literal!(
    /// `"object": "assistant"`.
    AssistantTag = "assistant"
);
literal!(
    /// `"object": "assistant.deleted"`.
    AssistantDeletedTag = "assistant.deleted"
);

/// Answer to `DELETE /assistants/{id}`.
pub type AssistantDeleted = DeletedObject<AssistantDeletedTag>;

/// An assistant (`object: "assistant"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Assistant {
    /// `asst_…`
    pub id: String,
    /// Always `"assistant"`.
    #[serde(default)]
    pub object: AssistantTag,
    /// Creation time.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub created_at: UnixTime,
    /// Name, up to 256 characters.
    pub name: Option<String>,
    /// Description, up to 512 characters.
    pub description: Option<String>,
    /// Model id.
    pub model: String,
    /// System instructions, up to 256 000 characters.
    pub instructions: Option<String>,
    /// Enabled tools, up to 128.
    #[serde(default)]
    pub tools: Vec<AssistantTool>,
    /// Files and vector stores for the tools (not `required` in the schema; always sent).
    #[serde(default)]
    pub tool_resources: Option<ToolResources>,
    /// Caller tags.
    pub metadata: Option<Metadata>,
    /// Sampling temperature, 0–2 (always sent).
    #[serde(default)]
    pub temperature: Option<f64>,
    /// Nucleus sampling mass, 0–1 (always sent).
    #[serde(default)]
    pub top_p: Option<f64>,
    /// Output format (always sent).
    #[serde(default)]
    pub response_format: Option<ResponseFormatOption>,
}

open_enum!(
    /// `reasoning_effort` for reasoning models.
    pub enum ReasoningEffort {
        /// No reasoning.
        None => "none",
        /// Minimal reasoning.
        Minimal => "minimal",
        /// Low.
        Low => "low",
        /// Medium (the default).
        Medium => "medium",
        /// High.
        High => "high",
        /// Extra high.
        Xhigh => "xhigh",
        /// The most the model offers.
        Max => "max",
    }
);

/// Body of `POST /assistants`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreateAssistantRequest {
    /// Model id (any string).
    #[serde(default)]
    pub model: String,
    /// Name, up to 256 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Description, up to 512 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Instructions, up to 256 000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    /// Reasoning effort for reasoning models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_effort: Option<ReasoningEffort>,
    /// Tools, up to 128.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<AssistantTool>,
    /// Files and vector stores for the tools; may create a vector store inline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_resources: Option<ToolResourcesRequest>,
    /// Caller tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// Sampling temperature, 0–2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Nucleus sampling mass, 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Output format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_format: Option<ResponseFormatOption>,
}

/// Body of `POST /assistants/{id}`: a partial update. For `Option<Option<_>>` fields, absent leaves
/// the value alone and `null` clears it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModifyAssistantRequest {
    /// New model id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// New reasoning effort.
    #[serde(
        default,
        deserialize_with = "patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "specta", specta(type = Option<Option<ReasoningEffort>>))]
    pub reasoning_effort: Option<Option<ReasoningEffort>>,
    /// New name.
    #[serde(
        default,
        deserialize_with = "patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "specta", specta(type = Option<Option<String>>))]
    pub name: Option<Option<String>>,
    /// New description.
    #[serde(
        default,
        deserialize_with = "patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "specta", specta(type = Option<Option<String>>))]
    pub description: Option<Option<String>>,
    /// New instructions.
    #[serde(
        default,
        deserialize_with = "patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "specta", specta(type = Option<Option<String>>))]
    pub instructions: Option<Option<String>>,
    /// New tool list (replaces the old one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<AssistantTool>>,
    /// New tool resources (existing vector stores only).
    #[serde(
        default,
        deserialize_with = "patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "specta", specta(type = Option<Option<ToolResources>>))]
    pub tool_resources: Option<Option<ToolResources>>,
    /// New metadata (replaces the old map).
    #[serde(
        default,
        deserialize_with = "patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "specta", specta(type = Option<Option<Metadata>>))]
    pub metadata: Option<Option<Metadata>>,
    /// New temperature.
    #[serde(
        default,
        deserialize_with = "patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "specta", specta(type = Option<Option<f64>>))]
    pub temperature: Option<Option<f64>>,
    /// New top_p.
    #[serde(
        default,
        deserialize_with = "patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "specta", specta(type = Option<Option<f64>>))]
    pub top_p: Option<Option<f64>>,
    /// New output format.
    #[serde(
        default,
        deserialize_with = "patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "specta", specta(type = Option<Option<ResponseFormatOption>>))]
    pub response_format: Option<Option<ResponseFormatOption>>,
}

/// The bounds create and modify share.
pub(crate) struct AssistantFields<'a> {
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub instructions: Option<&'a str>,
    pub temperature: Option<f64>,
    pub top_p: Option<f64>,
    pub metadata: Option<&'a Metadata>,
    pub tools: Option<&'a [AssistantTool]>,
}

impl AssistantFields<'_> {
    pub(crate) fn check(&self) -> Checked {
        if let Some(name) = self.name {
            string_max("name", name, MAX_NAME)?;
        }
        if let Some(description) = self.description {
            string_max("description", description, MAX_DESCRIPTION)?;
        }
        if let Some(instructions) = self.instructions {
            string_max("instructions", instructions, MAX_INSTRUCTIONS)?;
        }
        if let Some(tools) = self.tools {
            check_tools("tools", tools, MAX_ASSISTANT_TOOLS)?;
        }
        if let Some(temperature) = self.temperature {
            decimal_in("temperature", temperature, 0.0, 2.0)?;
        }
        if let Some(top_p) = self.top_p {
            decimal_in("top_p", top_p, 0.0, 1.0)?;
        }
        metadata_opt("metadata", self.metadata)
    }
}

impl Validate for CreateAssistantRequest {
    fn validate(&self) -> Result<(), crate::ValidationError> {
        if self.model.is_empty() {
            return Err(missing("model"));
        }
        AssistantFields {
            name: self.name.as_deref(),
            description: self.description.as_deref(),
            instructions: self.instructions.as_deref(),
            temperature: self.temperature,
            top_p: self.top_p,
            metadata: self.metadata.as_ref(),
            tools: Some(&self.tools),
        }
        .check()?;
        self.tool_resources
            .as_ref()
            .map_or(Ok(()), |r| r.check("tool_resources"))
    }
}

impl Validate for ModifyAssistantRequest {
    fn validate(&self) -> Result<(), crate::ValidationError> {
        if self.model.as_deref() == Some("") {
            return Err(missing("model"));
        }
        AssistantFields {
            name: self.name.as_ref().and_then(Option::as_deref),
            description: self.description.as_ref().and_then(Option::as_deref),
            instructions: self.instructions.as_ref().and_then(Option::as_deref),
            temperature: self.temperature.flatten(),
            top_p: self.top_p.flatten(),
            metadata: self.metadata.as_ref().and_then(Option::as_ref),
            tools: self.tools.as_deref(),
        }
        .check()?;
        match &self.tool_resources {
            Some(Some(resources)) => resources.check("tool_resources"),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn create_bounds_name_the_field() {
        let mut request = CreateAssistantRequest {
            model: "gpt-4o".into(),
            ..Default::default()
        };
        assert!(request.validate().is_ok());
        request.temperature = Some(2.1);
        let err = request.validate().unwrap_err();
        assert_eq!(err.param, "temperature");
        assert_eq!(
            err.message,
            "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.1 instead."
        );
        request.temperature = None;
        request.name = Some("n".repeat(257));
        let err = request.validate().unwrap_err();
        assert_eq!(err.param, "name");
        assert_eq!(
            err.message,
            "Invalid 'name': string too long. Expected a string with maximum length 256, but got a string with length 257 instead."
        );
        request.name = None;
        request.description = Some("d".repeat(513));
        assert_eq!(request.validate().unwrap_err().param, "description");
        request.description = None;
        request.tools = vec![AssistantTool::CodeInterpreter; 129];
        assert_eq!(
            request.validate().unwrap_err().code,
            "array_above_max_length"
        );
        let missing_model = CreateAssistantRequest::default();
        assert_eq!(
            missing_model.validate().unwrap_err().message,
            "Missing required parameter: 'model'."
        );
    }

    #[test]
    fn modify_tells_absent_from_null() {
        let request: ModifyAssistantRequest =
            serde_json::from_value(json!({"name": null, "top_p": 0.5})).unwrap();
        assert_eq!(request.name, Some(None), "null clears the name");
        assert_eq!(
            request.description, None,
            "absent leaves the description alone"
        );
        assert_eq!(request.top_p, Some(Some(0.5)));
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            json!({"name": null, "top_p": 0.5})
        );
        let bad: ModifyAssistantRequest = serde_json::from_value(json!({"top_p": 1.5})).unwrap();
        assert_eq!(bad.validate().unwrap_err().param, "top_p");
    }

    #[test]
    fn nullable_fields_are_sent_as_null() {
        let assistant = Assistant {
            id: "asst_1".into(),
            object: AssistantTag,
            created_at: 1,
            name: None,
            description: None,
            model: "gpt-4o".into(),
            instructions: None,
            tools: vec![],
            tool_resources: None,
            metadata: None,
            temperature: None,
            top_p: None,
            response_format: None,
        };
        let value = serde_json::to_value(&assistant).unwrap();
        for key in [
            "name",
            "description",
            "instructions",
            "tool_resources",
            "metadata",
            "temperature",
            "top_p",
            "response_format",
        ] {
            assert_eq!(value[key], json!(null), "{key} should be present as null");
            assert!(
                value.as_object().unwrap().contains_key(key),
                "{key} should be present"
            );
        }
        assert_eq!(value["object"], json!("assistant"));
    }

    #[test]
    fn unknown_reasoning_effort_round_trips() {
        let effort: ReasoningEffort = serde_json::from_value(json!("ultra")).unwrap();
        assert_eq!(effort, ReasoningEffort::Other("ultra".into()));
        assert_eq!(serde_json::to_value(&effort).unwrap(), json!("ultra"));
    }
}
