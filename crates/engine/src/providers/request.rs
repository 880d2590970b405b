//! A chat request in provider-neutral form; each provider maps it onto its own wire format.

pub use hearth_wire::{FunctionObject, JsonSchemaFormat, ResponseFormat};

/// One turn of the conversation after the system instructions.
#[derive(Debug, Clone, PartialEq)]
pub enum ChatMessage {
    /// Text the user wrote (or any text the engine puts in the user's turn).
    User(String),
    /// What the model said before: text, tool calls, or both.
    Assistant {
        /// The text; empty when the turn only called tools.
        text: String,
        /// Calls the model made in this turn, in order.
        tool_calls: Vec<ToolCall>,
    },
    /// The output of one tool call, answering the assistant turn that made it.
    ToolResult {
        /// The id of the call this answers.
        call_id: String,
        /// The tool's output as text.
        output: String,
    },
}

impl ChatMessage {
    /// A user turn.
    pub fn user(text: impl Into<String>) -> Self {
        ChatMessage::User(text.into())
    }

    /// An assistant turn with text only.
    pub fn assistant(text: impl Into<String>) -> Self {
        ChatMessage::Assistant {
            text: text.into(),
            tool_calls: Vec::new(),
        }
    }

    /// The output of the call `call_id`.
    pub fn tool_result(call_id: impl Into<String>, output: impl Into<String>) -> Self {
        ChatMessage::ToolResult {
            call_id: call_id.into(),
            output: output.into(),
        }
    }
}

/// A function call the model made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolCall {
    /// The provider's id for the call, echoed back in the tool result.
    pub id: String,
    /// The function's name.
    pub name: String,
    /// The arguments as the model wrote them: JSON text, not necessarily valid.
    pub arguments: String,
}

/// Which tools the model may or must call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ToolChoice {
    /// The model decides.
    #[default]
    Auto,
    /// The model must not call tools.
    None,
    /// The model must call at least one tool.
    Required,
    /// The model must call this function.
    Function(String),
}

/// Everything one model call needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatRequest {
    /// The provider's model id.
    pub model: String,
    /// System instructions; `None` or empty sends none.
    pub system: Option<String>,
    /// The conversation, oldest first.
    pub messages: Vec<ChatMessage>,
    /// Function tools the model may call.
    pub tools: Vec<FunctionObject>,
    /// Only sent when `tools` is not empty.
    pub tool_choice: ToolChoice,
    /// Whether the model may call several tools in one turn; `None` leaves the provider's default.
    pub parallel_tool_calls: Option<bool>,
    /// Sampling temperature (0–2 as in the Assistants API).
    pub temperature: Option<f64>,
    /// Nucleus sampling mass (0–1).
    pub top_p: Option<f64>,
    /// Most tokens the answer may have.
    pub max_output_tokens: Option<u32>,
    /// The answer's format; `None` means plain text.
    pub response_format: Option<ResponseFormat>,
}

impl ChatRequest {
    /// A request for `model` with the conversation `messages` and everything else default.
    pub fn new(model: impl Into<String>, messages: Vec<ChatMessage>) -> Self {
        Self {
            model: model.into(),
            messages,
            ..Self::default()
        }
    }

    /// The system instructions when there are any.
    pub(crate) fn system_text(&self) -> Option<&str> {
        self.system.as_deref().filter(|s| !s.is_empty())
    }
}
