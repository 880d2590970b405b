//! The seam between the engine and what turns a file into searchable chunks: parsing, chunking,
//! the chunk index and its search. Everything indexing needs from the document parser and the
//! store's chunk index goes through these few functions.
//!
//! For now files are read as UTF-8 text and split into word windows, and chunks are not kept, so
//! search finds nothing; the parser crate and the store's chunk index take these bodies over.

use hearth_store::{Store, Tx};
use hearth_wire::{SearchFilter, StaticChunking, VectorStoreFileError, VectorStoreFileErrorCode};

use crate::error::EngineResult;

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

/// A chunk found by a search.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ChunkHit {
    pub chunk_id: i64,
    pub vector_store_id: String,
    pub file_id: String,
    pub text: String,
    pub page: Option<u32>,
    pub heading: Option<String>,
    pub score: f64,
}

/// What a search asks the index.
#[allow(
    dead_code,
    reason = "the fields are read by the chunk index, which plugs in here"
)]
pub(crate) struct ChunkQuery<'a> {
    pub vector_store_ids: &'a [String],
    pub query: &'a str,
    pub query_vector: Option<(&'a str, &'a [f32])>,
    pub filter: Option<&'a SearchFilter>,
    pub limit: u32,
    pub score_threshold: f64,
}

fn failure(code: VectorStoreFileErrorCode, message: String) -> VectorStoreFileError {
    VectorStoreFileError { code, message }
}

/// The file's text, or why it cannot be read.
fn text_of(filename: &str, bytes: &[u8]) -> Result<String, VectorStoreFileError> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        failure(
            VectorStoreFileErrorCode::UnsupportedFile,
            format!("{filename}: this file type is not supported (it is not text)."),
        )
    })?;
    if text.trim().is_empty() {
        return Err(failure(
            VectorStoreFileErrorCode::InvalidFile,
            format!("{filename}: the file has no text to index."),
        ));
    }
    Ok(text.to_owned())
}

/// Parses and chunks a file. Runs on a blocking thread.
pub(crate) fn prepare(
    filename: &str,
    bytes: &[u8],
    sizes: StaticChunking,
) -> Result<Vec<PreparedChunk>, VectorStoreFileError> {
    let text = text_of(filename, bytes)?;
    let words: Vec<(usize, &str)> = text
        .split_whitespace()
        .map(|word| (word.as_ptr() as usize - text.as_ptr() as usize, word))
        .collect();
    let size = sizes.max_chunk_size_tokens.max(1) as usize;
    let step = size
        .saturating_sub(sizes.chunk_overlap_tokens as usize)
        .max(1);
    let mut chunks = Vec::new();
    let mut first = 0;
    while first < words.len() {
        let last = (first + size).min(words.len());
        let start = words[first].0;
        let (end_offset, end_word) = words[last - 1];
        let end = end_offset + end_word.len();
        chunks.push(PreparedChunk {
            index: chunks.len() as u32,
            text: text[start..end].to_owned(),
            start: text[..start].chars().count() as u64,
            end: text[..end].chars().count() as u64,
            page: None,
            heading: None,
            tokens: (last - first) as u32,
        });
        if last == words.len() {
            break;
        }
        first += step;
    }
    Ok(chunks)
}

/// The parsed text of a file, one part per page or section.
pub(crate) fn parsed_text(
    filename: &str,
    bytes: &[u8],
) -> Result<Vec<String>, VectorStoreFileError> {
    Ok(vec![text_of(filename, bytes)?])
}

/// Replaces a file's chunks in a vector store; from then on they are found by keyword.
pub(crate) fn write_chunks(
    _tx: &Tx<'_>,
    _vector_store_id: &str,
    _file_id: &str,
    _chunks: &[PreparedChunk],
) -> EngineResult<()> {
    Ok(())
}

/// Chunks of a file that have no vector of `model` yet: `(chunk id, text)`.
pub(crate) fn chunks_missing_vectors(
    _tx: &Tx<'_>,
    _vector_store_id: &str,
    _file_id: &str,
    _model: &str,
) -> EngineResult<Vec<(i64, String)>> {
    Ok(Vec::new())
}

/// Stores vectors of `model` for chunks.
pub(crate) fn set_vectors(
    _tx: &Tx<'_>,
    _model: &str,
    _vectors: &[(i64, Vec<f32>)],
) -> EngineResult<()> {
    Ok(())
}

/// Removes a file's chunks from a vector store.
pub(crate) fn delete_file_chunks(
    _tx: &Tx<'_>,
    _vector_store_id: &str,
    _file_id: &str,
) -> EngineResult<()> {
    Ok(())
}

/// Removes every chunk of a vector store.
pub(crate) fn delete_store_chunks(_tx: &Tx<'_>, _vector_store_id: &str) -> EngineResult<()> {
    Ok(())
}

/// Bytes a vector store's chunks take.
pub(crate) fn stored_bytes(_tx: &Tx<'_>, _vector_store_id: &str) -> EngineResult<u64> {
    Ok(0)
}

/// The best chunks for a query, best first, scores in [0, 1].
pub(crate) fn search(_store: &Store, _query: &ChunkQuery<'_>) -> EngineResult<Vec<ChunkHit>> {
    Ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_overlap_and_keep_offsets() {
        let text = "one two three four five six seven";
        let sizes = StaticChunking {
            max_chunk_size_tokens: 4,
            chunk_overlap_tokens: 2,
        };
        let chunks = prepare("a.txt", text.as_bytes(), sizes).unwrap();
        assert_eq!(chunks[0].text, "one two three four");
        assert_eq!(chunks[1].text, "three four five six");
        assert_eq!(
            &text[chunks[1].start as usize..chunks[1].end as usize],
            chunks[1].text
        );
        assert_eq!(chunks.last().unwrap().text, "five six seven");
    }

    #[test]
    fn binary_files_fail_with_their_name() {
        let error =
            prepare("photo.png", &[0x89, 0x50, 0xff, 0xfe], StaticChunking::AUTO).unwrap_err();
        assert_eq!(error.code, VectorStoreFileErrorCode::UnsupportedFile);
        assert!(error.message.contains("photo.png"));
    }
}
