//! The path of one upload from bytes to a searchable index, timed stage by stage, for the
//! benchmark.

use std::time::{Duration, Instant};

use hearth_documents::ChunkingOptions;
use hearth_embed::Embedder;
use hearth_store::Store;

use crate::corpus::{Reading, add_chunks, embed_missing};
use crate::dataset::SetDocument;
use crate::error::{EvalError, Result};

/// What one upload cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct IngestTiming {
    /// Bytes of the uploaded file.
    pub file_bytes: usize,
    /// Bytes of its parsed text.
    pub text_bytes: usize,
    /// Chunks made.
    pub chunks: usize,
    /// Parsing.
    pub parse: Duration,
    /// Chunking (tokenizing included).
    pub chunk: Duration,
    /// Writing the chunks and their full-text index.
    pub store: Duration,
    /// Embedding the chunks and writing the vectors (zero without an embedder).
    pub embed: Duration,
}

impl IngestTiming {
    /// From the first byte to searchable (with vectors when an embedder was given).
    pub fn total(&self) -> Duration {
        self.parse + self.chunk + self.store + self.embed
    }

    /// Adds another upload's figures to these.
    pub fn add(&mut self, other: &IngestTiming) {
        self.file_bytes += other.file_bytes;
        self.text_bytes += other.text_bytes;
        self.chunks += other.chunks;
        self.parse += other.parse;
        self.chunk += other.chunk;
        self.store += other.store;
        self.embed += other.embed;
    }
}

/// Parses `bytes` as file `name`, chunks it (`auto`), stores the chunks as file `file_id` of the
/// vector store, and embeds them when `embedder` is given (as passages of the text, as file search
/// does).
pub fn ingest(
    store: &Store,
    vector_store_id: &str,
    file_id: &str,
    name: &str,
    bytes: &[u8],
    embedder: Option<&Embedder>,
) -> Result<IngestTiming> {
    let started = Instant::now();
    let document = hearth_documents::parse(name, bytes).map_err(|e| EvalError::Parse {
        document: name.to_owned(),
        message: e.to_string(),
    })?;
    let parse = started.elapsed();

    let started = Instant::now();
    let chunks = hearth_documents::chunk(&document, ChunkingOptions::AUTO);
    let chunk = started.elapsed();
    let text_bytes = document.text.len();
    let file_bytes = bytes.len();
    let set_document = SetDocument {
        name: name.to_owned(),
        file_bytes,
        document,
        chunks,
    };

    let started = Instant::now();
    let chunks = add_chunks(store, vector_store_id, file_id, &set_document)?;
    let stored = started.elapsed();

    let started = Instant::now();
    if let Some(embedder) = embedder {
        embed_missing(
            store,
            embedder,
            vector_store_id,
            file_id,
            &set_document,
            Reading::Passages,
        )?;
    }
    let embed = started.elapsed();
    Ok(IngestTiming {
        file_bytes,
        text_bytes,
        chunks,
        parse,
        chunk,
        store: stored,
        embed,
    })
}

/// The process's peak resident memory in bytes (`VmHWM`), where the system reports it.
pub fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
