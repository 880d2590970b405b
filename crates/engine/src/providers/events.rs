//! What a streamed model answer is made of.

/// One piece of a streamed answer. `Finished` is always the last event of a stream that ends well;
/// `Usage`, when the provider reports it, comes before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatEvent {
    /// More answer text.
    TextDelta(String),
    /// The model began a tool call; `index` counts tool calls in this answer from 0.
    ToolCallStart {
        /// Position of the call among this answer's tool calls.
        index: usize,
        /// The provider's id for the call.
        id: String,
        /// The function called.
        name: String,
    },
    /// More of a tool call's JSON arguments; concatenating the deltas gives the whole text.
    ToolCallArgumentsDelta {
        /// Which call, as in its `ToolCallStart`.
        index: usize,
        /// The next piece of the arguments text.
        delta: String,
    },
    /// Tokens counted for this call.
    Usage {
        /// Tokens of the prompt (including cached ones).
        prompt_tokens: u64,
        /// Tokens the model generated.
        completion_tokens: u64,
    },
    /// The answer is complete.
    Finished {
        /// Why the model stopped.
        reason: FinishReason,
    },
}

/// Why the model stopped generating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FinishReason {
    /// A natural end, or a stop sequence.
    Stop,
    /// The output token limit was reached.
    Length,
    /// The model wants tool calls answered.
    ToolCalls,
    /// The provider withheld or cut the answer.
    ContentFilter,
    /// A reason this layer does not know, as the provider spelled it.
    Other(String),
}

impl FinishReason {
    /// Reads a Chat Completions `finish_reason`.
    pub fn from_openai(raw: &str) -> Self {
        match raw {
            "stop" | "eos" => FinishReason::Stop,
            "length" => FinishReason::Length,
            // `function_call` is the pre-tools spelling some compatible servers still send.
            "tool_calls" | "function_call" => FinishReason::ToolCalls,
            "content_filter" => FinishReason::ContentFilter,
            other => FinishReason::Other(other.to_owned()),
        }
    }

    /// Reads an Anthropic `stop_reason`.
    pub fn from_anthropic(raw: &str) -> Self {
        match raw {
            "end_turn" | "stop_sequence" => FinishReason::Stop,
            "max_tokens" | "model_context_window_exceeded" => FinishReason::Length,
            "tool_use" => FinishReason::ToolCalls,
            "refusal" => FinishReason::ContentFilter,
            other => FinishReason::Other(other.to_owned()),
        }
    }
}

/// A model a provider offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInfo {
    /// The id to put in [`crate::providers::ChatRequest::model`].
    pub id: String,
    /// Context window in tokens, when the provider says.
    pub context_window: Option<u64>,
}
