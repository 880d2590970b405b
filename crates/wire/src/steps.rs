//! Run steps: the object, its details (message creation or tool calls) and the streamed delta.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::common::{Metadata, UnixTime, Usage};
use crate::tools::FileSearchRanker;

literal!(
    /// `"object": "thread.run.step"`.
    RunStepTag = "thread.run.step"
);
literal!(
    /// `"object": "thread.run.step.delta"`.
    RunStepDeltaTag = "thread.run.step.delta"
);
literal!(
    /// `"type": "text"` of a file-search result's content.
    TextTypeTag = "text"
);

/// The `include[]` value that adds `content` to file-search results.
pub const INCLUDE_FILE_SEARCH_CONTENT: &str =
    "step_details.tool_calls[*].file_search.results[*].content";

open_enum!(
    /// The kind of a run step.
    pub enum RunStepType {
        /// The assistant wrote a message.
        MessageCreation => "message_creation",
        /// The assistant called tools.
        ToolCalls => "tool_calls",
    }
);

open_enum!(
    /// Where a run step is in its life.
    pub enum RunStepStatus {
        /// Working (or, for tool calls, waiting on outputs).
        InProgress => "in_progress",
        /// Cancelled with its run.
        Cancelled => "cancelled",
        /// Failed.
        Failed => "failed",
        /// Finished.
        Completed => "completed",
        /// Expired with its run.
        Expired => "expired",
    }
);

open_enum!(
    /// `last_error.code` of a run step.
    pub enum RunStepErrorCode {
        /// Something broke on the server.
        ServerError => "server_error",
        /// Too many requests.
        RateLimitExceeded => "rate_limit_exceeded",
    }
);

/// One step of a run (`object: "thread.run.step"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RunStep {
    /// `step_…`
    pub id: String,
    /// Always `"thread.run.step"`.
    #[serde(default)]
    pub object: RunStepTag,
    /// Creation time.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub created_at: UnixTime,
    /// The assistant of the run.
    pub assistant_id: String,
    /// The thread of the run.
    pub thread_id: String,
    /// The run.
    pub run_id: String,
    /// Message creation or tool calls.
    #[serde(rename = "type")]
    pub kind: RunStepType,
    /// Its state.
    pub status: RunStepStatus,
    /// What the step did.
    pub step_details: StepDetails,
    /// Why it failed.
    pub last_error: Option<RunStepLastError>,
    /// When it expired.
    #[cfg_attr(feature = "specta", specta(type = Option<crate::typescript::WholeNumber>))]
    pub expired_at: Option<UnixTime>,
    /// When it was cancelled.
    #[cfg_attr(feature = "specta", specta(type = Option<crate::typescript::WholeNumber>))]
    pub cancelled_at: Option<UnixTime>,
    /// When it failed.
    #[cfg_attr(feature = "specta", specta(type = Option<crate::typescript::WholeNumber>))]
    pub failed_at: Option<UnixTime>,
    /// When it completed.
    #[cfg_attr(feature = "specta", specta(type = Option<crate::typescript::WholeNumber>))]
    pub completed_at: Option<UnixTime>,
    /// Caller tags.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// Tokens used; `null` while in progress.
    #[serde(default)]
    pub usage: Option<Usage>,
}

/// `last_error` of a run step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RunStepLastError {
    /// What kind of failure.
    pub code: RunStepErrorCode,
    /// Human-readable text.
    pub message: String,
}

/// `step_details`, discriminated by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "type", rename_all = "snake_case")]
pub enum StepDetails {
    /// `{"type":"message_creation","message_creation":{"message_id"}}`
    MessageCreation {
        /// The message written.
        message_creation: MessageCreation,
    },
    /// `{"type":"tool_calls","tool_calls":[...]}`
    ToolCalls {
        /// The calls made.
        tool_calls: Vec<ToolCall>,
    },
    /// A form this crate does not know (a newer server's), kept verbatim so it serializes back
    /// unchanged.
    #[serde(skip)]
    Unknown(Value),
}

open_union!(StepDetails { "message_creation", "tool_calls" });

/// The message a step wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MessageCreation {
    /// `msg_…`
    pub message_id: String,
}

/// A tool call made in a step, discriminated by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "type", rename_all = "snake_case")]
pub enum ToolCall {
    /// A code_interpreter run.
    CodeInterpreter {
        /// `call_…`
        id: String,
        /// Code and outputs.
        code_interpreter: CodeInterpreterCall,
    },
    /// A file_search query.
    FileSearch {
        /// `call_…`
        id: String,
        /// Ranking and results.
        file_search: FileSearchCall,
    },
    /// A function call.
    Function {
        /// `call_…`
        id: String,
        /// Name, arguments and output.
        function: FunctionCall,
    },
    /// A form this crate does not know (a newer server's), kept verbatim so it serializes back
    /// unchanged.
    #[serde(skip)]
    Unknown(Value),
}

open_union!(ToolCall { "code_interpreter", "file_search", "function" });

/// Input and outputs of a code_interpreter call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CodeInterpreterCall {
    /// The code run.
    pub input: String,
    /// What it produced.
    pub outputs: Vec<CodeInterpreterOutput>,
}

/// One output of a code_interpreter call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "type", rename_all = "snake_case")]
pub enum CodeInterpreterOutput {
    /// `{"type":"logs","logs":"..."}`
    Logs {
        /// Text output.
        logs: String,
    },
    /// `{"type":"image","image":{"file_id"}}`
    Image {
        /// The image file.
        image: ImageOutput,
    },
    /// A form this crate does not know (a newer server's), kept verbatim so it serializes back
    /// unchanged.
    #[serde(skip)]
    Unknown(Value),
}

open_union!(CodeInterpreterOutput { "logs", "image" });

/// An image a code_interpreter call made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImageOutput {
    /// `file-…`
    pub file_id: String,
}

/// Ranking and results of a file_search call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileSearchCall {
    /// The ranking used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranking_options: Option<FileSearchCallRanking>,
    /// What it found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<FileSearchResult>>,
}

/// The ranking a file_search call used (both fields required here).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileSearchCallRanking {
    /// The ranker.
    pub ranker: FileSearchRanker,
    /// The cut-off score, 0–1.
    pub score_threshold: f64,
}

/// One file_search hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileSearchResult {
    /// `file-…`
    pub file_id: String,
    /// Its name.
    pub file_name: String,
    /// Relevance, 0–1.
    pub score: f64,
    /// Matched text; only with the `include[]` of [`INCLUDE_FILE_SEARCH_CONTENT`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Vec<FileSearchResultContent>>,
}

/// A piece of matched text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FileSearchResultContent {
    /// Always `"text"`.
    #[serde(rename = "type", default)]
    pub kind: TextTypeTag,
    /// The text.
    #[serde(default)]
    pub text: String,
}

/// Name, arguments and (once submitted) output of a function call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FunctionCall {
    /// Function name.
    pub name: String,
    /// Arguments as a JSON string.
    pub arguments: String,
    /// The submitted output; `null` until then.
    pub output: Option<String>,
}

/// A streamed change to a run step (`object: "thread.run.step.delta"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RunStepDelta {
    /// The step's id.
    pub id: String,
    /// Always `"thread.run.step.delta"`.
    #[serde(default)]
    pub object: RunStepDeltaTag,
    /// What changed.
    pub delta: RunStepDeltaBody,
}

/// The changed fields of a step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RunStepDeltaBody {
    /// Changed details.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_details: Option<StepDetailsDelta>,
}

/// A fragment of `step_details`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "type", rename_all = "snake_case")]
pub enum StepDetailsDelta {
    /// Message-creation details.
    MessageCreation {
        /// The message id, when first sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_creation: Option<MessageCreationDelta>,
    },
    /// Tool-call fragments, located by `index`.
    ToolCalls {
        /// The fragments.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tool_calls: Option<Vec<ToolCallDelta>>,
    },
    /// A form this crate does not know (a newer server's), kept verbatim so it serializes back
    /// unchanged.
    #[serde(skip)]
    Unknown(Value),
}

open_union!(StepDetailsDelta { "message_creation", "tool_calls" });

/// Message-creation fields of a delta.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MessageCreationDelta {
    /// `msg_…`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

/// A fragment of one tool call; strings are appended to what came before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "type", rename_all = "snake_case")]
pub enum ToolCallDelta {
    /// A code_interpreter call.
    CodeInterpreter {
        /// Index of the call in the step.
        index: u32,
        /// `call_…`, in the first fragment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// Code and output fragments.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        code_interpreter: Option<CodeInterpreterCallDelta>,
    },
    /// A file_search call; the spec gives its payload only as an (empty) object.
    FileSearch {
        /// Index of the call in the step.
        index: u32,
        /// `call_…`, in the first fragment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// Always an object, usually `{}`.
        #[serde(default)]
        file_search: Map<String, Value>,
    },
    /// A function call.
    Function {
        /// Index of the call in the step.
        index: u32,
        /// `call_…`, in the first fragment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// Name, argument and output fragments.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        function: Option<FunctionCallDelta>,
    },
    /// A form this crate does not know (a newer server's), kept verbatim so it serializes back
    /// unchanged.
    #[serde(skip)]
    Unknown(Value),
}

open_union!(ToolCallDelta { "code_interpreter", "file_search", "function" });

/// Code and output fragments of a code_interpreter call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CodeInterpreterCallDelta {
    /// The next piece of code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// New outputs, located by `index`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<Vec<CodeInterpreterOutputDelta>>,
}

/// A fragment of one code_interpreter output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", tag = "type", rename_all = "snake_case")]
pub enum CodeInterpreterOutputDelta {
    /// Text output.
    Logs {
        /// Index of the output.
        index: u32,
        /// The text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        logs: Option<String>,
    },
    /// An image.
    Image {
        /// Index of the output.
        index: u32,
        /// The image file.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        image: Option<ImageOutputDelta>,
    },
    /// A form this crate does not know (a newer server's), kept verbatim so it serializes back
    /// unchanged.
    #[serde(skip)]
    Unknown(Value),
}

open_union!(CodeInterpreterOutputDelta { "logs", "image" });

/// The image file of an output fragment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImageOutputDelta {
    /// `file-…`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_id: Option<String>,
}

/// Fragments of a function call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FunctionCallDelta {
    /// The name, in the first fragment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The next piece of the arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<String>,
    /// The output: absent when unchanged, `null` while pending (sent so in the first fragment).
    #[serde(
        default,
        deserialize_with = "crate::common::patch",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "specta", specta(type = Option<Option<String>>))]
    pub output: Option<Option<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tool_calls_of_every_kind_round_trip() {
        let details = json!({"type": "tool_calls", "tool_calls": [
            {"id": "call_1", "type": "code_interpreter", "code_interpreter": {"input": "1+1", "outputs": [
                {"type": "logs", "logs": "2"},
                {"type": "image", "image": {"file_id": "file-1"}}
            ]}},
            {"id": "call_2", "type": "file_search", "file_search": {
                "ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.5},
                "results": [{"file_id": "file-2", "file_name": "a.txt", "score": 0.9, "content": [{"type": "text", "text": "hit"}]}]
            }},
            {"id": "call_3", "type": "function", "function": {"name": "f", "arguments": "{}", "output": null}}
        ]});
        let parsed: StepDetails = serde_json::from_value(details.clone()).unwrap();
        assert_eq!(serde_json::to_value(&parsed).unwrap(), details);
    }

    #[test]
    fn first_function_delta_keeps_its_null_output() {
        let delta = json!({"step_details": {"type": "tool_calls", "tool_calls": [
            {"index": 0, "id": "call_1", "type": "function", "function": {"name": "f", "arguments": "", "output": null}}
        ]}});
        let parsed: RunStepDeltaBody = serde_json::from_value(delta.clone()).unwrap();
        assert_eq!(
            serde_json::to_value(&parsed).unwrap(),
            delta,
            "`output: null` must survive"
        );
        let later = json!({"step_details": {"type": "tool_calls", "tool_calls": [
            {"index": 0, "type": "function", "function": {"arguments": "{\"a\""}}
        ]}});
        let parsed: RunStepDeltaBody = serde_json::from_value(later.clone()).unwrap();
        assert_eq!(
            serde_json::to_value(&parsed).unwrap(),
            later,
            "absent output stays absent"
        );
    }

    #[test]
    fn unknown_step_status_round_trips() {
        let status: RunStepStatus = serde_json::from_value(json!("paused")).unwrap();
        assert_eq!(serde_json::to_value(&status).unwrap(), json!("paused"));
    }
}
