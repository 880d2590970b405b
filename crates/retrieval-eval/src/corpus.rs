//! Putting the set's documents into a store the way file search indexes an upload: chunks first
//! (searchable by keywords at once), then their vectors.

use std::path::Path;

use hearth_embed::Embedder;
use hearth_store::{NewChunk, Store};
use hearth_wire::{FileObject, VectorStore, VectorStoreFile};
use serde_json::json;

use crate::dataset::SetDocument;
use crate::error::{EvalError, Result};

/// How many chunks are embedded per call: enough to keep the embedder's batches full.
const EMBED_BATCH: usize = 32;

/// Creates vector store `vector_store_id` in `store`, with no files yet.
pub fn create_vector_store(store: &Store, vector_store_id: &str) -> Result<()> {
    let vector_store: VectorStore = serde_json::from_value(json!({
        "id": vector_store_id,
        "object": "vector_store",
        "created_at": 0,
        "name": "retrieval set",
        "usage_bytes": 0,
        "file_counts": {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0},
        "status": "completed",
        "last_active_at": null,
        "metadata": null
    }))
    .expect("a literal vector store is well formed");
    store.transaction(|tx| tx.insert_vector_store(&vector_store))?;
    Ok(())
}

/// Records an upload of `file_bytes` bytes named `name` as file `file_id` and attaches it to the
/// vector store, as completed (search finds only such files, and only while they are uploaded).
pub fn attach_file(
    store: &Store,
    vector_store_id: &str,
    file_id: &str,
    name: &str,
    file_bytes: usize,
) -> Result<()> {
    let upload: FileObject = serde_json::from_value(json!({
        "id": file_id,
        "object": "file",
        "bytes": file_bytes,
        "created_at": 0,
        "filename": name,
        "purpose": "assistants",
        "status": "processed"
    }))
    .expect("a literal file is well formed");
    let file: VectorStoreFile = serde_json::from_value(json!({
        "id": file_id,
        "object": "vector_store.file",
        "created_at": 0,
        "usage_bytes": file_bytes,
        "vector_store_id": vector_store_id,
        "status": "completed",
        "last_error": null,
        "chunking_strategy": {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}
    }))
    .expect("a literal vector store file is well formed");
    store.transaction(|tx| {
        // The path is never read here: the chunks are given, not extracted from it.
        tx.insert_file(&upload, Path::new(name))?;
        tx.insert_vector_store_file(&file, None)
    })?;
    Ok(())
}

/// Attaches `document` as file `file_id` (see [`attach_file`]) and stores its chunks, so that it
/// is keyword-searchable; returns how many chunks it has.
pub fn add_chunks(
    store: &Store,
    vector_store_id: &str,
    file_id: &str,
    document: &SetDocument,
) -> Result<usize> {
    attach_file(
        store,
        vector_store_id,
        file_id,
        &document.name,
        document.file_bytes,
    )?;
    let chunks: Vec<NewChunk<'_>> = document
        .chunks
        .iter()
        .map(|chunk| NewChunk {
            index: chunk.index,
            text: &chunk.text,
            start: chunk.start as u64,
            end: chunk.end as u64,
            page: chunk.page,
            heading: chunk.heading.as_deref(),
            tokens: chunk.tokens,
        })
        .collect();
    store.transaction(|tx| tx.replace_file_chunks(vector_store_id, file_id, &chunks))?;
    Ok(chunks.len())
}

/// Embeds every chunk of file `file_id` that has no vector from the embedder's model yet; returns
/// how many it embedded.
pub fn embed_missing(
    store: &Store,
    embedder: &Embedder,
    vector_store_id: &str,
    file_id: &str,
) -> Result<usize> {
    let missing = store
        .read(|tx| tx.chunks_missing_vectors(vector_store_id, file_id, hearth_embed::MODEL))?;
    for batch in missing.chunks(EMBED_BATCH) {
        let texts: Vec<&str> = batch.iter().map(|(_, text)| text.as_str()).collect();
        let vectors = embed(embedder, &texts)?;
        let rows: Vec<(i64, &[f32])> = batch
            .iter()
            .zip(&vectors)
            .map(|((id, _), v)| (*id, v.as_slice()))
            .collect();
        store.transaction(|tx| tx.set_chunk_vectors(hearth_embed::MODEL, &rows))?;
    }
    Ok(missing.len())
}

/// Embeds `texts`, one vector each.
pub fn embed(embedder: &Embedder, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
    embedder
        .embed(texts)
        .map_err(|e| EvalError::Embed(e.to_string()))
}

/// File id given to the `n`-th document of a set.
pub fn file_id(n: usize) -> String {
    format!("file-doc{n}")
}
