//! Bodies that start or steer runs: create-run, create-thread-and-run, submit-tool-outputs and
//! modify-run.

use serde::{Deserialize, Serialize};

use crate::assistants::ReasoningEffort;
use crate::common::Metadata;
use crate::messages::{CreateMessageRequest, ModifyMetadataRequest};
use crate::response_format::ResponseFormatOption;
use crate::runs::{TruncationStrategy, TruncationType};
use crate::threads::CreateThreadRequest;
use crate::tool_resources::ToolResources;
use crate::tools::{AssistantTool, MAX_RUN_TOOLS, ToolChoice, check_tools};
use crate::validate::{
    Checked, Validate, ValidationError, decimal_in, field, integer_at_least, item, metadata_opt,
    missing,
};

/// Smallest `max_prompt_tokens` / `max_completion_tokens`.
pub const MIN_TOKEN_BUDGET: i64 = 256;

/// Body of `POST /threads/{thread_id}/runs`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreateRunRequest {
    /// The assistant to run.
    #[serde(default)]
    pub assistant_id: String,
    /// Overrides the assistant's model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Reasoning effort for reasoning models.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning_effort: Option<ReasoningEffort>,
    /// Replaces the assistant's instructions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    /// Appended to the instructions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_instructions: Option<String>,
    /// Added to the thread before the run starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_messages: Option<Vec<CreateMessageRequest>>,
    /// Replaces the assistant's tools (at most 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<AssistantTool>>,
    /// Caller tags of the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// Sampling temperature, 0–2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Nucleus sampling mass, 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Answer with a server-sent event stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    /// Prompt-token budget, ≥ 256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_prompt_tokens: Option<u32>,
    /// Completion-token budget, ≥ 256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_completion_tokens: Option<u32>,
    /// How to truncate the thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncation_strategy: Option<TruncationStrategy>,
    /// Which tool the model may call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
    /// Whether several function calls may come at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel_tool_calls: Option<bool>,
    /// Output format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_format: Option<ResponseFormatOption>,
}

/// Body of `POST /threads/runs`: a thread and a run on it in one call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CreateThreadAndRunRequest {
    /// The assistant to run.
    #[serde(default)]
    pub assistant_id: String,
    /// The thread to create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<CreateThreadRequest>,
    /// Overrides the assistant's model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Replaces the assistant's instructions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    /// Replaces the assistant's tools (at most 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<AssistantTool>>,
    /// Resources for the run's tools (existing vector stores only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_resources: Option<ToolResources>,
    /// Caller tags of the run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// Sampling temperature, 0–2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Nucleus sampling mass, 0–1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Answer with a server-sent event stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
    /// Prompt-token budget, ≥ 256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_prompt_tokens: Option<u32>,
    /// Completion-token budget, ≥ 256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_completion_tokens: Option<u32>,
    /// How to truncate the thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncation_strategy: Option<TruncationStrategy>,
    /// Which tool the model may call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
    /// Whether several function calls may come at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallel_tool_calls: Option<bool>,
    /// Output format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_format: Option<ResponseFormatOption>,
}

/// Body of `POST /threads/{thread_id}/runs/{run_id}/submit_tool_outputs`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SubmitToolOutputsRequest {
    /// One output per pending call, all in one request.
    pub tool_outputs: Vec<ToolOutput>,
    /// Answer with a server-sent event stream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<bool>,
}

/// The output of one function call.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ToolOutput {
    /// `call_…` of the call answered; an empty id fails validation.
    #[serde(default)]
    pub tool_call_id: String,
    /// What the function returned.
    #[serde(default)]
    pub output: String,
}

/// Body of `POST /threads/{thread_id}/runs/{run_id}`: metadata only.
pub type ModifyRunRequest = ModifyMetadataRequest;

/// The run options create-run and create-thread-and-run share.
struct RunOptions<'a> {
    assistant_id: &'a str,
    tools: Option<&'a [AssistantTool]>,
    metadata: Option<&'a Metadata>,
    temperature: Option<f64>,
    top_p: Option<f64>,
    max_prompt_tokens: Option<u32>,
    max_completion_tokens: Option<u32>,
    truncation_strategy: Option<&'a TruncationStrategy>,
    tool_choice: Option<&'a ToolChoice>,
}

impl RunOptions<'_> {
    fn check(&self) -> Checked {
        if self.assistant_id.is_empty() {
            return Err(missing("assistant_id"));
        }
        if let Some(tools) = self.tools {
            check_tools("tools", tools, MAX_RUN_TOOLS)?;
        }
        if let Some(temperature) = self.temperature {
            decimal_in("temperature", temperature, 0.0, 2.0)?;
        }
        if let Some(top_p) = self.top_p {
            decimal_in("top_p", top_p, 0.0, 1.0)?;
        }
        if let Some(tokens) = self.max_prompt_tokens {
            integer_at_least("max_prompt_tokens", tokens.into(), MIN_TOKEN_BUDGET)?;
        }
        if let Some(tokens) = self.max_completion_tokens {
            integer_at_least("max_completion_tokens", tokens.into(), MIN_TOKEN_BUDGET)?;
        }
        if let Some(truncation) = self.truncation_strategy {
            check_truncation(truncation)?;
        }
        if let Some(choice) = self.tool_choice {
            choice.check("tool_choice")?;
        }
        metadata_opt("metadata", self.metadata)
    }
}

fn check_truncation(truncation: &TruncationStrategy) -> Checked {
    if let TruncationType::Other(raw) = &truncation.kind {
        return Err(ValidationError::new(
            "truncation_strategy.type",
            "invalid_value",
            format!(
                "Invalid value for 'truncation_strategy.type': '{raw}'. Supported values are: 'auto' and 'last_messages'."
            ),
        ));
    }
    if let Some(count) = truncation.last_messages {
        integer_at_least("truncation_strategy.last_messages", count.into(), 1)?;
    }
    Ok(())
}

impl Validate for CreateRunRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        RunOptions {
            assistant_id: &self.assistant_id,
            tools: self.tools.as_deref(),
            metadata: self.metadata.as_ref(),
            temperature: self.temperature,
            top_p: self.top_p,
            max_prompt_tokens: self.max_prompt_tokens,
            max_completion_tokens: self.max_completion_tokens,
            truncation_strategy: self.truncation_strategy.as_ref(),
            tool_choice: self.tool_choice.as_ref(),
        }
        .check()?;
        if let Some(messages) = &self.additional_messages {
            for (index, message) in messages.iter().enumerate() {
                message.check(&item("additional_messages", index))?;
            }
        }
        Ok(())
    }
}

impl Validate for CreateThreadAndRunRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        RunOptions {
            assistant_id: &self.assistant_id,
            tools: self.tools.as_deref(),
            metadata: self.metadata.as_ref(),
            temperature: self.temperature,
            top_p: self.top_p,
            max_prompt_tokens: self.max_prompt_tokens,
            max_completion_tokens: self.max_completion_tokens,
            truncation_strategy: self.truncation_strategy.as_ref(),
            tool_choice: self.tool_choice.as_ref(),
        }
        .check()?;
        if let Some(thread) = &self.thread {
            thread.check("thread")?;
        }
        self.tool_resources
            .as_ref()
            .map_or(Ok(()), |r| r.check("tool_resources"))
    }
}

impl Validate for SubmitToolOutputsRequest {
    fn validate(&self) -> Result<(), ValidationError> {
        for (index, output) in self.tool_outputs.iter().enumerate() {
            if output.tool_call_id.is_empty() {
                return Err(missing(&field(
                    &item("tool_outputs", index),
                    "tool_call_id",
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(body: serde_json::Value) -> CreateRunRequest {
        serde_json::from_value(body).expect("the body should parse")
    }

    #[test]
    fn token_budgets_start_at_256() {
        let err = run(json!({"assistant_id": "asst_1", "max_completion_tokens": 255}))
            .validate()
            .unwrap_err();
        assert_eq!(err.param, "max_completion_tokens");
        assert_eq!(
            err.message,
            "Invalid 'max_completion_tokens': integer below minimum value. Expected a value >= 256, but got 255 instead."
        );
        assert!(
            run(json!({"assistant_id": "asst_1", "max_prompt_tokens": 256}))
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn run_tools_are_limited_to_20() {
        let tools: Vec<_> = (0..21)
            .map(|_| json!({"type": "code_interpreter"}))
            .collect();
        let err = run(json!({"assistant_id": "asst_1", "tools": tools}))
            .validate()
            .unwrap_err();
        assert_eq!(err.param, "tools");
        assert_eq!(
            err.message,
            "Invalid 'tools': array too long. Expected an array with maximum length 20, but got an array with length 21 instead."
        );
    }

    #[test]
    fn missing_assistant_and_bad_nested_fields_are_named() {
        assert_eq!(run(json!({})).validate().unwrap_err().param, "assistant_id");
        let err = run(json!({
            "assistant_id": "asst_1",
            "additional_messages": [{"role": "user", "content": []}]
        }))
        .validate()
        .unwrap_err();
        assert_eq!(err.param, "additional_messages[0].content");
        let err = run(json!({"assistant_id": "asst_1", "truncation_strategy": {"type": "last_messages", "last_messages": 0}}))
            .validate()
            .unwrap_err();
        assert_eq!(err.param, "truncation_strategy.last_messages");
        let both: CreateThreadAndRunRequest = serde_json::from_value(json!({
            "assistant_id": "asst_1",
            "thread": {"messages": [{"role": "user", "content": "x"}], "metadata": {"a": "b"}},
            "top_p": 3
        }))
        .unwrap();
        assert_eq!(both.validate().unwrap_err().param, "top_p");
    }

    #[test]
    fn tool_outputs_need_a_call_id() {
        let body: SubmitToolOutputsRequest =
            serde_json::from_value(json!({"tool_outputs": [{"output": "42"}]})).unwrap();
        let err = body.validate().unwrap_err();
        assert_eq!(
            err.message,
            "Missing required parameter: 'tool_outputs[0].tool_call_id'."
        );
    }
}
