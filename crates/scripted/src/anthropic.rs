//! The Messages event stream as Anthropic sends it.

use serde_json::{Value, json};

use super::script::{Ending, Script};
use super::server::Wire;

/// The Anthropic Messages wire format.
#[derive(Debug)]
pub struct AnthropicWire;

fn frame(data: Value) -> String {
    let kind = data["type"].as_str().unwrap_or("message").to_owned();
    format!("event: {kind}\ndata: {data}\n\n")
}

impl Wire for AnthropicWire {
    const BASE_SUFFIX: &'static str = "";
    const CHAT_PATH: &'static str = "/v1/messages";
    const MODELS_PATH: &'static str = "/v1/models";

    fn frames(script: &Script, model: &str) -> Vec<String> {
        let (input, output) = script.usage.unwrap_or((0, 0));
        let mut frames = vec![
            frame(json!({
                "type": "message_start",
                "message": {
                    "id": "msg_scripted", "type": "message", "role": "assistant", "model": model,
                    "content": [], "stop_reason": null, "stop_sequence": null,
                    "usage": {"input_tokens": input, "output_tokens": 1},
                },
            })),
            frame(json!({"type": "ping"})),
        ];
        let mut block = 0;
        if !script.text.is_empty() {
            frames.push(frame(json!({
                "type": "content_block_start", "index": block,
                "content_block": {"type": "text", "text": ""},
            })));
            for piece in &script.text {
                frames.push(frame(json!({
                    "type": "content_block_delta", "index": block,
                    "delta": {"type": "text_delta", "text": piece},
                })));
            }
            frames.push(frame(json!({"type": "content_block_stop", "index": block})));
            block += 1;
        }
        for call in &script.calls {
            frames.push(frame(json!({
                "type": "content_block_start", "index": block,
                "content_block": {"type": "tool_use", "id": call.id, "name": call.name, "input": {}},
            })));
            for piece in &call.pieces {
                frames.push(frame(json!({
                    "type": "content_block_delta", "index": block,
                    "delta": {"type": "input_json_delta", "partial_json": piece},
                })));
            }
            frames.push(frame(json!({"type": "content_block_stop", "index": block})));
            block += 1;
        }
        if let Some((kind, message)) = &script.stream_error {
            frames.push(frame(
                json!({"type": "error", "error": {"type": kind, "message": message}}),
            ));
        }
        if script.ending != Ending::Complete {
            return frames;
        }
        let default = if script.calls.is_empty() {
            "end_turn"
        } else {
            "tool_use"
        };
        let stop = script.finish.as_deref().unwrap_or(default);
        frames.push(frame(json!({
            "type": "message_delta",
            "delta": {"stop_reason": stop, "stop_sequence": null},
            "usage": {"output_tokens": output},
        })));
        frames.push(frame(json!({"type": "message_stop"})));
        frames
    }

    fn error_body(status: u16, message: &str) -> Value {
        let kind = match status {
            400 => "invalid_request_error",
            401 => "authentication_error",
            403 => "permission_error",
            404 => "not_found_error",
            413 => "request_too_large",
            429 => "rate_limit_error",
            529 => "overloaded_error",
            _ => "api_error",
        };
        json!({"type": "error", "error": {"type": kind, "message": message}})
    }

    fn models_body(models: &[(String, Option<u64>)]) -> Value {
        let data: Vec<Value> = models
            .iter()
            .map(|(id, _)| {
                json!({"type": "model", "id": id, "display_name": id, "created_at": "2025-01-01T00:00:00Z"})
            })
            .collect();
        let first = models.first().map(|(id, _)| id.clone());
        let last = models.last().map(|(id, _)| id.clone());
        json!({"data": data, "has_more": false, "first_id": first, "last_id": last})
    }
}
