//! The seam between the engine and what turns a file into searchable chunks: parsing and chunking
//! (hearth-documents), and the store's chunk index and its search. Everything indexing needs from
//! them goes through these few functions.

use hearth_documents::{ChunkingOptions, Document, ParseErrorKind};
use hearth_store::{ChunkSearch, NewChunk, Ranking, Store, Tx};
use hearth_wire::{SearchFilter, StaticChunking, VectorStoreFileError, VectorStoreFileErrorCode};

use crate::error::EngineResult;

/// A chunk found by a search.
pub(crate) use hearth_store::ChunkHit;

/// One chunk of a parsed file, ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PreparedChunk {
    pub index: u32,
    pub text: String,
    /// Character offsets of the chunk in the parsed text.
    pub start: u64,
    pub end: u64,
    pub page: Option<u32>,
    pub heading: Option<String>,
    pub tokens: u32,
}

/// What a search asks the index.
pub(crate) struct ChunkQuery<'a> {
    pub vector_store_ids: &'a [String],
    pub query: &'a str,
    pub query_vector: Option<(&'a str, &'a [f32])>,
    pub filter: Option<&'a SearchFilter>,
    pub limit: u32,
    pub score_threshold: f64,
}

/// The parsed document, or why the file cannot be read (its code and a message naming it).
fn parse(filename: &str, bytes: &[u8]) -> Result<Document, VectorStoreFileError> {
    hearth_documents::parse(filename, bytes).map_err(|error| VectorStoreFileError {
        code: match error.kind {
            ParseErrorKind::InvalidFile => VectorStoreFileErrorCode::InvalidFile,
            ParseErrorKind::UnsupportedFile => VectorStoreFileErrorCode::UnsupportedFile,
        },
        message: error.message,
    })
}

/// Parses and chunks a file. CPU-bound, and a crafted PDF can make it slow: run it on a blocking
/// thread.
pub(crate) fn prepare(
    filename: &str,
    bytes: &[u8],
    sizes: StaticChunking,
) -> Result<Vec<PreparedChunk>, VectorStoreFileError> {
    let document = parse(filename, bytes)?;
    // The sizes were checked when the strategy was accepted.
    let options = ChunkingOptions {
        max_tokens: sizes.max_chunk_size_tokens,
        overlap_tokens: sizes.chunk_overlap_tokens,
    };
    let chunks = hearth_documents::chunk(&document, options);
    let mut starts = CharOffsets::new(&document.text);
    let mut ends = CharOffsets::new(&document.text);
    Ok(chunks
        .into_iter()
        .map(|chunk| PreparedChunk {
            index: chunk.index,
            start: starts.at(chunk.start),
            end: ends.at(chunk.end),
            text: chunk.text,
            page: chunk.page,
            heading: chunk.heading,
            tokens: chunk.tokens,
        })
        .collect())
}

/// Turns byte offsets that never decrease into character offsets, counting each character once.
struct CharOffsets<'a> {
    text: &'a str,
    byte: usize,
    chars: u64,
}

impl<'a> CharOffsets<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            byte: 0,
            chars: 0,
        }
    }

    fn at(&mut self, byte: usize) -> u64 {
        if byte < self.byte {
            return self.text[..byte].chars().count() as u64;
        }
        self.chars += self.text[self.byte..byte].chars().count() as u64;
        self.byte = byte;
        self.chars
    }
}

/// The parsed text of a file, one part per page or section (the whole text for formats with
/// neither).
pub(crate) fn parsed_text(
    filename: &str,
    bytes: &[u8],
) -> Result<Vec<String>, VectorStoreFileError> {
    let document = parse(filename, bytes)?;
    let mut bounds: Vec<usize> = document.sections.iter().map(|s| s.start).collect();
    bounds.insert(0, 0);
    bounds.push(document.text.len());
    bounds.dedup();
    Ok(bounds
        .windows(2)
        .map(|pair| document.text[pair[0]..pair[1]].trim())
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect())
}

/// Replaces a file's chunks in a vector store; from then on they are found by keyword.
pub(crate) fn write_chunks(
    tx: &Tx<'_>,
    vector_store_id: &str,
    file_id: &str,
    chunks: &[PreparedChunk],
) -> EngineResult<()> {
    let rows: Vec<NewChunk<'_>> = chunks
        .iter()
        .map(|chunk| NewChunk {
            index: chunk.index,
            text: &chunk.text,
            start: chunk.start,
            end: chunk.end,
            page: chunk.page,
            heading: chunk.heading.as_deref(),
            tokens: chunk.tokens,
        })
        .collect();
    Ok(tx.replace_file_chunks(vector_store_id, file_id, &rows)?)
}

/// Chunks of a file that have no vector of `model` yet: `(chunk id, text)`.
pub(crate) fn chunks_missing_vectors(
    tx: &Tx<'_>,
    vector_store_id: &str,
    file_id: &str,
    model: &str,
) -> EngineResult<Vec<(i64, String)>> {
    Ok(tx.chunks_missing_vectors(vector_store_id, file_id, model)?)
}

/// Stores vectors of `model` for chunks.
pub(crate) fn set_vectors(
    tx: &Tx<'_>,
    model: &str,
    vectors: &[(i64, Vec<f32>)],
) -> EngineResult<()> {
    let rows: Vec<(i64, &[f32])> = vectors
        .iter()
        .map(|(id, vector)| (*id, vector.as_slice()))
        .collect();
    Ok(tx.set_chunk_vectors(model, &rows)?)
}

/// Removes a file's chunks from a vector store.
pub(crate) fn delete_file_chunks(
    tx: &Tx<'_>,
    vector_store_id: &str,
    file_id: &str,
) -> EngineResult<()> {
    Ok(tx.delete_file_chunks(vector_store_id, file_id)?)
}

/// Removes every chunk of a vector store.
pub(crate) fn delete_store_chunks(tx: &Tx<'_>, vector_store_id: &str) -> EngineResult<()> {
    Ok(tx.delete_vector_store_chunks(vector_store_id)?)
}

/// Bytes a vector store's chunks (text and vectors) take.
pub(crate) fn stored_bytes(tx: &Tx<'_>, vector_store_id: &str) -> EngineResult<u64> {
    Ok(tx.vector_store_chunk_bytes(vector_store_id)?)
}

/// The best chunks for a query, best first, scores in [0, 1]: keywords and vectors fused when
/// the query has a vector, keywords alone otherwise.
pub(crate) fn search(store: &Store, query: &ChunkQuery<'_>) -> EngineResult<Vec<ChunkHit>> {
    Ok(store.search_chunks(&ChunkSearch {
        vector_store_ids: query.vector_store_ids,
        query: query.query,
        query_vector: query.query_vector,
        filter: query.filter,
        limit: query.limit as usize,
        score_threshold: query.score_threshold,
        ranking: Ranking::Hybrid,
    })?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARKDOWN: &str =
        "# Café\n\nThe naïve façade of the harbour office.\n\n# Quay\n\nMoorings.";

    #[test]
    fn offsets_count_characters_and_chunks_keep_headings() {
        let sizes = StaticChunking {
            max_chunk_size_tokens: 100,
            chunk_overlap_tokens: 50,
        };
        let chunks = prepare("notes.md", MARKDOWN.as_bytes(), sizes).unwrap();
        let text: Vec<char> = MARKDOWN.chars().collect();
        let first = &chunks[0];
        let quoted: String = text[first.start as usize..first.end as usize]
            .iter()
            .collect();
        assert_eq!(
            quoted, first.text,
            "character offsets should locate the chunk"
        );
        assert_eq!(first.heading.as_deref(), Some("Café"));
    }

    #[test]
    fn content_has_one_part_per_section() {
        let parts = parsed_text("notes.md", MARKDOWN.as_bytes()).unwrap();
        assert_eq!(parts.len(), 2, "one part per heading: {parts:?}");
        assert!(parts[0].contains("façade") && !parts[0].contains("Quay"));
        assert!(parts[1].contains("Moorings"));
    }

    #[test]
    fn binary_files_fail_with_their_name() {
        let error = prepare(
            "photo.png",
            &[0x89, 0x50, 0xff, 0xfe, 0, 0, 0],
            StaticChunking::AUTO,
        )
        .unwrap_err();
        assert_eq!(error.code, VectorStoreFileErrorCode::UnsupportedFile);
        assert!(error.message.contains("photo.png"), "{}", error.message);
    }
}
