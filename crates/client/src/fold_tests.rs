use serde_json::json;

use super::*;

/// Full objects as a server sends them, with `patch` merged over the defaults.
fn full(kind: &str, patch: Value) -> Value {
    let mut base = match kind {
        "message" => {
            json!({"id": "msg_1", "object": "thread.message", "created_at": 1, "thread_id": "thread_1",
            "status": "in_progress", "incomplete_details": null, "completed_at": null, "incomplete_at": null,
            "role": "assistant", "content": [], "assistant_id": "asst_1", "run_id": "run_1",
            "attachments": [], "metadata": {}})
        }
        "step" => {
            json!({"id": "step_1", "object": "thread.run.step", "created_at": 1, "assistant_id": "asst_1",
            "thread_id": "thread_1", "run_id": "run_1", "type": "tool_calls", "status": "in_progress",
            "step_details": {"type": "tool_calls", "tool_calls": []}, "last_error": null, "expired_at": null,
            "cancelled_at": null, "failed_at": null, "completed_at": null, "metadata": null, "usage": null})
        }
        "run" => {
            json!({"id": "run_1", "object": "thread.run", "created_at": 1, "thread_id": "thread_1",
            "assistant_id": "asst_1", "status": "queued", "required_action": null, "last_error": null,
            "expires_at": null, "started_at": null, "cancelled_at": null, "failed_at": null, "completed_at": null,
            "incomplete_details": null, "model": "m", "instructions": "", "tools": [], "metadata": {},
            "usage": null, "max_prompt_tokens": null, "max_completion_tokens": null,
            "truncation_strategy": {"type": "auto", "last_messages": null}, "tool_choice": "auto",
            "parallel_tool_calls": true, "response_format": "auto"})
        }
        _ => unreachable!("no such fixture kind"),
    };
    for (k, v) in patch.as_object().expect("patch is an object") {
        base[k] = v.clone();
    }
    base
}

fn event(name: &str, data: Value) -> StreamEvent {
    StreamEvent::from_json(name, data).expect("test events should decode as wire types")
}

fn apply_all(snapshots: &mut Snapshots, events: Vec<StreamEvent>) {
    for event in events {
        snapshots.apply(&event).expect("every event should fold");
    }
}

#[test]
fn text_deltas_append_to_same_index_and_annotations_append() {
    let mut s = Snapshots::new();
    apply_all(
        &mut s,
        vec![
            event(
                "thread.message.created",
                full(
                    "message",
                    json!({"id": "msg_1", "object": "thread.message", "content": [], "status": "in_progress"}),
                ),
            ),
            event(
                "thread.message.delta",
                json!({"id": "msg_1", "object": "thread.message.delta", "delta": {"content": [
                {"index": 0, "type": "text", "text": {"value": "Hel", "annotations": []}}]}}),
            ),
            event(
                "thread.message.delta",
                json!({"id": "msg_1", "delta": {"content": [
                {"index": 0, "type": "text", "text": {"value": "lo 🔥"}}]}}),
            ),
            event(
                "thread.message.delta",
                json!({"id": "msg_1", "delta": {"content": [
                {"index": 0, "type": "text", "text": {"value": " [1]", "annotations": [
                    {"index": 0, "type": "file_citation", "text": "[1]", "file_citation": {"file_id": "file-a"}, "start_index": 8, "end_index": 11}]}}]}}),
            ),
            event(
                "thread.message.delta",
                json!({"id": "msg_1", "delta": {"content": [
                {"index": 1, "type": "image_file", "image_file": {"file_id": "file-img"}}]}}),
            ),
        ],
    );
    let m = s
        .message_json("msg_1")
        .expect("the message snapshot should exist");
    assert_eq!(
        m["content"][0]["text"]["value"], "Hello 🔥 [1]",
        "text chunks should concatenate in order"
    );
    let ann = &m["content"][0]["text"]["annotations"];
    assert_eq!(ann.as_array().map(Vec::len), Some(1));
    assert_eq!(
        ann[0]["start_index"], 8,
        "numbers are sent once, so they keep their value"
    );
    assert_eq!(ann[0]["file_citation"]["file_id"], "file-a");
    assert_eq!(
        m["content"][1]["image_file"]["file_id"], "file-img",
        "a new index is a new part"
    );
    assert_eq!(
        m["status"], "in_progress",
        "fields absent from deltas are left alone"
    );
}

#[test]
fn completed_message_replaces_folded_snapshot() {
    let mut s = Snapshots::new();
    apply_all(
        &mut s,
        vec![
            event(
                "thread.message.created",
                full("message", json!({"id": "msg_1", "content": []})),
            ),
            event(
                "thread.message.delta",
                json!({"id": "msg_1", "delta": {"content": [{"index": 0, "type": "text", "text": {"value": "x"}}]}}),
            ),
            event(
                "thread.message.completed",
                full(
                    "message",
                    json!({"id": "msg_1", "content": [{"type": "text", "text": {"value": "x", "annotations": []}}], "status": "completed"}),
                ),
            ),
        ],
    );
    assert_eq!(s.message_json("msg_1").unwrap()["status"], "completed");
}

#[test]
fn tool_call_arguments_concatenate_by_index() {
    let mut s = Snapshots::new();
    apply_all(
        &mut s,
        vec![
            event(
                "thread.run.step.created",
                full(
                    "step",
                    json!({"id": "step_1", "type": "tool_calls", "step_details": {"type": "tool_calls", "tool_calls": []}}),
                ),
            ),
            event(
                "thread.run.step.delta",
                json!({"id": "step_1", "delta": {"step_details": {"type": "tool_calls", "tool_calls": [
                {"index": 0, "id": "call_a", "type": "function", "function": {"name": "weather", "arguments": "", "output": null}}]}}}),
            ),
            event(
                "thread.run.step.delta",
                json!({"id": "step_1", "delta": {"step_details": {"type": "tool_calls", "tool_calls": [
                {"index": 1, "id": "call_b", "type": "function", "function": {"name": "time", "arguments": "{}", "output": null}}]}}}),
            ),
            event(
                "thread.run.step.delta",
                json!({"id": "step_1", "delta": {"step_details": {"type": "tool_calls", "tool_calls": [
                {"index": 0, "type": "function", "function": {"arguments": "{\"city\":"}}]}}}),
            ),
            event(
                "thread.run.step.delta",
                json!({"id": "step_1", "delta": {"step_details": {"type": "tool_calls", "tool_calls": [
                {"index": 0, "type": "function", "function": {"arguments": "\"Oslo\"}"}}]}}}),
            ),
        ],
    );
    let calls = &s.step_json("step_1").unwrap()["step_details"]["tool_calls"];
    assert_eq!(calls[0]["function"]["arguments"], "{\"city\":\"Oslo\"}");
    assert_eq!(
        calls[0]["id"], "call_a",
        "ids from the first delta must survive later deltas"
    );
    assert_eq!(
        calls[1]["function"]["arguments"], "{}",
        "the second call must not receive the first's chunks"
    );
    assert_eq!(
        calls[0]["type"], "function",
        "type is replaced, not concatenated"
    );
}

#[test]
fn code_interpreter_outputs_merge_by_nested_index() {
    let mut s = Snapshots::new();
    apply_all(
        &mut s,
        vec![
            event(
                "thread.run.step.created",
                full(
                    "step",
                    json!({"id": "step_1", "step_details": {"type": "tool_calls", "tool_calls": []}}),
                ),
            ),
            event(
                "thread.run.step.delta",
                json!({"id": "step_1", "delta": {"step_details": {"type": "tool_calls", "tool_calls": [
                {"index": 0, "type": "code_interpreter", "code_interpreter": {"input": "print(", "outputs": []}}]}}}),
            ),
            event(
                "thread.run.step.delta",
                json!({"id": "step_1", "delta": {"step_details": {"type": "tool_calls", "tool_calls": [
                {"index": 0, "type": "code_interpreter", "code_interpreter": {"input": "1)", "outputs": [{"index": 0, "type": "logs", "logs": "1\n"}]}}]}}}),
            ),
        ],
    );
    let ci = &s.step_json("step_1").unwrap()["step_details"]["tool_calls"][0]["code_interpreter"];
    assert_eq!(ci["input"], "print(1)");
    assert_eq!(ci["outputs"][0]["logs"], "1\n");
}

#[test]
fn delta_without_snapshot_is_an_error() {
    let mut s = Snapshots::new();
    let err = s
        .apply(&event(
            "thread.message.delta",
            json!({"id": "msg_x", "delta": {}}),
        ))
        .unwrap_err();
    assert!(
        err.to_string().contains("msg_x"),
        "the error should name the message: {err}"
    );
    assert!(
        s.apply(&event(
            "thread.run.step.delta",
            json!({"id": "step_x", "delta": {}})
        ))
        .is_err()
    );
}

#[test]
fn plain_arrays_extend_and_numbers_add() {
    let mut acc = json!({"ids": ["a"], "n": 1, "f": 0.5})
        .as_object()
        .unwrap()
        .clone();
    let delta = json!({"ids": ["b"], "n": 2, "f": 0.25})
        .as_object()
        .unwrap()
        .clone();
    accumulate(&mut acc, &delta).unwrap();
    assert_eq!(
        Value::Object(acc),
        json!({"ids": ["a", "b"], "n": 3, "f": 0.75})
    );
}

#[test]
fn run_snapshot_is_the_latest() {
    let mut s = Snapshots::new();
    apply_all(
        &mut s,
        vec![
            event(
                "thread.run.created",
                full("run", json!({"id": "run_1", "status": "queued"})),
            ),
            event(
                "thread.run.completed",
                full("run", json!({"id": "run_1", "status": "completed"})),
            ),
        ],
    );
    assert_eq!(s.run().map(|r| r.id.as_str()), Some("run_1"));
    assert_eq!(
        serde_json::to_value(&s.run().unwrap().status).unwrap(),
        "completed"
    );
}

#[test]
fn folded_snapshots_decode_as_wire_types() {
    let mut s = Snapshots::new();
    apply_all(
        &mut s,
        vec![
            event("thread.message.created", full("message", json!({}))),
            event(
                "thread.message.delta",
                json!({"id": "msg_1", "delta": {"content": [{"index": 0, "type": "text", "text": {"value": "Hi", "annotations": []}}]}}),
            ),
            event("thread.run.step.created", full("step", json!({}))),
            event(
                "thread.run.step.delta",
                json!({"id": "step_1", "delta": {"step_details": {"type": "tool_calls", "tool_calls": [
                    {"index": 0, "id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}", "output": null}}]}}}),
            ),
        ],
    );
    let message = s
        .message("msg_1")
        .expect("snapshot exists")
        .expect("a folded message should decode");
    assert_eq!(message.content.len(), 1, "one text part");
    let step = s
        .step("step_1")
        .expect("snapshot exists")
        .expect("a folded step should decode");
    assert_eq!(step.id, "step_1");
    assert!(s.message("msg_other").is_none());
}
