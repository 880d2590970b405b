//! Runs: the object, its status and the nested shapes it reports (required action, last error,
//! truncation strategy).

use serde::{Deserialize, Serialize};

use crate::common::{Metadata, UnixTime, Usage, null_as_default, yes};
use crate::response_format::ResponseFormatOption;
use crate::tool_resources::ToolResources;
use crate::tools::{AssistantTool, ToolChoice};

literal!(
    /// `"object": "thread.run"`.
    RunTag = "thread.run"
);
literal!(
    /// `"type": "function"` of a tool call awaiting output.
    FunctionTypeTag = "function"
);
literal!(
    /// `"type": "submit_tool_outputs"` of a required action.
    SubmitToolOutputsTag = "submit_tool_outputs"
);

open_enum!(
    /// Where a run is in its life.
    pub enum RunStatus {
        /// Waiting to start.
        Queued => "queued",
        /// Working.
        InProgress => "in_progress",
        /// Waiting for tool outputs from the client.
        RequiresAction => "requires_action",
        /// Being cancelled.
        Cancelling => "cancelling",
        /// Cancelled.
        Cancelled => "cancelled",
        /// Failed; see `last_error`.
        Failed => "failed",
        /// Finished.
        Completed => "completed",
        /// Ended early; see `incomplete_details`.
        Incomplete => "incomplete",
        /// Ran past `expires_at`.
        Expired => "expired",
    }
);

impl RunStatus {
    /// Whether the run can no longer change.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            RunStatus::Cancelled
                | RunStatus::Failed
                | RunStatus::Completed
                | RunStatus::Incomplete
                | RunStatus::Expired
        )
    }
}

open_enum!(
    /// `last_error.code` of a run.
    pub enum RunErrorCode {
        /// Something broke on the server.
        ServerError => "server_error",
        /// Too many requests.
        RateLimitExceeded => "rate_limit_exceeded",
        /// The prompt was refused.
        InvalidPrompt => "invalid_prompt",
    }
);

open_enum!(
    /// Why a run ended early.
    pub enum RunIncompleteReason {
        /// Hit `max_completion_tokens`.
        MaxCompletionTokens => "max_completion_tokens",
        /// Hit `max_prompt_tokens`.
        MaxPromptTokens => "max_prompt_tokens",
    }
);

open_enum!(
    /// How the thread is cut to fit the context.
    pub enum TruncationType {
        /// The server decides.
        Auto => "auto",
        /// Keep the last `last_messages` messages.
        LastMessages => "last_messages",
    }
);

/// A run of an assistant on a thread (`object: "thread.run"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Run {
    /// `run_…`
    pub id: String,
    /// Always `"thread.run"`.
    #[serde(default)]
    pub object: RunTag,
    /// Creation time.
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::WholeNumber))]
    pub created_at: UnixTime,
    /// The thread it runs on.
    pub thread_id: String,
    /// The assistant it runs.
    pub assistant_id: String,
    /// Its state.
    pub status: RunStatus,
    /// What the client must do; set only in `requires_action`.
    pub required_action: Option<RequiredAction>,
    /// Why it failed.
    pub last_error: Option<RunLastError>,
    /// When it will expire; `null` once terminal.
    #[cfg_attr(feature = "specta", specta(type = Option<crate::typescript::WholeNumber>))]
    pub expires_at: Option<UnixTime>,
    /// When it started.
    #[cfg_attr(feature = "specta", specta(type = Option<crate::typescript::WholeNumber>))]
    pub started_at: Option<UnixTime>,
    /// When it was cancelled.
    #[cfg_attr(feature = "specta", specta(type = Option<crate::typescript::WholeNumber>))]
    pub cancelled_at: Option<UnixTime>,
    /// When it failed.
    #[cfg_attr(feature = "specta", specta(type = Option<crate::typescript::WholeNumber>))]
    pub failed_at: Option<UnixTime>,
    /// When it completed.
    #[cfg_attr(feature = "specta", specta(type = Option<crate::typescript::WholeNumber>))]
    pub completed_at: Option<UnixTime>,
    /// Why it is incomplete.
    pub incomplete_details: Option<RunIncompleteDetails>,
    /// The model used.
    pub model: String,
    /// The instructions used (a string per the schema; `null` from old servers reads as empty).
    #[serde(default, deserialize_with = "null_as_default")]
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub instructions: String,
    /// The tools used.
    #[serde(default)]
    pub tools: Vec<AssistantTool>,
    /// Caller tags.
    pub metadata: Option<Metadata>,
    /// Tokens used; `null` until terminal or `requires_action`.
    pub usage: Option<Usage>,
    /// Sampling temperature used (not `required` in the schema; always sent).
    #[serde(default)]
    pub temperature: Option<f64>,
    /// Nucleus sampling mass used (always sent).
    #[serde(default)]
    pub top_p: Option<f64>,
    /// Prompt-token budget, ≥ 256.
    pub max_prompt_tokens: Option<u32>,
    /// Completion-token budget, ≥ 256.
    pub max_completion_tokens: Option<u32>,
    /// How the thread is truncated.
    pub truncation_strategy: Option<TruncationStrategy>,
    /// Which tool the model may call.
    pub tool_choice: Option<ToolChoice>,
    /// Whether several function calls may come at once.
    #[serde(default = "yes")]
    pub parallel_tool_calls: bool,
    /// Output format.
    pub response_format: Option<ResponseFormatOption>,
    /// Resources of the run's tools; not in the schema, but hosted answers sometimes carried it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_resources: Option<ToolResources>,
}

/// What a run in `requires_action` needs from the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RequiredAction {
    /// Always `"submit_tool_outputs"`.
    #[serde(rename = "type", default)]
    pub kind: SubmitToolOutputsTag,
    /// The calls to answer.
    pub submit_tool_outputs: SubmitToolOutputsAction,
}

/// The calls a run waits on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubmitToolOutputsAction {
    /// Function calls; answer all of them in one request.
    pub tool_calls: Vec<RunToolCall>,
}

/// A function call awaiting output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RunToolCall {
    /// `call_…`; the output must name it.
    pub id: String,
    /// Always `"function"`.
    #[serde(rename = "type", default)]
    pub kind: FunctionTypeTag,
    /// The call.
    pub function: RunFunctionCall,
}

/// Name and arguments of a pending call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RunFunctionCall {
    /// Function name.
    pub name: String,
    /// Arguments as a JSON string.
    pub arguments: String,
}

impl RequiredAction {
    /// An action asking for the outputs of `tool_calls`.
    pub fn submit_tool_outputs(tool_calls: Vec<RunToolCall>) -> Self {
        Self {
            kind: SubmitToolOutputsTag,
            submit_tool_outputs: SubmitToolOutputsAction { tool_calls },
        }
    }
}

/// `last_error` of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RunLastError {
    /// What kind of failure.
    pub code: RunErrorCode,
    /// Human-readable text.
    pub message: String,
}

/// `incomplete_details` of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RunIncompleteDetails {
    /// Which budget ran out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<RunIncompleteReason>,
}

/// `truncation_strategy` of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TruncationStrategy {
    /// The kind of truncation.
    #[serde(rename = "type")]
    pub kind: TruncationType,
    /// With `last_messages`: how many to keep, ≥ 1 (always sent, `null` otherwise).
    #[serde(default)]
    pub last_messages: Option<u32>,
}

impl TruncationStrategy {
    /// The hosted default, `{"type":"auto","last_messages":null}`.
    pub const AUTO: TruncationStrategy = TruncationStrategy {
        kind: TruncationType::Auto,
        last_messages: None,
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_unknown_status_is_kept_and_written_back() {
        let status: RunStatus = serde_json::from_value(json!("paused")).unwrap();
        assert_eq!(status, RunStatus::Other("paused".into()));
        assert!(!status.is_terminal());
        assert_eq!(serde_json::to_value(&status).unwrap(), json!("paused"));
        assert!(RunStatus::Expired.is_terminal());
        assert!(!RunStatus::RequiresAction.is_terminal());
    }

    #[test]
    fn required_action_shape() {
        let action = RequiredAction::submit_tool_outputs(vec![RunToolCall {
            id: "call_1".into(),
            kind: FunctionTypeTag,
            function: RunFunctionCall {
                name: "f".into(),
                arguments: "{}".into(),
            },
        }]);
        assert_eq!(
            serde_json::to_value(&action).unwrap(),
            json!({"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": [
                {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
            ]}})
        );
        assert!(
            serde_json::from_value::<RequiredAction>(
                json!({"type": "other", "submit_tool_outputs": {"tool_calls": []}})
            )
            .is_err(),
            "the type literal is checked"
        );
    }

    #[test]
    fn truncation_always_sends_last_messages() {
        assert_eq!(
            serde_json::to_value(TruncationStrategy::AUTO).unwrap(),
            json!({"type": "auto", "last_messages": null})
        );
    }
}
