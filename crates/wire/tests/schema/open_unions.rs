//! Objects of a `type` this crate does not know (a newer server's) are kept verbatim, alone and inside
//! whole answers, and a request may not ask for them.

use hearth_wire::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// An object of an unknown `type`, with fields the crate has never seen.
fn unknown_part() -> Value {
    json!({
        "type": "hologram_2031",
        "index": 0,
        "hologram_2031": {"frames": [1, 2.5, null], "label": "ü"},
        "extra": true
    })
}

/// Parses `value` as `T`, which must land in the unknown arm, and checks it serializes back equal.
fn assert_kept<T>(name: &str, value: &Value, is_unknown: impl Fn(&T) -> bool)
where
    T: Serialize + DeserializeOwned,
{
    let parsed: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|error| panic!("{name} should accept an unknown type: {error}"));
    assert!(
        is_unknown(&parsed),
        "{name} should keep an unknown type in `Unknown`"
    );
    let back = serde_json::to_value(&parsed).expect("an unknown form should serialize");
    assert_eq!(
        &back, value,
        "{name} should serialize an unknown form back unchanged"
    );
    let text = serde_json::to_string(&parsed).expect("an unknown form should serialize");
    assert_eq!(
        text,
        serde_json::to_string(value).unwrap(),
        "{name} should write the same bytes it was given"
    );
}

/// Parses `value` as `T` and checks it serializes back equal.
fn assert_round_trips<T: Serialize + DeserializeOwned>(name: &str, value: Value) -> T {
    let parsed: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|error| panic!("{name} should parse: {error}"));
    let back = serde_json::to_value(&parsed).expect("a parsed value should serialize");
    assert_eq!(back, value, "{name} should round-trip unchanged");
    parsed
}

#[test]
fn every_tagged_union_keeps_an_unknown_type() {
    let raw = unknown_part();
    assert_kept::<AssistantTool>("AssistantTool", &raw, |v| {
        matches!(v, AssistantTool::Unknown(_))
    });
    assert_kept::<MessageContent>("MessageContent", &raw, |v| {
        matches!(v, MessageContent::Unknown(_))
    });
    assert_kept::<Annotation>("Annotation", &raw, |v| matches!(v, Annotation::Unknown(_)));
    assert_kept::<MessageDeltaContent>("MessageDeltaContent", &raw, |v| {
        matches!(v, MessageDeltaContent::Unknown(_))
    });
    assert_kept::<AnnotationDelta>("AnnotationDelta", &raw, |v| {
        matches!(v, AnnotationDelta::Unknown(_))
    });
    assert_kept::<StepDetails>("StepDetails", &raw, |v| {
        matches!(v, StepDetails::Unknown(_))
    });
    assert_kept::<ToolCall>("ToolCall", &raw, |v| matches!(v, ToolCall::Unknown(_)));
    assert_kept::<CodeInterpreterOutput>("CodeInterpreterOutput", &raw, |v| {
        matches!(v, CodeInterpreterOutput::Unknown(_))
    });
    assert_kept::<StepDetailsDelta>("StepDetailsDelta", &raw, |v| {
        matches!(v, StepDetailsDelta::Unknown(_))
    });
    assert_kept::<ToolCallDelta>("ToolCallDelta", &raw, |v| {
        matches!(v, ToolCallDelta::Unknown(_))
    });
    assert_kept::<CodeInterpreterOutputDelta>("CodeInterpreterOutputDelta", &raw, |v| {
        matches!(v, CodeInterpreterOutputDelta::Unknown(_))
    });
    assert_kept::<ChunkingStrategy>("ChunkingStrategy", &raw, |v| {
        matches!(v, ChunkingStrategy::Unknown(_))
    });
}

#[test]
fn a_known_type_with_bad_fields_is_still_an_error() {
    let bad = json!({"type": "function", "function": "not an object"});
    assert!(
        serde_json::from_value::<AssistantTool>(bad).is_err(),
        "a known type with malformed fields should not hide in `Unknown`"
    );
    assert!(
        serde_json::from_value::<ToolCall>(json!({"id": "call_1"})).is_err(),
        "an object without `type` should be rejected"
    );
    assert!(
        serde_json::from_value::<MessageContent>(json!("text")).is_err(),
        "a non-object should be rejected"
    );
}

#[test]
fn known_forms_round_trip_as_before() {
    let tool: AssistantTool =
        assert_round_trips("AssistantTool", json!({"type": "code_interpreter"}));
    assert_eq!(tool, AssistantTool::CodeInterpreter);
    assert!(tool.is_known(), "a spec tool should be known");
    assert_round_trips::<AssistantTool>(
        "AssistantTool",
        json!({"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}),
    );
    assert_round_trips::<MessageContent>(
        "MessageContent",
        json!({"type": "text", "text": {"value": "hi", "annotations": [
            {"type": "file_path", "text": "x", "file_path": {"file_id": "file-1"}, "start_index": 0, "end_index": 1}
        ]}}),
    );
    assert_round_trips::<MessageDeltaContent>(
        "MessageDeltaContent",
        json!({"type": "text", "index": 0, "text": {"value": "h", "annotations": [
            {"type": "file_citation", "index": 0, "text": "x"}
        ]}}),
    );
    assert_round_trips::<ToolCallDelta>(
        "ToolCallDelta",
        json!({"type": "code_interpreter", "index": 0, "code_interpreter": {"outputs": [
            {"type": "logs", "index": 0, "logs": "ok"}
        ]}}),
    );
    assert_round_trips::<StepDetailsDelta>(
        "StepDetailsDelta",
        json!({"type": "tool_calls", "tool_calls": [{"type": "file_search", "index": 1, "file_search": {}}]}),
    );
    assert_round_trips::<StepDetails>(
        "StepDetails",
        json!({"type": "tool_calls", "tool_calls": [{"type": "code_interpreter", "id": "call_1",
            "code_interpreter": {"input": "1+1", "outputs": [{"type": "image", "image": {"file_id": "file-2"}}]}}]}),
    );
    let other: ChunkingStrategy = assert_round_trips("ChunkingStrategy", json!({"type": "other"}));
    assert_eq!(other, ChunkingStrategy::Other);
    assert_round_trips::<ChunkingStrategy>(
        "ChunkingStrategy",
        json!({"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}),
    );
}

#[test]
fn a_message_with_an_unknown_part_still_parses() {
    let message = json!({
        "id": "msg_1", "object": "thread.message", "created_at": 1, "thread_id": "thread_1",
        "status": "completed", "incomplete_details": null, "completed_at": 2, "incomplete_at": null,
        "role": "assistant",
        "content": [
            {"type": "text", "text": {"value": "see", "annotations": [
                {"type": "url_citation", "url": "https://example.com", "start_index": 0, "end_index": 3}
            ]}},
            unknown_part()
        ],
        "assistant_id": "asst_1", "run_id": "run_1", "attachments": [], "metadata": {}
    });
    let parsed: Message = assert_round_trips("Message", message);
    assert!(
        matches!(parsed.content[1], MessageContent::Unknown(_)),
        "the unknown part should be kept"
    );
}

#[test]
fn a_run_step_with_an_unknown_tool_call_still_parses() {
    let step = json!({
        "id": "step_1", "object": "thread.run.step", "created_at": 1, "assistant_id": "asst_1",
        "thread_id": "thread_1", "run_id": "run_1", "type": "tool_calls", "status": "completed",
        "step_details": {"type": "tool_calls", "tool_calls": [
            {"type": "web_search", "id": "call_1", "web_search": {"query": "rust"}},
            {"type": "code_interpreter", "id": "call_2", "code_interpreter": {"input": "x", "outputs": [
                {"type": "chart", "chart": {"file_id": "file-1"}}
            ]}}
        ]},
        "last_error": null, "expired_at": null, "cancelled_at": null, "failed_at": null,
        "completed_at": 2, "metadata": {}, "usage": null
    });
    assert_round_trips::<RunStep>("RunStep", step);

    let unknown_details = json!({
        "id": "step_2", "object": "thread.run.step", "created_at": 1, "assistant_id": "asst_1",
        "thread_id": "thread_1", "run_id": "run_1", "type": "reasoning", "status": "completed",
        "step_details": {"type": "reasoning", "reasoning": {"summary": "…"}},
        "last_error": null, "expired_at": null, "cancelled_at": null, "failed_at": null,
        "completed_at": 2, "metadata": {}, "usage": null
    });
    assert_round_trips::<RunStep>("RunStep", unknown_details);
}

#[test]
fn an_assistant_with_an_unknown_tool_still_parses() {
    let assistant = json!({
        "id": "asst_1", "object": "assistant", "created_at": 1, "name": null, "description": null,
        "model": "gpt-4o", "instructions": null,
        "tools": [{"type": "code_interpreter"}, {"type": "browser", "browser": {"max_pages": 3}}],
        "tool_resources": null, "metadata": {}, "temperature": 1.0, "top_p": 1.0,
        "response_format": "auto"
    });
    let parsed: Assistant = assert_round_trips("Assistant", assistant);
    assert!(
        !parsed.tools[1].is_known(),
        "the browser tool should be kept as unknown"
    );
}

#[test]
fn a_request_may_not_ask_for_an_unknown_tool() {
    let request: CreateAssistantRequest = serde_json::from_value(json!({
        "model": "gpt-4o",
        "tools": [{"type": "browser"}]
    }))
    .expect("a request with an unknown tool should parse so validate() can name it");
    let error = request
        .validate()
        .expect_err("an unknown tool in a request should be rejected");
    assert_eq!(error.param, "tools[0].type");
    assert_eq!(error.code, "invalid_value");
    assert_eq!(
        error.message,
        "Invalid value for 'tools[0].type': 'browser'. Supported values are: 'code_interpreter', 'file_search' and 'function'."
    );
}
