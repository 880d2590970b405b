//! Messages: the object, its content parts and annotations, the create/modify bodies and the
//! streamed delta.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::common::{DeletedObject, Metadata, UnixTime, patch};
use crate::validate::{Checked, Validate, ValidationError, array_len, field, item, metadata_opt};

literal!(
    /// `"object": "thread.message"`.
    MessageTag = "thread.message"
);
literal!(
    /// `"object": "thread.message.delta"`.
    MessageDeltaTag = "thread.message.delta"
);
literal!(
    /// `"object": "thread.message.deleted"`.
    MessageDeletedTag = "thread.message.deleted"
);

/// Answer to `DELETE /threads/{thread_id}/messages/{message_id}`.
pub type MessageDeleted = DeletedObject<MessageDeletedTag>;

open_enum!(
    /// Who wrote a message.
    pub enum MessageRole {
        /// The person.
        User => "user",
        /// The assistant.
        Assistant => "assistant",
    }
);

open_enum!(
    /// Where a message is in its life.
    pub enum MessageStatus {
        /// Still being written.
        InProgress => "in_progress",
        /// Ended early; see `incomplete_details`.
        Incomplete => "incomplete",
        /// Finished.
        Completed => "completed",
    }
);

open_enum!(
    /// Why a message ended early.
    pub enum MessageIncompleteReason {
        /// Blocked by the content filter.
        ContentFilter => "content_filter",
        /// Ran out of tokens.
        MaxTokens => "max_tokens",
        /// Its run was cancelled.
        RunCancelled => "run_cancelled",
        /// Its run expired.
        RunExpired => "run_expired",
        /// Its run failed.
        RunFailed => "run_failed",
    }
);

open_enum!(
    /// Resolution of an image part.
    pub enum ImageDetail {
        /// Let the server choose.
        Auto => "auto",
        /// Low resolution.
        Low => "low",
        /// High resolution.
        High => "high",
    }
);

/// `{reason}` of an incomplete message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MessageIncompleteDetails {
    /// Why it ended early.
    pub reason: MessageIncompleteReason,
}

/// A message in a thread (`object: "thread.message"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Message {
    /// `msg_…`
    pub id: String,
    /// Always `"thread.message"`.
    #[serde(default)]
    pub object: MessageTag,
    /// Creation time.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub created_at: UnixTime,
    /// The thread it belongs to.
    pub thread_id: String,
    /// Its state.
    pub status: MessageStatus,
    /// Why it is incomplete, if it is.
    pub incomplete_details: Option<MessageIncompleteDetails>,
    /// When it completed.
    #[cfg_attr(feature = "specta", specta(type = Option<crate::typescript::WholeNumber>))]
    pub completed_at: Option<UnixTime>,
    /// When it was marked incomplete.
    #[cfg_attr(feature = "specta", specta(type = Option<crate::typescript::WholeNumber>))]
    pub incomplete_at: Option<UnixTime>,
    /// Author.
    pub role: MessageRole,
    /// Content parts.
    pub content: Vec<MessageContent>,
    /// The assistant that wrote it; `null` for messages added through the API.
    pub assistant_id: Option<String>,
    /// The run that wrote it; `null` for messages added through the API.
    pub run_id: Option<String>,
    /// Files attached for tools.
    pub attachments: Option<Vec<MessageAttachment>>,
    /// Caller tags.
    pub metadata: Option<Metadata>,
}

/// A content part of a message, as responses carry it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "type", rename_all = "snake_case")]
pub enum MessageContent {
    /// `{"type":"image_file","image_file":{...}}`
    ImageFile {
        /// The image.
        image_file: ImageFile,
    },
    /// `{"type":"image_url","image_url":{...}}`
    ImageUrl {
        /// The image.
        image_url: ImageUrl,
    },
    /// `{"type":"text","text":{"value","annotations"}}`
    Text {
        /// The text and its annotations.
        text: TextContent,
    },
    /// `{"type":"refusal","refusal":"..."}`
    Refusal {
        /// The model's refusal.
        refusal: String,
    },
    /// A form this crate does not know (a newer server's), kept verbatim so it serializes back
    /// unchanged.
    #[serde(skip)]
    Unknown(Value),
}

open_union!(MessageContent { "image_file", "image_url", "text", "refusal" });

/// An image stored as a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImageFile {
    /// `file-…`
    pub file_id: String,
    /// Resolution; `auto` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<ImageDetail>,
}

/// An image on the web.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImageUrl {
    /// Its URL.
    pub url: String,
    /// Resolution; `auto` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<ImageDetail>,
}

/// Text of a response part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TextContent {
    /// The text.
    pub value: String,
    /// Citations and file paths within it.
    pub annotations: Vec<Annotation>,
}

/// A span of a text part that refers to a file; offsets are characters into `value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "type", rename_all = "snake_case")]
pub enum Annotation {
    /// A quote from a searched file (file_search).
    FileCitation {
        /// The annotated text.
        text: String,
        /// The cited file.
        file_citation: FileRef,
        /// Start offset.
        start_index: u64,
        /// End offset.
        end_index: u64,
    },
    /// A file generated by code_interpreter.
    FilePath {
        /// The annotated text.
        text: String,
        /// The generated file.
        file_path: FileRef,
        /// Start offset.
        start_index: u64,
        /// End offset.
        end_index: u64,
    },
    /// A form this crate does not know (a newer server's), kept verbatim so it serializes back
    /// unchanged.
    #[serde(skip)]
    Unknown(Value),
}

open_union!(Annotation { "file_citation", "file_path" });

/// `{"file_id": ...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileRef {
    /// `file-…`
    pub file_id: String,
}

/// A file attached to a message, with the tools that may read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MessageAttachment {
    /// `file-…`
    pub file_id: String,
    /// Tools to add the file to.
    pub tools: Vec<AttachmentTool>,
}

/// A tool an attachment is for (type only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AttachmentTool {
    /// `{"type":"code_interpreter"}`
    CodeInterpreter,
    /// `{"type":"file_search"}`
    FileSearch,
}

/// `content` of a create-message request: a string or a non-empty array of parts.
#[derive(Debug, Clone, PartialEq)]
pub enum MessageContentInput {
    /// Plain text.
    Text(String),
    /// Parts; text parts carry a bare string here.
    Parts(Vec<MessageContentPartInput>),
}

/// A part of request content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MessageContentPartInput {
    /// `{"type":"image_file","image_file":{...}}`
    ImageFile {
        /// The image.
        image_file: ImageFile,
    },
    /// `{"type":"image_url","image_url":{...}}`
    ImageUrl {
        /// The image.
        image_url: ImageUrl,
    },
    /// `{"type":"text","text":"..."}`
    Text {
        /// The text.
        text: String,
    },
}

impl Serialize for MessageContentInput {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            MessageContentInput::Text(text) => serializer.serialize_str(text),
            MessageContentInput::Parts(parts) => parts.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for MessageContentInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Value::deserialize(deserializer)? {
            Value::String(text) => Ok(MessageContentInput::Text(text)),
            parts @ Value::Array(_) => {
                crate::common::from_value(parts).map(MessageContentInput::Parts)
            }
            other => Err(serde::de::Error::custom(format!(
                "expected a string or an array of content parts, got {other}"
            ))),
        }
    }
}

impl From<&str> for MessageContentInput {
    fn from(text: &str) -> Self {
        MessageContentInput::Text(text.to_owned())
    }
}

impl MessageContentInput {
    /// The response form of this content: text parts gain `{value, annotations: []}`.
    pub fn into_content(self) -> Vec<MessageContent> {
        let text = |value: String| MessageContent::Text {
            text: TextContent {
                value,
                annotations: Vec::new(),
            },
        };
        match self {
            MessageContentInput::Text(value) => vec![text(value)],
            MessageContentInput::Parts(parts) => parts
                .into_iter()
                .map(|part| match part {
                    MessageContentPartInput::Text { text: value } => text(value),
                    MessageContentPartInput::ImageFile { image_file } => {
                        MessageContent::ImageFile { image_file }
                    }
                    MessageContentPartInput::ImageUrl { image_url } => {
                        MessageContent::ImageUrl { image_url }
                    }
                })
                .collect(),
        }
    }
}

/// Body of `POST /threads/{thread_id}/messages`, also used for seeded and additional messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreateMessageRequest {
    /// Author: `user` or `assistant`.
    pub role: MessageRole,
    /// The content.
    pub content: MessageContentInput,
    /// Files to attach for tools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<MessageAttachment>>,
    /// Caller tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
}

impl CreateMessageRequest {
    /// A user message with plain text.
    pub fn user(text: impl Into<String>) -> Self {
        Self {
            role: MessageRole::User,
            content: MessageContentInput::Text(text.into()),
            attachments: None,
            metadata: None,
        }
    }

    /// Checks the body, `at` being its path (`""` at top level, `messages[0]` when nested).
    pub(crate) fn check(&self, at: &str) -> Checked {
        if let MessageRole::Other(role) = &self.role {
            let param = field(at, "role");
            return Err(ValidationError::new(
                &param,
                "invalid_value",
                format!(
                    "Invalid value for '{param}': '{role}'. Supported values are: 'user' and 'assistant'."
                ),
            ));
        }
        if let MessageContentInput::Parts(parts) = &self.content {
            array_len(&field(at, "content"), parts.len(), 1, usize::MAX)?;
        }
        if let Some(attachments) = &self.attachments {
            for (index, attachment) in attachments.iter().enumerate() {
                if attachment.file_id.is_empty() {
                    let param = field(&item(&field(at, "attachments"), index), "file_id");
                    return Err(crate::validate::missing(&param));
                }
            }
        }
        metadata_opt(&field(at, "metadata"), self.metadata.as_ref())
    }
}

impl Validate for CreateMessageRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        self.check("")
    }
}

/// Body of `POST /threads/{thread_id}/messages/{message_id}` (also used for runs): metadata only;
/// absent leaves it, `null` clears it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModifyMetadataRequest {
    /// New metadata.
    #[serde(
        default,
        deserialize_with = "patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "specta", specta(type = Option<Option<Metadata>>))]
    pub metadata: Option<Option<Metadata>>,
}

/// Body of the modify-message call.
pub type ModifyMessageRequest = ModifyMetadataRequest;

impl Validate for ModifyMetadataRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        metadata_opt("metadata", self.metadata.as_ref().and_then(Option::as_ref))
    }
}

/// A streamed change to a message (`object: "thread.message.delta"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MessageDelta {
    /// The message's id.
    pub id: String,
    /// Always `"thread.message.delta"`.
    #[serde(default)]
    pub object: MessageDeltaTag,
    /// What changed.
    pub delta: MessageDeltaBody,
}

/// The changed fields of a message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MessageDeltaBody {
    /// Author, if it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<MessageRole>,
    /// Content fragments, located by `index`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Vec<MessageDeltaContent>>,
}

/// A fragment of one content part; strings in it are appended to what came before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "type", rename_all = "snake_case")]
pub enum MessageDeltaContent {
    /// An image-file part.
    ImageFile {
        /// Index of the part.
        index: u32,
        /// The image, when first sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        image_file: Option<ImageFileDelta>,
    },
    /// A text part.
    Text {
        /// Index of the part.
        index: u32,
        /// Text fragment and new annotations.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<TextDelta>,
    },
    /// A refusal part.
    Refusal {
        /// Index of the part.
        index: u32,
        /// Refusal fragment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        refusal: Option<String>,
    },
    /// An image-URL part.
    ImageUrl {
        /// Index of the part.
        index: u32,
        /// The image, when first sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        image_url: Option<ImageUrlDelta>,
    },
    /// A form this crate does not know (a newer server's), kept verbatim so it serializes back
    /// unchanged.
    #[serde(skip)]
    Unknown(Value),
}

open_union!(MessageDeltaContent { "image_file", "text", "refusal", "image_url" });

/// Image-file fields of a delta.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImageFileDelta {
    /// `file-…`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    /// Resolution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<ImageDetail>,
}

/// Image-URL fields of a delta.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImageUrlDelta {
    /// The URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Resolution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<ImageDetail>,
}

/// Text fields of a delta.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TextDelta {
    /// The next fragment of text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// New or growing annotations, located by `index`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Vec<AnnotationDelta>>,
}

/// A fragment of an annotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "type", rename_all = "snake_case")]
pub enum AnnotationDelta {
    /// A file citation.
    FileCitation {
        /// Index of the annotation.
        index: u32,
        /// The annotated text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        /// The cited file.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file_citation: Option<FileCitationDelta>,
        /// Start offset.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_index: Option<u64>,
        /// End offset.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        end_index: Option<u64>,
    },
    /// A generated file path.
    FilePath {
        /// Index of the annotation.
        index: u32,
        /// The annotated text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
        /// The file.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file_path: Option<FilePathDelta>,
        /// Start offset.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_index: Option<u64>,
        /// End offset.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        end_index: Option<u64>,
    },
    /// A form this crate does not know (a newer server's), kept verbatim so it serializes back
    /// unchanged.
    #[serde(skip)]
    Unknown(Value),
}

open_union!(AnnotationDelta { "file_citation", "file_path" });

/// The cited file in a delta.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileCitationDelta {
    /// `file-…`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
    /// The quoted text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
}

/// The generated file in a delta.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FilePathDelta {
    /// `file-…`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn request_content_is_a_string_or_parts() {
        let text: MessageContentInput = serde_json::from_value(json!("hello")).unwrap();
        assert_eq!(text, MessageContentInput::Text("hello".into()));
        let parts: MessageContentInput = serde_json::from_value(json!([
            {"type": "text", "text": "look"},
            {"type": "image_file", "image_file": {"file_id": "file-1", "detail": "low"}},
            {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}
        ]))
        .unwrap();
        let MessageContentInput::Parts(list) = &parts else {
            panic!("an array should give parts")
        };
        assert_eq!(list.len(), 3);
        assert_eq!(
            list[0],
            MessageContentPartInput::Text {
                text: "look".into()
            }
        );
        assert_eq!(
            serde_json::to_value(&parts).unwrap()[1],
            json!({"type": "image_file", "image_file": {"file_id": "file-1", "detail": "low"}})
        );
        assert!(serde_json::from_value::<MessageContentInput>(json!(7)).is_err());
        assert!(
            serde_json::from_value::<MessageContentInput>(
                json!([{"type": "text", "text": {"value": "x"}}])
            )
            .is_err(),
            "request text parts carry a bare string"
        );
    }

    #[test]
    fn response_text_parts_carry_value_and_annotations() {
        let content = MessageContentInput::Text("hi".into()).into_content();
        assert_eq!(
            serde_json::to_value(&content).unwrap(),
            json!([{"type": "text", "text": {"value": "hi", "annotations": []}}])
        );
        let cited: MessageContent = serde_json::from_value(json!({
            "type": "text",
            "text": {"value": "see [1]", "annotations": [
                {"type": "file_citation", "text": "[1]", "file_citation": {"file_id": "file-1"}, "start_index": 4, "end_index": 7},
                {"type": "file_path", "text": "out.csv", "file_path": {"file_id": "file-2"}, "start_index": 0, "end_index": 3}
            ]}
        }))
        .unwrap();
        let MessageContent::Text { text } = cited else {
            panic!("should be a text part")
        };
        assert_eq!(text.annotations.len(), 2);
    }

    #[test]
    fn empty_part_lists_and_unknown_roles_are_rejected() {
        let empty: CreateMessageRequest =
            serde_json::from_value(json!({"role": "user", "content": []})).unwrap();
        let err = empty.validate().unwrap_err();
        assert_eq!(err.param, "content");
        assert_eq!(
            err.message,
            "Invalid 'content': array too short. Expected an array with minimum length 1, but got an array with length 0 instead."
        );
        let odd: CreateMessageRequest =
            serde_json::from_value(json!({"role": "system", "content": "x"})).unwrap();
        assert_eq!(
            odd.role,
            MessageRole::Other("system".into()),
            "unknown roles are kept"
        );
        assert_eq!(odd.validate().unwrap_err().param, "role");
    }

    #[test]
    fn unknown_status_round_trips() {
        let status: MessageStatus = serde_json::from_value(json!("archived")).unwrap();
        assert_eq!(status, MessageStatus::Other("archived".into()));
        assert_eq!(serde_json::to_value(&status).unwrap(), json!("archived"));
        assert_eq!(MessageStatus::parse("completed"), MessageStatus::Completed);
    }
}
