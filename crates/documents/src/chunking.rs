//! Cutting a document into overlapping windows of tokens, as the hosted file_search tool did.
//!
//! The text is tokenized once (o200k_base); each chunk is a run of at most `max_tokens` tokens,
//! and each chunk after the first starts exactly `overlap_tokens` tokens before the previous one
//! ended. A chunk ends a few tokens early when that puts its end on a line break or a space.

use std::sync::OnceLock;

use tiktoken_rs::CoreBPE;

use crate::Document;

/// How large chunks are and how much neighbours share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkingOptions {
    /// The most tokens in one chunk (`max_chunk_size_tokens`).
    pub max_tokens: u32,
    /// How many tokens a chunk repeats from the end of the one before (`chunk_overlap_tokens`).
    pub overlap_tokens: u32,
}

impl ChunkingOptions {
    /// The `auto` strategy: 800 tokens with 400 overlap.
    pub const AUTO: Self = Self { max_tokens: 800, overlap_tokens: 400 };

    /// The smallest and largest `max_chunk_size_tokens` the `static` strategy accepts.
    pub const MAX_TOKENS_RANGE: std::ops::RangeInclusive<u32> = 100..=4096;

    /// A `static` strategy: `max_tokens` in 100..=4096 and `overlap_tokens` at most half of it.
    /// The error names the API fields, as a request that set them would.
    pub fn new(max_tokens: u32, overlap_tokens: u32) -> Result<Self, String> {
        if !Self::MAX_TOKENS_RANGE.contains(&max_tokens) {
            return Err(format!("max_chunk_size_tokens must be between 100 and 4096; it is {max_tokens}."));
        }
        if overlap_tokens > max_tokens / 2 {
            return Err(format!(
                "chunk_overlap_tokens must not exceed half of max_chunk_size_tokens ({}); it is {overlap_tokens}.",
                max_tokens / 2
            ));
        }
        Ok(Self { max_tokens, overlap_tokens })
    }
}

/// One window of a document's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Its position among the document's chunks, from 0.
    pub index: u32,
    /// The text, exactly `document.text[start..end]`.
    pub text: String,
    /// Byte offset of the first character in the document's text (a char boundary).
    pub start: usize,
    /// Byte offset just past the last character (a char boundary).
    pub end: usize,
    /// The page the chunk starts on, for paged formats.
    pub page: Option<u32>,
    /// The heading the chunk starts under, for formats with headings.
    pub heading: Option<String>,
    /// How many tokens of the document the chunk spans.
    pub tokens: u32,
}

/// How far back (in tokens, and at most a quarter of a chunk) an end may move to land on a line
/// break or a space instead of inside a word.
const BOUNDARY_LOOKBACK: usize = 12;

/// Counts the o200k_base tokens of `text`.
pub fn count_tokens(text: &str) -> usize {
    tokenizer().encode_ordinary(text).len()
}

/// Cuts a document into chunks of at most `options.max_tokens` tokens.
pub fn chunk(document: &Document, options: ChunkingOptions) -> Vec<Chunk> {
    let text = document.text.as_str();
    let offsets = token_offsets(text);
    let count = offsets.len() - 1;
    let max = (options.max_tokens as usize).max(1);
    let overlap = (options.overlap_tokens as usize).min(max / 2);
    let lookback = BOUNDARY_LOOKBACK.min(max / 4);
    let mut chunks = Vec::new();
    let mut start = 0;
    while start < count {
        let end = if start + max >= count { count } else { choose_end(text, &offsets, start, start + max, lookback) };
        let (from, to) = (offsets[start], offsets[end]);
        let section = document.section_at(from);
        chunks.push(Chunk {
            index: chunks.len() as u32,
            text: text[from..to].to_owned(),
            start: from,
            end: to,
            page: section.and_then(|s| s.page),
            heading: section.and_then(|s| s.heading.clone()),
            tokens: (end - start) as u32,
        });
        if end == count {
            break;
        }
        // Step back by the overlap; further only when a character is split between tokens.
        let mut next = end - overlap;
        while next > start + 1 && !text.is_char_boundary(offsets[next]) {
            next -= 1;
        }
        start = next.max(start + 1);
    }
    chunks
}

/// The best token index to end a chunk at, at most `ideal`: a line break, else a space, within
/// `lookback` tokens; else `ideal` itself. Always a char boundary.
fn choose_end(text: &str, offsets: &[usize], start: usize, ideal: usize, lookback: usize) -> usize {
    let bytes = text.as_bytes();
    let score = |index: usize| {
        let at = offsets[index];
        let (before, after) = (bytes[at.saturating_sub(1)], bytes.get(at).copied().unwrap_or(b'\n'));
        if before == b'\n' || after == b'\n' {
            2
        } else if before.is_ascii_whitespace() || after.is_ascii_whitespace() {
            1
        } else {
            0
        }
    };
    let lowest = ideal.saturating_sub(lookback).max(start + 1);
    let mut best: Option<(usize, u8)> = None;
    for index in (lowest..=ideal).rev() {
        if !text.is_char_boundary(offsets[index]) {
            continue;
        }
        let s = score(index);
        if best.is_none_or(|(_, b)| s > b) {
            best = Some((index, s));
        }
    }
    match best {
        Some((index, _)) => index,
        // No char boundary near the end (a long run of multi-token characters): step back further.
        None => (start + 1..lowest).rev().find(|&i| text.is_char_boundary(offsets[i])).unwrap_or(ideal),
    }
}

/// Byte offsets of the token boundaries: `offsets[i]` is where token `i` starts, the last entry is
/// `text.len()`. A token can end inside a multi-byte character.
fn token_offsets(text: &str) -> Vec<usize> {
    let lengths = token_lengths();
    let tokens = tokenizer().encode_ordinary(text);
    let mut offsets = Vec::with_capacity(tokens.len() + 1);
    let mut at = 0;
    offsets.push(0);
    for token in tokens {
        at += lengths.get(token as usize).copied().unwrap_or(0) as usize;
        offsets.push(at);
    }
    debug_assert_eq!(at, text.len(), "the tokens' bytes should add up to the text");
    offsets
}

fn tokenizer() -> &'static CoreBPE {
    tiktoken_rs::o200k_base_singleton()
}

/// The byte length of every token, looked up once so offsets cost nothing per token.
fn token_lengths() -> &'static [u16] {
    static LENGTHS: OnceLock<Vec<u16>> = OnceLock::new();
    LENGTHS.get_or_init(|| {
        let bpe = tokenizer();
        // o200k_base's ranks stop below 200,019 (its special tokens included); a few spare.
        (0..201_088u32).map(|rank| bpe.decode_bytes(&[rank]).map_or(0, |b| b.len() as u16)).collect()
    })
}
