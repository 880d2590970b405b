//! Reading the Messages event stream: content blocks of text and tool use, usage, the stop reason.

use std::collections::{HashMap, VecDeque};

use hearth_http::SseEvent;
use serde_json::{Value, json};

use super::error::ProviderError;
use super::events::{ChatEvent, FinishReason};
use super::stream::Decoder;

/// What a content block turned out to be.
#[derive(Debug)]
enum Block {
    Text,
    /// A tool call, with our index and whether any argument text arrived.
    Tool {
        index: usize,
        any_input: bool,
    },
    /// The forced tool standing in for a JSON response format: its input is the answer's text.
    Response,
    /// Thinking and server-side tool blocks, which the run does not show.
    Ignored,
}

/// Decoder state for one answer.
#[derive(Debug)]
pub(crate) struct AnthropicDecoder {
    response_tool: Option<String>,
    /// By the API's block index.
    blocks: HashMap<u64, Block>,
    tools: usize,
    input_tokens: u64,
    output_tokens: u64,
    stop: Option<String>,
}

impl AnthropicDecoder {
    /// A decoder that turns calls of `response_tool` back into text.
    pub fn new(response_tool: Option<String>) -> Self {
        Self {
            response_tool,
            blocks: HashMap::new(),
            tools: 0,
            input_tokens: 0,
            output_tokens: 0,
            stop: None,
        }
    }

    fn finish(&mut self, out: &mut VecDeque<ChatEvent>) {
        out.push_back(ChatEvent::Usage {
            prompt_tokens: self.input_tokens,
            completion_tokens: self.output_tokens,
        });
        let raw = self.stop.take().unwrap_or_else(|| "end_turn".into());
        let reason = match FinishReason::from_anthropic(&raw) {
            // The forced response tool is how the answer was given, not a call to run.
            FinishReason::ToolCalls if self.tools == 0 && self.response_tool.is_some() => {
                FinishReason::Stop
            }
            reason => reason,
        };
        out.push_back(ChatEvent::Finished { reason });
    }

    fn block_start(&mut self, data: &Value, out: &mut VecDeque<ChatEvent>) {
        let index = data.get("index").and_then(Value::as_u64).unwrap_or(0);
        let block = &data["content_block"];
        let kind = match block["type"].as_str() {
            Some("text") => {
                if let Some(text) = block["text"].as_str().filter(|t| !t.is_empty()) {
                    out.push_back(ChatEvent::TextDelta(text.to_owned()));
                }
                Block::Text
            }
            Some("tool_use") => {
                let name = block["name"].as_str().unwrap_or_default();
                if self.response_tool.as_deref() == Some(name) {
                    Block::Response
                } else {
                    let ours = self.tools;
                    self.tools += 1;
                    out.push_back(ChatEvent::ToolCallStart {
                        index: ours,
                        id: block["id"].as_str().unwrap_or_default().to_owned(),
                        name: name.to_owned(),
                    });
                    Block::Tool {
                        index: ours,
                        any_input: false,
                    }
                }
            }
            _ => Block::Ignored,
        };
        self.blocks.insert(index, kind);
    }

    fn block_delta(&mut self, data: &Value, out: &mut VecDeque<ChatEvent>) {
        let index = data.get("index").and_then(Value::as_u64).unwrap_or(0);
        let delta = &data["delta"];
        let piece = match delta["type"].as_str() {
            Some("text_delta") => delta["text"].as_str(),
            Some("input_json_delta") => delta["partial_json"].as_str(),
            _ => None,
        };
        let Some(piece) = piece.filter(|p| !p.is_empty()) else {
            return;
        };
        match self.blocks.get_mut(&index) {
            Some(Block::Text | Block::Response) => {
                out.push_back(ChatEvent::TextDelta(piece.to_owned()));
            }
            Some(Block::Tool { index, any_input }) => {
                *any_input = true;
                out.push_back(ChatEvent::ToolCallArgumentsDelta {
                    index: *index,
                    delta: piece.to_owned(),
                });
            }
            Some(Block::Ignored) | None => {}
        }
    }

    fn block_stop(&mut self, data: &Value, out: &mut VecDeque<ChatEvent>) {
        let index = data.get("index").and_then(Value::as_u64).unwrap_or(0);
        // A call of a tool without parameters streams no input; its arguments are still `{}`.
        if let Some(Block::Tool {
            index,
            any_input: false,
        }) = self.blocks.get(&index)
        {
            out.push_back(ChatEvent::ToolCallArgumentsDelta {
                index: *index,
                delta: "{}".into(),
            });
        }
    }
}

/// Maps an `error` event's type onto the error a non-2xx status of the same meaning would give.
fn stream_error(error: &Value) -> ProviderError {
    let status = match error["type"].as_str() {
        Some("invalid_request_error") => 400,
        Some("authentication_error") => 401,
        Some("permission_error") => 403,
        Some("not_found_error") => 404,
        Some("rate_limit_error") => 429,
        Some("overloaded_error") => 529,
        _ => 500,
    };
    let body = json!({ "error": error }).to_string();
    ProviderError::from_status(status, body.as_bytes(), None, None)
}

impl Decoder for AnthropicDecoder {
    fn event(
        &mut self,
        event: &SseEvent,
        out: &mut VecDeque<ChatEvent>,
    ) -> Result<bool, ProviderError> {
        let data: Value = serde_json::from_str(&event.data)
            .map_err(|e| ProviderError::malformed(format!("event: {e}"), &event.data))?;
        let kind = data["type"]
            .as_str()
            .or(event.event.as_deref())
            .unwrap_or("");
        match kind {
            "message_start" => {
                let usage = &data["message"]["usage"];
                let count = |field: &str| usage[field].as_u64().unwrap_or(0);
                // Cached prompt tokens are reported apart from `input_tokens`; the run counts them all.
                self.input_tokens = count("input_tokens")
                    + count("cache_creation_input_tokens")
                    + count("cache_read_input_tokens");
                self.output_tokens = count("output_tokens");
            }
            "content_block_start" => self.block_start(&data, out),
            "content_block_delta" => self.block_delta(&data, out),
            "content_block_stop" => self.block_stop(&data, out),
            "message_delta" => {
                if let Some(stop) = data["delta"]["stop_reason"].as_str() {
                    self.stop = Some(stop.to_owned());
                }
                // Cumulative, so the last one is the total.
                if let Some(output) = data["usage"]["output_tokens"].as_u64() {
                    self.output_tokens = output;
                }
            }
            "message_stop" => {
                self.finish(out);
                return Ok(true);
            }
            "error" => return Err(stream_error(&data["error"])),
            // `ping` and event types added after this was written.
            _ => {}
        }
        Ok(false)
    }

    fn end(&mut self, out: &mut VecDeque<ChatEvent>) -> Result<(), ProviderError> {
        if self.stop.is_some() {
            self.finish(out);
            return Ok(());
        }
        Err(ProviderError::StreamCut {
            detail: "the stream ended before the stop reason".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(decoder: &mut AnthropicDecoder, data: Value, out: &mut VecDeque<ChatEvent>) -> bool {
        let event = SseEvent {
            event: data["type"].as_str().map(str::to_owned),
            data: data.to_string(),
        };
        decoder.event(&event, out).unwrap()
    }

    #[test]
    fn the_response_tool_streams_as_text() {
        let mut decoder = AnthropicDecoder::new(Some("answer".into()));
        let mut out = VecDeque::new();
        feed(
            &mut decoder,
            json!({"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t","name":"answer","input":{}}}),
            &mut out,
        );
        feed(
            &mut decoder,
            json!({"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"a\":1}"}}),
            &mut out,
        );
        feed(
            &mut decoder,
            json!({"type":"content_block_stop","index":0}),
            &mut out,
        );
        feed(
            &mut decoder,
            json!({"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":4}}),
            &mut out,
        );
        assert!(feed(&mut decoder, json!({"type":"message_stop"}), &mut out));
        let events: Vec<_> = out.into();
        assert_eq!(
            events,
            [
                ChatEvent::TextDelta("{\"a\":1}".into()),
                ChatEvent::Usage {
                    prompt_tokens: 0,
                    completion_tokens: 4
                },
                ChatEvent::Finished {
                    reason: FinishReason::Stop
                },
            ],
            "the forced tool's input is the answer text and the answer stops normally"
        );
    }

    #[test]
    fn a_tool_without_input_gets_empty_object_arguments() {
        let mut decoder = AnthropicDecoder::new(None);
        let mut out = VecDeque::new();
        feed(
            &mut decoder,
            json!({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"t","name":"now","input":{}}}),
            &mut out,
        );
        feed(
            &mut decoder,
            json!({"type":"content_block_stop","index":1}),
            &mut out,
        );
        assert_eq!(
            out.back(),
            Some(&ChatEvent::ToolCallArgumentsDelta {
                index: 0,
                delta: "{}".into()
            })
        );
    }

    #[test]
    fn overload_inside_the_stream_is_a_server_error() {
        let mut decoder = AnthropicDecoder::new(None);
        let event = SseEvent {
            event: Some("error".into()),
            data:
                json!({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})
                    .to_string(),
        };
        let err = decoder.event(&event, &mut VecDeque::new()).unwrap_err();
        assert!(
            matches!(err, ProviderError::Server { status: 529, .. }),
            "{err:?}"
        );
    }
}
