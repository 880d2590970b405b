//! Chat Completions as OpenAI streams it.

use serde_json::{Value, json};

use super::script::{Ending, Script};
use super::server::Wire;

/// The Chat Completions wire format.
#[derive(Debug)]
pub struct OpenAiWire;

fn frame(chunk: &Value) -> String {
    format!("data: {chunk}\n\n")
}

fn chunk(model: &str, delta: Value, finish: Option<&str>) -> Value {
    json!({
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    })
}

impl Wire for OpenAiWire {
    const BASE_SUFFIX: &'static str = "/v1";
    const CHAT_PATH: &'static str = "/v1/chat/completions";
    const MODELS_PATH: &'static str = "/v1/models";

    fn frames(script: &Script, model: &str) -> Vec<String> {
        let mut frames = vec![frame(&chunk(
            model,
            json!({"role": "assistant", "content": ""}),
            None,
        ))];
        for piece in &script.text {
            frames.push(frame(&chunk(model, json!({"content": piece}), None)));
        }
        // (call index, piece index or None for the opening piece)
        let mut order: Vec<(usize, Option<usize>)> = Vec::new();
        if script.interleave {
            let rounds = script
                .calls
                .iter()
                .map(|c| c.pieces.len())
                .max()
                .unwrap_or(0);
            order.extend((0..script.calls.len()).map(|i| (i, None)));
            for round in 0..rounds {
                for (i, call) in script.calls.iter().enumerate() {
                    if round < call.pieces.len() {
                        order.push((i, Some(round)));
                    }
                }
            }
        } else {
            for (i, call) in script.calls.iter().enumerate() {
                order.push((i, None));
                order.extend((0..call.pieces.len()).map(|p| (i, Some(p))));
            }
        }
        for (i, piece) in order {
            let call = &script.calls[i];
            let tool_call = match piece {
                None => json!({
                    "index": i,
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": ""},
                }),
                Some(p) => json!({"index": i, "function": {"arguments": call.pieces[p]}}),
            };
            frames.push(frame(&chunk(
                model,
                json!({"tool_calls": [tool_call]}),
                None,
            )));
        }
        if let Some((kind, message)) = &script.stream_error {
            frames.push(frame(
                &json!({"error": {"message": message, "type": kind, "code": null}}),
            ));
        }
        if script.ending != Ending::Complete {
            return frames;
        }
        let default = if script.calls.is_empty() {
            "stop"
        } else {
            "tool_calls"
        };
        let finish = script.finish.as_deref().unwrap_or(default);
        frames.push(frame(&chunk(model, json!({}), Some(finish))));
        if let Some((prompt, completion)) = script.usage {
            frames.push(frame(&json!({
                "id": "chatcmpl-scripted",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": model,
                "choices": [],
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                },
            })));
        }
        frames.push("data: [DONE]\n\n".into());
        frames
    }

    fn error_body(status: u16, message: &str) -> Value {
        let kind = match status {
            401 | 403 => "invalid_api_key",
            429 => "rate_limit_exceeded",
            500..=599 => "server_error",
            _ => "invalid_request_error",
        };
        json!({"error": {"message": message, "type": kind, "param": null, "code": null}})
    }

    fn models_body(models: &[(String, Option<u64>)]) -> Value {
        let data: Vec<Value> = models
            .iter()
            .map(|(id, window)| {
                let mut model =
                    json!({"id": id, "object": "model", "created": 0, "owned_by": "scripted"});
                if let Some(window) = window {
                    model["context_length"] = (*window).into();
                }
                model
            })
            .collect();
        json!({"object": "list", "data": data})
    }
}
