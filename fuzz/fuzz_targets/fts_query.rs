//! Search text over arbitrary input: whatever a person types into message search or a file search
//! query becomes an FTS5 query that SQLite accepts. Both searches run through the store's public
//! API against a real in-memory database (its real schema, tokenizer and prefix indexes), with a
//! message and a file's chunks to match, and must never fail.

#![no_main]

use std::sync::OnceLock;

use hearth_store::{ChunkSearch, NewChunk, Ranking, Store};
use libfuzzer_sys::fuzz_target;
use serde_json::json;

const TEXTS: &[&str] = &[
    "The quarterly report covers the budget, the Zeppelin hangar and café prices.",
    "Überraschung: naïve résumé — 東京 and emoji 🔥 appear here, NEAR the end OR not.",
    "\"quoted\" words, col:umn and star* and a-b-c stay plain text.",
];

fn from<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("a valid wire object")
}

/// A store with one message per text and one vector store whose file has one chunk per text.
fn store() -> &'static Store {
    static STORE: OnceLock<Store> = OnceLock::new();
    STORE.get_or_init(|| {
        let store = Store::open_in_memory().expect("an in-memory store opens");
        store
            .insert_thread(&from(json!({
                "id": "thread_1", "object": "thread", "created_at": 1,
                "tool_resources": null, "metadata": {}
            })))
            .unwrap();
        for (i, text) in TEXTS.iter().enumerate() {
            store
                .insert_message(&from(json!({
                    "id": format!("msg_{i}"), "object": "thread.message", "created_at": 2 + i,
                    "thread_id": "thread_1", "status": "completed", "incomplete_details": null,
                    "completed_at": 2 + i, "incomplete_at": null, "role": "user",
                    "content": [{"type": "text", "text": {"value": text, "annotations": []}}],
                    "assistant_id": null, "run_id": null, "attachments": [], "metadata": {}
                })))
                .unwrap();
        }
        store
            .insert_vector_store(&from(json!({
                "id": "vs_1", "object": "vector_store", "created_at": 1, "name": "Docs",
                "usage_bytes": 0,
                "file_counts": {"in_progress": 0, "completed": 1, "failed": 0, "cancelled": 0,
                                "total": 1},
                "status": "completed", "expires_after": null, "expires_at": null,
                "last_active_at": 1, "metadata": null
            })))
            .unwrap();
        store
            .insert_file(
                &from(json!({
                    "id": "file-1", "object": "file", "bytes": 100, "created_at": 1,
                    "filename": "notes.md", "purpose": "assistants", "status": "processed"
                })),
                std::path::Path::new("notes.md"),
            )
            .unwrap();
        store
            .insert_vector_store_file(
                &from(json!({
                    "id": "file-1", "object": "vector_store.file", "usage_bytes": 100,
                    "created_at": 1, "vector_store_id": "vs_1", "status": "completed",
                    "last_error": null,
                    "chunking_strategy": {"type": "static", "static":
                        {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}
                })),
                None,
            )
            .unwrap();
        let chunks: Vec<NewChunk> = TEXTS
            .iter()
            .enumerate()
            .map(|(i, text)| NewChunk {
                index: i as u32,
                text,
                start: i as u64 * 100,
                end: i as u64 * 100 + text.len() as u64,
                page: None,
                heading: None,
                tokens: 10,
            })
            .collect();
        store
            .replace_file_chunks("vs_1", "file-1", &chunks)
            .unwrap();
        // The store finds what it holds, so a search that fails below is the query's doing.
        assert_eq!(
            store.search_messages("zeppelin", None, 10).unwrap().len(),
            1
        );
        store
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let store = store();
    if let Err(error) = store.search_messages(&text, None, 10) {
        panic!("message search for {text:?} failed: {error}");
    }
    let ids = ["vs_1".to_owned()];
    let search = ChunkSearch {
        vector_store_ids: &ids,
        query: &text,
        query_vector: None,
        filter: None,
        limit: 10,
        score_threshold: 0.0,
        ranking: Ranking::Keyword,
    };
    if let Err(error) = store.search_chunks(&search) {
        panic!("file search for {text:?} failed: {error}");
    }
});
