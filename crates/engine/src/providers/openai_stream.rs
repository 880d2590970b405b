//! Reading Chat Completions chunks: text deltas, tool calls split across chunks, the usage chunk.

use std::collections::{HashMap, VecDeque};

use hearth_http::SseEvent;
use serde_json::Value;

use super::error::ProviderError;
use super::events::{ChatEvent, FinishReason};
use super::stream::Decoder;

/// A tool call being assembled.
#[derive(Debug, Default)]
struct Slot {
    /// Our index, in order of first appearance.
    index: usize,
    id: Option<String>,
    name: String,
    /// Arguments that arrived before the name (some servers split even that); sent after the start.
    pending: String,
    started: bool,
}

/// Decoder state for one answer.
#[derive(Debug, Default)]
pub(crate) struct OpenAiDecoder {
    /// By the provider's `index`.
    slots: HashMap<u64, Slot>,
    finish: Option<FinishReason>,
    usage: Option<(u64, u64)>,
}

impl OpenAiDecoder {
    fn chunk(&mut self, chunk: &Value, out: &mut VecDeque<ChatEvent>) -> Result<(), ProviderError> {
        if let Some(error) = chunk.get("error") {
            // OpenRouter and vLLM report failures after the 200 as a chunk with an error envelope.
            let message = error
                .get("message")
                .and_then(Value::as_str)
                .or(error.as_str())
                .unwrap_or("no details given")
                .to_owned();
            let status = error.get("code").and_then(Value::as_u64).unwrap_or(500) as u16;
            return Err(ProviderError::from_status(
                status,
                serde_json::json!({ "error": { "message": message } })
                    .to_string()
                    .as_bytes(),
                None,
                None,
            ));
        }
        if let Some(usage) = chunk.get("usage").filter(|u| u.is_object()) {
            let count = |field: &str| usage.get(field).and_then(Value::as_u64).unwrap_or(0);
            self.usage = Some((count("prompt_tokens"), count("completion_tokens")));
        }
        // Hearth asks for one choice; any others are ignored.
        let Some(choice) = chunk
            .get("choices")
            .and_then(Value::as_array)
            .and_then(|c| c.first())
        else {
            return Ok(());
        };
        let delta = choice.get("delta").unwrap_or(&Value::Null);
        if let Some(text) = delta.get("content").and_then(Value::as_str)
            && !text.is_empty()
        {
            out.push_back(ChatEvent::TextDelta(text.to_owned()));
        }
        if let Some(calls) = delta.get("tool_calls").and_then(Value::as_array) {
            for (position, call) in calls.iter().enumerate() {
                self.tool_piece(position as u64, call, out);
            }
        }
        if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
            self.finish = Some(FinishReason::from_openai(reason));
        }
        Ok(())
    }

    fn tool_piece(&mut self, position: u64, call: &Value, out: &mut VecDeque<ChatEvent>) {
        let key = call
            .get("index")
            .and_then(Value::as_u64)
            .unwrap_or(position);
        let next = self.slots.len();
        let slot = self.slots.entry(key).or_insert_with(|| Slot {
            index: next,
            ..Slot::default()
        });
        if let Some(id) = call.get("id").and_then(Value::as_str)
            && slot.id.is_none()
            && !id.is_empty()
        {
            slot.id = Some(id.to_owned());
        }
        let function = call.get("function").unwrap_or(&Value::Null);
        if let Some(name) = function.get("name").and_then(Value::as_str)
            && !slot.started
        {
            slot.name.push_str(name);
        }
        let arguments = function
            .get("arguments")
            .and_then(Value::as_str)
            .unwrap_or("");
        if slot.started {
            if !arguments.is_empty() {
                out.push_back(ChatEvent::ToolCallArgumentsDelta {
                    index: slot.index,
                    delta: arguments.to_owned(),
                });
            }
            return;
        }
        slot.pending.push_str(arguments);
        if !slot.name.is_empty() {
            start(slot, out);
        }
    }

    fn finish(&mut self, out: &mut VecDeque<ChatEvent>) {
        let mut unstarted: Vec<&mut Slot> =
            self.slots.values_mut().filter(|s| !s.started).collect();
        unstarted.sort_by_key(|s| s.index);
        for slot in unstarted {
            start(slot, out);
        }
        if let Some((prompt_tokens, completion_tokens)) = self.usage {
            out.push_back(ChatEvent::Usage {
                prompt_tokens,
                completion_tokens,
            });
        }
        let reason = self.finish.take().unwrap_or(if self.slots.is_empty() {
            FinishReason::Stop
        } else {
            FinishReason::ToolCalls
        });
        out.push_back(ChatEvent::Finished { reason });
    }
}

fn start(slot: &mut Slot, out: &mut VecDeque<ChatEvent>) {
    slot.started = true;
    // A few local servers send no call id; the tool result still needs one to answer.
    let id = slot
        .id
        .clone()
        .unwrap_or_else(|| format!("call_{}", slot.index));
    out.push_back(ChatEvent::ToolCallStart {
        index: slot.index,
        id,
        name: slot.name.clone(),
    });
    if !slot.pending.is_empty() {
        out.push_back(ChatEvent::ToolCallArgumentsDelta {
            index: slot.index,
            delta: std::mem::take(&mut slot.pending),
        });
    }
}

impl Decoder for OpenAiDecoder {
    fn event(
        &mut self,
        event: &SseEvent,
        out: &mut VecDeque<ChatEvent>,
    ) -> Result<bool, ProviderError> {
        let data = event.data.trim();
        if data == "[DONE]" {
            self.finish(out);
            return Ok(true);
        }
        let chunk: Value = serde_json::from_str(data)
            .map_err(|e| ProviderError::malformed(format!("chunk: {e}"), data))?;
        self.chunk(&chunk, out)?;
        Ok(false)
    }

    fn end(&mut self, out: &mut VecDeque<ChatEvent>) -> Result<(), ProviderError> {
        // A finish reason means the answer is whole even if `[DONE]` never came.
        if self.finish.is_some() {
            self.finish(out);
            return Ok(());
        }
        Err(ProviderError::StreamCut {
            detail: "the stream ended before a finish reason".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(chunks: &[&str]) -> (Vec<ChatEvent>, Result<(), ProviderError>) {
        let mut decoder = OpenAiDecoder::default();
        let mut out = VecDeque::new();
        for data in chunks {
            let event = SseEvent {
                event: None,
                data: (*data).to_owned(),
            };
            match decoder.event(&event, &mut out) {
                Ok(true) => return (out.into(), Ok(())),
                Ok(false) => {}
                Err(err) => return (out.into(), Err(err)),
            }
        }
        let end = decoder.end(&mut out);
        (out.into(), end)
    }

    #[test]
    fn arguments_before_the_name_wait_for_the_start() {
        let (events, end) = run(&[
            r#"{"choices":[{"delta":{"tool_calls":[{"index":3,"function":{"arguments":"{\"a\""}}]}}]}"#,
            r#"{"choices":[{"delta":{"tool_calls":[{"index":3,"id":"c1","function":{"name":"f","arguments":":1}"}}]}}]}"#,
            r#"{"choices":[{"delta":{},"finish_reason":"tool_calls"}]}"#,
            "[DONE]",
        ]);
        end.unwrap();
        assert_eq!(
            events,
            [
                ChatEvent::ToolCallStart {
                    index: 0,
                    id: "c1".into(),
                    name: "f".into()
                },
                ChatEvent::ToolCallArgumentsDelta {
                    index: 0,
                    delta: "{\"a\":1}".into()
                },
                ChatEvent::Finished {
                    reason: FinishReason::ToolCalls
                },
            ],
            "the start comes first and the held-back arguments follow it"
        );
    }

    #[test]
    fn a_finish_reason_without_done_still_finishes() {
        let (events, end) =
            run(&[r#"{"choices":[{"delta":{"content":"hi"},"finish_reason":"length"}]}"#]);
        end.unwrap();
        assert_eq!(
            events.last(),
            Some(&ChatEvent::Finished {
                reason: FinishReason::Length
            })
        );
    }

    #[test]
    fn an_error_chunk_fails_the_stream() {
        let (_, end) = run(&[r#"{"error":{"message":"upstream overloaded","code":502}}"#]);
        assert!(
            matches!(end, Err(ProviderError::Server { status: 502, .. })),
            "{end:?}"
        );
    }
}
