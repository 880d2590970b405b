//! Chunks: token counts, exact overlap, offsets that quote the document, pages and headings.

mod common;

use common::parsed;
use hearth_documents::{Chunk, ChunkingOptions, Document, chunk, count_tokens, parse};

fn prose(paragraphs: usize) -> String {
    let words = ["harbour", "quay", "crane", "mooring", "tide", "survey", "café", "Øresund", "berth", "sediment"];
    (0..paragraphs)
        .map(|p| (0..60).map(|w| words[(p * 7 + w * 3) % words.len()]).collect::<Vec<_>>().join(" ") + ".")
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn check_offsets(document: &Document, chunks: &[Chunk]) {
    for c in chunks {
        assert_eq!(&document.text[c.start..c.end], c.text, "chunk {} quotes the document exactly", c.index);
    }
    assert_eq!(chunks.first().map(|c| c.start), Some(0), "the first chunk starts at the beginning");
    assert_eq!(chunks.last().map(|c| c.end), Some(document.text.len()), "the last chunk reaches the end");
}

#[test]
fn auto_chunks_hold_at_most_800_tokens_and_overlap_by_400() {
    let document = parse("prose.txt", prose(200).as_bytes()).unwrap();
    let chunks = chunk(&document, ChunkingOptions::AUTO);
    assert!(chunks.len() > 5, "a long text makes several chunks, got {}", chunks.len());
    check_offsets(&document, &chunks);
    for c in &chunks {
        assert!(c.tokens <= 800, "chunk {} has {} tokens", c.index, c.tokens);
        assert!(count_tokens(&c.text) <= 800, "chunk {} retokenizes to {} tokens", c.index, count_tokens(&c.text));
        assert!(c.tokens >= 700 || c.index as usize == chunks.len() - 1, "only the last chunk is short: {}", c.tokens);
    }
    for pair in chunks.windows(2) {
        let shared = &document.text[pair[1].start..pair[0].end];
        assert_eq!(count_tokens(shared), 400, "chunks {} and {} share exactly 400 tokens", pair[0].index, pair[1].index);
    }
    let indexes: Vec<u32> = chunks.iter().map(|c| c.index).collect();
    assert_eq!(indexes, (0..chunks.len() as u32).collect::<Vec<_>>());
}

#[test]
fn static_chunks_follow_their_sizes() {
    let document = parse("prose.txt", prose(50).as_bytes()).unwrap();
    let options = ChunkingOptions::new(100, 0).unwrap();
    let chunks = chunk(&document, options);
    check_offsets(&document, &chunks);
    for pair in chunks.windows(2) {
        assert_eq!(pair[0].end, pair[1].start, "without overlap, chunks follow each other");
    }
    assert!(chunks.iter().all(|c| c.tokens <= 100));
}

#[test]
fn chunk_ends_prefer_spaces_and_line_breaks() {
    let document = parse("prose.txt", prose(100).as_bytes()).unwrap();
    for c in chunk(&document, ChunkingOptions::new(300, 100).unwrap()) {
        let next = document.text[c.end..].chars().next();
        assert!(next.is_none_or(char::is_whitespace) || c.text.ends_with(char::is_whitespace), "chunk {} ends inside a word: {:?}", c.index, &c.text[c.text.len() - 20..]);
    }
}

#[test]
fn chunks_keep_their_page_and_heading() {
    let document = parsed("book.pdf");
    let chunks = chunk(&document, ChunkingOptions::new(200, 50).unwrap());
    check_offsets(&document, &chunks);
    let pages: Vec<u32> = chunks.iter().map(|c| c.page.expect("every PDF chunk has a page")).collect();
    assert!(pages.windows(2).all(|p| p[0] <= p[1]), "pages only go forward: {pages:?}");
    assert_eq!(pages.first(), Some(&1));
    assert!(*pages.last().unwrap() >= 39, "the last chunks are on the last pages: {pages:?}");
    for c in &chunks {
        let section = document.section_at(c.start).unwrap();
        assert_eq!(c.page, section.page);
    }
    let md = "# Install\n\n".to_owned() + &prose(20) + "\n\n# Usage\n\n" + &prose(20);
    let document = parse("guide.md", md.as_bytes()).unwrap();
    let chunks = chunk(&document, ChunkingOptions::new(100, 20).unwrap());
    assert_eq!(chunks[0].heading.as_deref(), Some("Install"));
    assert_eq!(chunks.last().unwrap().heading.as_deref(), Some("Usage"));
}

#[test]
fn multibyte_text_is_cut_on_char_boundaries() {
    let text = "数据在港口。🚢🚢🚢 Ærø ".repeat(2000);
    let document = parse("cjk.txt", text.as_bytes()).unwrap();
    let chunks = chunk(&document, ChunkingOptions::new(100, 50).unwrap());
    check_offsets(&document, &chunks);
    assert!(chunks.iter().all(|c| c.tokens <= 100));
}

#[test]
fn short_and_empty_documents() {
    let document = parse("short.txt", b"One line.").unwrap();
    let chunks = chunk(&document, ChunkingOptions::AUTO);
    assert_eq!(chunks.len(), 1);
    assert_eq!(chunks[0].text, "One line.");
    assert_eq!(chunks[0].tokens as usize, count_tokens("One line."));
    assert!(chunk(&Document::default(), ChunkingOptions::AUTO).is_empty());
}

#[test]
fn static_limits_are_checked() {
    assert_eq!(ChunkingOptions::AUTO, ChunkingOptions { max_tokens: 800, overlap_tokens: 400 });
    assert!(ChunkingOptions::new(100, 50).is_ok());
    assert!(ChunkingOptions::new(4096, 2048).is_ok());
    let too_small = ChunkingOptions::new(99, 0).unwrap_err();
    assert!(too_small.contains("max_chunk_size_tokens") && too_small.contains("99"), "{too_small}");
    assert!(ChunkingOptions::new(4097, 0).is_err());
    let overlap = ChunkingOptions::new(800, 401).unwrap_err();
    assert!(overlap.contains("chunk_overlap_tokens") && overlap.contains("401"), "{overlap}");
}

#[test]
fn token_counts_are_o200k() {
    // "Hello world" is two tokens in o200k_base (and in cl100k_base); "harbour" checks the vocabulary.
    assert_eq!(count_tokens("Hello world"), 2);
    assert_eq!(count_tokens(""), 0);
}
