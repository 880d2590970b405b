//! Turns uploaded files into searchable text, and that text into overlapping chunks.
//!
//! [`parse`] reads plain text, Markdown, HTML, JSON, CSV, source code, PDF, DOCX, PPTX and XLSX into a
//! [`Document`] that remembers where pages and headings begin; [`chunk`] cuts a document into windows
//! of tokens (o200k_base) that keep their offsets, page and heading so a citation can quote and
//! locate them. Bad files fail with a [`ParseError`] naming the file; nothing here panics on input.

mod chunking;
mod document;
mod docx;
mod error;
mod html;
mod limits;
mod pdf;
mod pptx;
mod text;
mod xlsx;
mod xml;
mod zip_archive;

use std::panic::{AssertUnwindSafe, catch_unwind};

pub use chunking::{Chunk, ChunkingOptions, chunk, count_tokens};
pub use document::{Document, Section};
pub use error::{ParseError, ParseErrorKind};
pub use limits::{MAX_ARCHIVE_ENTRIES, MAX_TEXT_BYTES, MAX_UNZIPPED_BYTES};

/// The formats [`parse`] tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Pdf,
    Docx,
    Pptx,
    Xlsx,
    Html,
    Markdown,
    /// Any other text: JSON, CSV, source code, logs.
    Text,
}

/// Parses a file's bytes into a [`Document`]; `filename` picks the format (by extension, with the
/// content sniffed where the extension is missing or misleading) and names the file in errors.
pub fn parse(filename: &str, bytes: &[u8]) -> Result<Document, ParseError> {
    if bytes.is_empty() {
        return Err(ParseError::invalid(filename, "is empty"));
    }
    let format = detect_format(filename, bytes);
    // The readers of binary formats (PDF above all) can panic on hostile input; that fails the
    // file, never the caller.
    let document = catch_unwind(AssertUnwindSafe(|| parse_format(format, filename, bytes))).map_err(|_| {
        ParseError::invalid(filename, "could not be read: it is damaged in a way the reader does not handle")
    })??;
    if document.text.len() > MAX_TEXT_BYTES {
        return Err(ParseError::invalid(
            filename,
            format_args!("holds more than {} MB of text, more than Hearth indexes from one file", MAX_TEXT_BYTES >> 20),
        ));
    }
    if document.text.trim().is_empty() {
        return Err(ParseError::unsupported(filename, "has no text to search"));
    }
    Ok(document)
}

fn parse_format(format: Format, filename: &str, bytes: &[u8]) -> Result<Document, ParseError> {
    Ok(match format {
        Format::Pdf => pdf::parse(filename, bytes)?,
        Format::Docx => docx::parse(filename, bytes)?,
        Format::Pptx => pptx::parse(filename, bytes)?,
        Format::Xlsx => xlsx::parse(filename, bytes)?,
        Format::Html => html::parse(filename, &text::decode(filename, bytes)?),
        Format::Markdown => text::parse_markdown(&text::decode(filename, bytes)?),
        Format::Text => text::parse_plain(text::decode(filename, bytes)?),
    })
}

fn detect_format(filename: &str, bytes: &[u8]) -> Format {
    // The content wins over the name for the formats with a signature: a PDF saved as .txt is a PDF.
    if bytes.starts_with(b"%PDF-") {
        return Format::Pdf;
    }
    let extension = filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "pdf" => Format::Pdf,
        "docx" | "docm" | "dotx" => Format::Docx,
        "pptx" | "pptm" => Format::Pptx,
        "xlsx" | "xlsm" => Format::Xlsx,
        "html" | "htm" | "xhtml" => Format::Html,
        "md" | "markdown" | "mdown" | "mkd" => Format::Markdown,
        _ if bytes.starts_with(b"PK\x03\x04") => sniff_office(bytes),
        _ if looks_like_html(bytes) => Format::Html,
        _ => Format::Text,
    }
}

/// An office file without a telling extension: the names of its parts say which it is.
fn sniff_office(bytes: &[u8]) -> Format {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let has = |name: &[u8]| head.windows(name.len()).any(|w| w == name);
    if has(b"word/") {
        Format::Docx
    } else if has(b"ppt/") {
        Format::Pptx
    } else if has(b"xl/") {
        Format::Xlsx
    } else {
        // Another zip archive: the text decoder reports it as a binary file.
        Format::Text
    }
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).trim_start().to_ascii_lowercase();
    head.starts_with("<!doctype html") || head.starts_with("<html")
}
