//! Putting the set's documents into a store the way file search indexes an upload: chunks first
//! (searchable by keywords at once), then their vectors.

use std::path::Path;

use hearth_embed::{Embedder, Passage};
use hearth_store::{NewChunk, Store};
use hearth_wire::{FileObject, VectorStore, VectorStoreFile};
use serde_json::json;

use crate::dataset::SetDocument;
use crate::error::{EvalError, Result};

/// How many chunks are embedded per call, as file search's indexing does: enough to keep the
/// embedder's batches full and to share most overlaps between chunks.
const EMBED_BATCH: usize = 64;

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

/// How a document's chunks are given to the embedder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// As passages of the document, read once as its text (what file search does).
    Passages,
    /// Each chunk alone, overlapping text read again in every chunk holding it.
    Chunks,
}

/// Embeds every chunk of file `file_id` (stored from `document` by [`add_chunks`]) that has no
/// vector from the embedder's model yet; returns how many it embedded.
pub fn embed_missing(
    store: &Store,
    embedder: &Embedder,
    vector_store_id: &str,
    file_id: &str,
    document: &SetDocument,
    reading: Reading,
) -> Result<usize> {
    let missing = store
        .read(|tx| tx.chunks_missing_vectors(vector_store_id, file_id, hearth_embed::MODEL))?;
    let starts = char_starts(document);
    // Missing chunks come in chunk order: match each to the next chunk of the document with its text.
    let mut next = 0;
    for batch in missing.chunks(EMBED_BATCH) {
        let mut passages = Vec::with_capacity(batch.len());
        for (_, text) in batch {
            let found = document.chunks[next..]
                .iter()
                .position(|chunk| chunk.text == *text)
                .ok_or_else(|| {
                    EvalError::Embed(format!(
                        "a stored chunk of {} is not among its chunks",
                        document.name
                    ))
                })?;
            next += found;
            passages.push(Passage {
                text,
                start: starts[next],
            });
            next += 1;
        }
        let vectors = match reading {
            Reading::Passages => embedder
                .embed_passages(&passages)
                .map_err(|e| EvalError::Embed(e.to_string()))?,
            Reading::Chunks => {
                let texts: Vec<&str> = passages.iter().map(|p| p.text).collect();
                embed(embedder, &texts)?
            }
        };
        let rows: Vec<(i64, &[f32])> = batch
            .iter()
            .zip(&vectors)
            .map(|((id, _), v)| (*id, v.as_slice()))
            .collect();
        store.transaction(|tx| tx.set_chunk_vectors(hearth_embed::MODEL, &rows))?;
    }
    Ok(missing.len())
}

/// The character offset of each chunk's start in the document's text (chunks start in order).
fn char_starts(document: &SetDocument) -> Vec<u64> {
    let text = &document.document.text;
    let (mut byte, mut chars) = (0, 0u64);
    document
        .chunks
        .iter()
        .map(|chunk| {
            if chunk.start < byte {
                (byte, chars) = (0, 0);
            }
            chars += text[byte..chunk.start].chars().count() as u64;
            byte = chunk.start;
            chars
        })
        .collect()
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
