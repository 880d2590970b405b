//! Fixtures shared by the store's integration tests: wire objects with most fields filled, so a
//! round trip exercises nested content, tools and annotations.

use std::path::Path;

use hearth_store::Store;
use hearth_wire::{
    Assistant, FileObject, ListOrder, ListQuery, Message, Run, RunStep, Thread, VectorStore,
    VectorStoreFile, VectorStoreFileBatch,
};
use serde::Serialize;
use serde_json::{Value, json};

pub fn open(dir: &Path) -> Store {
    Store::open(dir.join("hearth.db")).expect("a fresh database should open and migrate")
}

pub fn from<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("the fixture should be a valid wire object")
}

pub fn assistant(id: &str, created_at: i64) -> Assistant {
    from(json!({
        "id": id, "object": "assistant", "created_at": created_at, "name": "Helper",
        "description": null, "model": "gpt-4o", "instructions": "Be brief.",
        "tools": [
            {"type": "code_interpreter"},
            {"type": "file_search"},
            {"type": "function", "function": {"name": "weather", "description": "Weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}
        ],
        "tool_resources": {"code_interpreter": {"file_ids": ["file-1"]},
                           "file_search": {"vector_store_ids": ["vs_1"]}},
        "metadata": {"team": "docs"}, "temperature": 0.5, "top_p": 1.0,
        "response_format": "auto"
    }))
}

pub fn thread(id: &str) -> Thread {
    from(json!({
        "id": id, "object": "thread", "created_at": 10, "tool_resources": null,
        "metadata": {"title": "Trip"}
    }))
}

pub fn message(id: &str, thread_id: &str, created_at: i64, text: &str) -> Message {
    from(json!({
        "id": id, "object": "thread.message", "created_at": created_at, "thread_id": thread_id,
        "status": "completed", "incomplete_details": null, "completed_at": created_at,
        "incomplete_at": null, "role": "user",
        "content": [
            {"type": "text", "text": {"value": text, "annotations": []}},
            {"type": "image_file", "image_file": {"file_id": "file-img", "detail": "low"}}
        ],
        "assistant_id": null, "run_id": null,
        "attachments": [{"file_id": "file-1", "tools": [{"type": "file_search"}]}],
        "metadata": {}
    }))
}

pub fn reply(id: &str, thread_id: &str, run_id: &str, assistant_id: &str, text: &str) -> Message {
    from(json!({
        "id": id, "object": "thread.message", "created_at": 50, "thread_id": thread_id,
        "status": "completed", "incomplete_details": null, "completed_at": 51,
        "incomplete_at": null, "role": "assistant",
        "content": [{"type": "text", "text": {"value": text, "annotations": [
            {"type": "file_citation", "text": "【4:0†source】", "start_index": 0,
             "end_index": 3, "file_citation": {"file_id": "file-1"}}
        ]}}],
        "assistant_id": assistant_id, "run_id": run_id, "attachments": [], "metadata": {}
    }))
}

pub fn run(id: &str, thread_id: &str, assistant_id: &str, status: &str, created_at: i64) -> Run {
    from(json!({
        "id": id, "object": "thread.run", "created_at": created_at, "thread_id": thread_id,
        "assistant_id": assistant_id, "status": status,
        "required_action": {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "weather", "arguments": "{\"city\":\"Oslo\"}"}}
        ]}},
        "last_error": null, "expires_at": 700, "started_at": 101, "cancelled_at": null,
        "failed_at": null, "completed_at": null, "incomplete_details": null, "model": "gpt-4o",
        "instructions": "Be brief.", "tools": [{"type": "file_search"}], "metadata": {},
        "usage": {"completion_tokens": 1, "prompt_tokens": 2, "total_tokens": 3},
        "temperature": 1.0, "top_p": 1.0, "max_prompt_tokens": 1000,
        "max_completion_tokens": null,
        "truncation_strategy": {"type": "auto", "last_messages": null},
        "tool_choice": "auto", "parallel_tool_calls": true, "response_format": "auto"
    }))
}

pub fn step(id: &str, thread_id: &str, run_id: &str) -> RunStep {
    from(json!({
        "id": id, "object": "thread.run.step", "created_at": 102, "assistant_id": "asst_a",
        "thread_id": thread_id, "run_id": run_id, "type": "tool_calls", "status": "in_progress",
        "step_details": {"type": "tool_calls", "tool_calls": [
            {"id": "call_1", "type": "function",
             "function": {"name": "weather", "arguments": "{}", "output": null}}
        ]},
        "last_error": null, "expired_at": null, "cancelled_at": null, "failed_at": null,
        "completed_at": null, "metadata": {}, "usage": null
    }))
}

pub fn file(id: &str, created_at: i64, purpose: &str) -> FileObject {
    from(json!({
        "id": id, "object": "file", "bytes": 1234, "created_at": created_at,
        "filename": "notes.md", "purpose": purpose, "status": "processed"
    }))
}

pub fn vector_store(id: &str) -> VectorStore {
    from(json!({
        "id": id, "object": "vector_store", "created_at": 5, "name": "Docs", "usage_bytes": 0,
        "file_counts": {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0},
        "status": "completed", "expires_after": {"anchor": "last_active_at", "days": 7},
        "expires_at": null, "last_active_at": 5, "metadata": null
    }))
}

pub fn vs_file(vs: &str, id: &str, created_at: i64, status: &str) -> VectorStoreFile {
    from(json!({
        "id": id, "object": "vector_store.file", "usage_bytes": 10, "created_at": created_at,
        "vector_store_id": vs, "status": status, "last_error": null,
        "chunking_strategy": {"type": "static",
            "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}
    }))
}

pub fn batch(vs: &str, id: &str) -> VectorStoreFileBatch {
    from(json!({
        "id": id, "object": "vector_store.files_batch", "created_at": 6, "vector_store_id": vs,
        "status": "in_progress",
        "file_counts": {"in_progress": 1, "completed": 0, "failed": 0, "cancelled": 0, "total": 1}
    }))
}

/// Asserts the stored object reads back as the same JSON, field for field.
pub fn same_json<T: Serialize + std::fmt::Debug>(stored: Option<T>, original: &T) {
    let stored = stored.expect("the object should be found after insert");
    assert_eq!(
        serde_json::to_value(&stored).unwrap(),
        serde_json::to_value(original).unwrap(),
        "the object should round-trip through the store unchanged"
    );
}

pub fn query(
    limit: Option<u32>,
    order: Option<ListOrder>,
    after: Option<&str>,
    before: Option<&str>,
) -> ListQuery {
    ListQuery {
        limit,
        order,
        after: after.map(str::to_owned),
        before: before.map(str::to_owned),
        extra: Vec::new(),
    }
}
