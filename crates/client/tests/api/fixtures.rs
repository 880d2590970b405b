//! Recorded-shape response bodies: every field the reference lists, nulls explicit, as the hosted
//! API sent them.

use serde_json::{Value, json};

pub const T: i64 = 1_700_000_000;

pub fn assistant(id: &str) -> Value {
    json!({"id": id, "object": "assistant", "created_at": T, "name": "Helper", "description": null,
           "model": "gpt-4o", "instructions": "Be brief.", "tools": [{"type": "code_interpreter"}],
           "tool_resources": {"code_interpreter": {"file_ids": []}}, "metadata": {}, "temperature": 1.0,
           "top_p": 1.0, "response_format": "auto"})
}

pub fn thread(id: &str) -> Value {
    json!({"id": id, "object": "thread", "created_at": T, "tool_resources": null, "metadata": {}})
}

pub fn message(id: &str, text: &str) -> Value {
    let content = if text.is_empty() {
        json!([])
    } else {
        json!([{"type": "text", "text": {"value": text, "annotations": []}}])
    };
    json!({"id": id, "object": "thread.message", "created_at": T, "thread_id": "thread_1",
           "status": if text.is_empty() { "in_progress" } else { "completed" }, "incomplete_details": null,
           "completed_at": null, "incomplete_at": null, "role": "assistant", "content": content,
           "assistant_id": "asst_1", "run_id": "run_1", "attachments": [], "metadata": {}})
}

pub fn run(id: &str, status: &str) -> Value {
    json!({"id": id, "object": "thread.run", "created_at": T, "thread_id": "thread_1", "assistant_id": "asst_1",
           "status": status, "required_action": null, "last_error": null, "expires_at": T + 600,
           "started_at": null, "cancelled_at": null, "failed_at": null, "completed_at": null,
           "incomplete_details": null, "model": "gpt-4o", "instructions": "Be brief.", "tools": [],
           "metadata": {}, "usage": null, "temperature": 1.0, "top_p": 1.0, "max_prompt_tokens": null,
           "max_completion_tokens": null, "truncation_strategy": {"type": "auto", "last_messages": null},
           "tool_choice": "auto", "parallel_tool_calls": true, "response_format": "auto"})
}

pub fn step(id: &str, details: Value) -> Value {
    let kind = details["type"].clone();
    json!({"id": id, "object": "thread.run.step", "created_at": T, "assistant_id": "asst_1",
           "thread_id": "thread_1", "run_id": "run_1", "type": kind, "status": "in_progress",
           "step_details": details, "last_error": null, "expired_at": null, "cancelled_at": null,
           "failed_at": null, "completed_at": null, "metadata": null, "usage": null})
}

pub fn message_creation_step(id: &str) -> Value {
    step(
        id,
        json!({"type": "message_creation", "message_creation": {"message_id": "msg_1"}}),
    )
}

pub fn file(id: &str, bytes: usize) -> Value {
    json!({"id": id, "object": "file", "bytes": bytes, "created_at": T, "filename": "data.bin",
           "purpose": "assistants", "status": "processed"})
}

fn counts() -> Value {
    json!({"in_progress": 0, "completed": 1, "failed": 0, "cancelled": 0, "total": 1})
}

pub fn vector_store(id: &str) -> Value {
    json!({"id": id, "object": "vector_store", "created_at": T, "name": "docs", "usage_bytes": 1024,
           "file_counts": counts(), "status": "completed", "expires_after": null, "expires_at": null,
           "last_active_at": T, "metadata": {}})
}

pub fn vector_store_file(id: &str) -> Value {
    json!({"id": id, "object": "vector_store.file", "usage_bytes": 1024, "created_at": T,
           "vector_store_id": "vs_1", "status": "completed", "last_error": null,
           "chunking_strategy": {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}},
           "attributes": {}})
}

pub fn file_batch(id: &str) -> Value {
    json!({"id": id, "object": "vector_store.files_batch", "created_at": T, "vector_store_id": "vs_1",
           "status": "completed", "file_counts": counts()})
}

pub fn search_page() -> Value {
    json!({"object": "vector_store.search_results.page", "search_query": ["q"], "data": [
        {"file_id": "file-1", "filename": "a.txt", "score": 0.9, "attributes": {}, "content": [{"type": "text", "text": "hit"}]}],
        "has_more": false, "next_page": null})
}

pub fn content_page() -> Value {
    json!({"object": "vector_store.file_content.page", "data": [{"type": "text", "text": "page one"}],
           "has_more": false, "next_page": null})
}

pub fn model(id: &str) -> Value {
    json!({"id": id, "object": "model", "created": T, "owned_by": "hearth"})
}

pub fn deleted(id: &str, object: &str) -> Value {
    json!({"id": id, "object": object, "deleted": true})
}

pub fn list(data: Vec<Value>, has_more: bool) -> Value {
    let first = data.first().map(|d| d["id"].clone()).unwrap_or(Value::Null);
    let last = data.last().map(|d| d["id"].clone()).unwrap_or(Value::Null);
    json!({"object": "list", "data": data, "first_id": first, "last_id": last, "has_more": has_more})
}

/// The answer a protocol-conforming server gives to `method path` (paths relative to `/v1`).
pub fn answer_for(method: &str, path: &str) -> Value {
    let segs: Vec<&str> = path.trim_start_matches("/v1/").split('/').collect();
    match (method, segs.as_slice()) {
        ("GET", ["assistants"]) => list(vec![assistant("asst_1")], false),
        ("DELETE", ["assistants", id]) => deleted(id, "assistant.deleted"),
        (_, ["assistants", ..]) => assistant("asst_1"),
        ("POST", ["threads", "runs"]) => run("run_1", "queued"),
        ("GET", ["threads", _, "messages"]) => list(vec![message("msg_1", "hi")], false),
        ("DELETE", ["threads", _, "messages", id]) => deleted(id, "thread.message.deleted"),
        (_, ["threads", _, "messages", ..]) => message("msg_1", "hi"),
        ("GET", ["threads", _, "runs"]) => list(vec![run("run_1", "completed")], false),
        ("GET", ["threads", _, "runs", _, "steps"]) => {
            list(vec![message_creation_step("step_1")], false)
        }
        ("GET", ["threads", _, "runs", _, "steps", id]) => message_creation_step(id),
        ("POST", ["threads", _, "runs", _, "cancel"]) => run("run_1", "cancelling"),
        (_, ["threads", _, "runs", ..]) => run("run_1", "queued"),
        ("DELETE", ["threads", id]) => deleted(id, "thread.deleted"),
        (_, ["threads", ..]) => thread("thread_1"),
        ("GET", ["files"]) => list(vec![file("file-1", 5)], false),
        ("DELETE", ["files", id]) => deleted(id, "file"),
        (_, ["files", ..]) => file("file-1", 5),
        ("GET", ["vector_stores"]) => list(vec![vector_store("vs_1")], false),
        ("POST", ["vector_stores", _, "search"]) => search_page(),
        ("GET", ["vector_stores", _, "files"])
        | ("GET", ["vector_stores", _, "file_batches", _, "files"]) => {
            list(vec![vector_store_file("file-1")], false)
        }
        ("GET", ["vector_stores", _, "files", _, "content"]) => content_page(),
        ("DELETE", ["vector_stores", _, "files", id]) => deleted(id, "vector_store.file.deleted"),
        (_, ["vector_stores", _, "files", ..]) => vector_store_file("file-1"),
        (_, ["vector_stores", _, "file_batches", ..]) => file_batch("vsfb_1"),
        ("DELETE", ["vector_stores", id]) => deleted(id, "vector_store.deleted"),
        (_, ["vector_stores", ..]) => vector_store("vs_1"),
        ("GET", ["models"]) => json!({"object": "list", "data": [model("gpt-4o")]}),
        ("DELETE", ["models", id]) => deleted(id, "model"),
        (_, ["models", id]) => model(id),
        _ => panic!("no fixture for {method} {path}"),
    }
}
