//! What a scripted server answers to one request.

use std::time::Duration;

use serde_json::Value;

/// A tool call the scripted model makes, its arguments split into the given pieces.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptedCall {
    /// The call id.
    pub id: String,
    /// The function name.
    pub name: String,
    /// The arguments text, in the pieces it is streamed in.
    pub pieces: Vec<String>,
}

impl ScriptedCall {
    /// A call of `name` with id `id` whose arguments stream as `pieces`.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        pieces: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            pieces: pieces.into_iter().map(Into::into).collect(),
        }
    }

    /// The whole arguments text.
    pub fn arguments(&self) -> String {
        self.pieces.concat()
    }
}

/// How a streamed answer ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Finish reason, usage, and the end marker (`[DONE]` / `message_stop`).
    Complete,
    /// After the content the connection is aborted, with no finish and no end marker.
    Cut,
    /// After the content the body ends cleanly, with no finish and no end marker.
    EndEarly,
    /// After the content the stream stays open and sends nothing more, until the client leaves.
    Stall,
}

/// An HTTP error answer.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpError {
    pub(crate) status: u16,
    /// The provider-shaped body; `None` builds one from `message`.
    pub(crate) body: Option<Value>,
    pub(crate) message: String,
    pub(crate) retry_after: Option<u64>,
}

/// The answer to one request: a stream of content, or an HTTP error.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    pub(crate) text: Vec<String>,
    pub(crate) calls: Vec<ScriptedCall>,
    pub(crate) interleave: bool,
    pub(crate) usage: Option<(u64, u64)>,
    pub(crate) finish: Option<String>,
    pub(crate) delay: Option<Duration>,
    pub(crate) ending: Ending,
    pub(crate) stream_error: Option<(String, String)>,
    pub(crate) error: Option<HttpError>,
}

impl Script {
    fn empty() -> Self {
        Self {
            text: Vec::new(),
            calls: Vec::new(),
            interleave: false,
            usage: None,
            finish: None,
            delay: None,
            ending: Ending::Complete,
            stream_error: None,
            error: None,
        }
    }

    /// Text streamed in these pieces, one per chunk.
    pub fn text(pieces: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            text: pieces.into_iter().map(Into::into).collect(),
            ..Self::empty()
        }
    }

    /// Tool calls, one after the other (see [`Script::interleaved`]).
    pub fn tool_calls(calls: impl IntoIterator<Item = ScriptedCall>) -> Self {
        Self::empty().and_tool_calls(calls)
    }

    /// Adds tool calls after the text.
    pub fn and_tool_calls(mut self, calls: impl IntoIterator<Item = ScriptedCall>) -> Self {
        self.calls.extend(calls);
        self
    }

    /// Streams the tool calls' pieces round-robin by index (Chat Completions only; Anthropic's
    /// content blocks never interleave).
    pub fn interleaved(mut self) -> Self {
        self.interleave = true;
        self
    }

    /// Reports this token usage.
    pub fn usage(mut self, prompt_tokens: u64, completion_tokens: u64) -> Self {
        self.usage = Some((prompt_tokens, completion_tokens));
        self
    }

    /// The raw finish / stop reason; by default `stop` / `end_turn`, or `tool_calls` / `tool_use`
    /// when there are calls.
    pub fn finish(mut self, raw: impl Into<String>) -> Self {
        self.finish = Some(raw.into());
        self
    }

    /// Waits this long before each chunk (to test cancelling).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Aborts the connection after the content.
    pub fn cut(mut self) -> Self {
        self.ending = Ending::Cut;
        self
    }

    /// Ends the body cleanly after the content, without finishing.
    pub fn end_early(mut self) -> Self {
        self.ending = Ending::EndEarly;
        self
    }

    /// Stops sending after the content but keeps the connection open: a provider that hangs
    /// mid-answer.
    pub fn stall(mut self) -> Self {
        self.ending = Ending::Stall;
        self
    }

    /// Sends an error inside the stream after the content (Anthropic's `error` event, an error
    /// chunk for Chat Completions); `kind` is e.g. `overloaded_error`.
    pub fn stream_error(mut self, kind: impl Into<String>, message: impl Into<String>) -> Self {
        self.stream_error = Some((kind.into(), message.into()));
        self
    }

    /// An HTTP error with the provider's usual error body carrying `message`.
    pub fn error(status: u16, message: impl Into<String>) -> Self {
        Self {
            error: Some(HttpError {
                status,
                body: None,
                message: message.into(),
                retry_after: None,
            }),
            ..Self::empty()
        }
    }

    /// An HTTP error with exactly this body.
    pub fn error_body(status: u16, body: Value) -> Self {
        Self {
            error: Some(HttpError {
                status,
                body: Some(body),
                message: String::new(),
                retry_after: None,
            }),
            ..Self::empty()
        }
    }

    /// Adds a `retry-after` header (seconds) to an HTTP error.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        if let Some(error) = &mut self.error {
            error.retry_after = Some(seconds);
        }
        self
    }

    /// The whole text the script streams.
    pub fn full_text(&self) -> String {
        self.text.concat()
    }
}
