//! Plain text in its many guises (text, JSON, CSV, source code) and Markdown.

use crate::{Document, ParseError, Section};

/// How much of the file is sampled to tell text from binary.
const SNIFF_BYTES: usize = 64 * 1024;

/// Text files hold almost no control characters; binary files are full of them. Up to 1 in 50
/// sampled bytes may be one (form feeds and escape sequences turn up in real logs).
const MAX_CONTROL_SHARE: f64 = 0.02;

/// Signatures of common binary files that users upload by mistake, and how to name them.
const BINARY_SIGNATURES: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office file (.doc, .xls or .ppt); save it as .docx, .xlsx or .pptx"),
    (b"ID3", "an audio file"),
    (b"OggS", "an audio file"),
    (b"\x00\x00\x00\x18ftyp", "a video file"),
    (b"\x00\x00\x00\x20ftyp", "a video file"),
    (b"SQLite format 3\x00", "a SQLite database"),
];

/// Decodes a text file: UTF-8 (with or without a byte order mark), UTF-16 with a byte order mark,
/// or legacy 8-bit text (read as Windows-1252). Binary files fail as `unsupported_file`.
pub(crate) fn decode(filename: &str, bytes: &[u8]) -> Result<String, ParseError> {
    if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        return decode(filename, rest);
    }
    if let Some(text) = decode_utf16(bytes) {
        return Ok(text);
    }
    if let Some((_, kind)) = BINARY_SIGNATURES.iter().find(|(sig, _)| bytes.starts_with(sig)) {
        return Err(ParseError::unsupported(filename, format_args!("is {kind}, not a document Hearth can read")));
    }
    if !mostly_text(bytes) {
        return Err(ParseError::unsupported(filename, "is not text or a document format Hearth can read"));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(_) if has_utf8_sequences(bytes) => Ok(String::from_utf8_lossy(bytes).into_owned()),
        // No UTF-8 at all: text written by an older editor, most likely in Windows-1252 (a superset
        // of Latin-1), which maps every byte to a character.
        Err(_) => Ok(encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned()),
    }
}

fn decode_utf16(bytes: &[u8]) -> Option<String> {
    let little_endian = match bytes {
        [0xff, 0xfe, ..] => true,
        [0xfe, 0xff, ..] => false,
        _ => return None,
    };
    let units = bytes[2..].chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if little_endian { u16::from_le_bytes(pair) } else { u16::from_be_bytes(pair) }
    });
    Some(char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect())
}

fn mostly_text(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    let controls = sample.iter().filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f).count();
    (controls as f64) <= sample.len() as f64 * MAX_CONTROL_SHARE
}

/// Whether the bytes hold at least one well-formed multi-byte UTF-8 character: then the invalid
/// bytes are damage in a UTF-8 file rather than a legacy encoding.
fn has_utf8_sequences(bytes: &[u8]) -> bool {
    bytes.utf8_chunks().any(|chunk| chunk.valid().chars().any(|c| !c.is_ascii()))
}

/// Text without structure: JSON, CSV, source code, logs. Kept exactly as written.
pub(crate) fn parse_plain(text: String) -> Document {
    Document { text, sections: Vec::new() }
}

/// Markdown is kept as written (a quote shows the source); `#` headings and underlined (setext)
/// headings outside code blocks start sections.
pub(crate) fn parse_markdown(text: &str) -> Document {
    let mut sections = Vec::new();
    let mut in_code = false;
    let mut previous: Option<(usize, &str)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end();
        let trimmed = content.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_code = !in_code;
            previous = None;
            continue;
        }
        if in_code {
            continue;
        }
        if let Some(heading) = atx_heading(content) {
            sections.push(Section { start, page: None, heading: Some(heading) });
            previous = None;
            continue;
        }
        if let Some((previous_start, previous_line)) = previous
            && is_setext_underline(trimmed)
        {
            sections.push(Section { start: previous_start, page: None, heading: Some(previous_line.trim().to_owned()) });
            previous = None;
            continue;
        }
        previous = (!trimmed.is_empty()).then_some((start, content));
    }
    Document { text: text.to_owned(), sections }
}

/// `# Title`, up to six `#`, at most three spaces of indentation; closing `#`s are dropped.
fn atx_heading(line: &str) -> Option<String> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let level = rest.len() - rest.trim_start_matches('#').len();
    if !(1..=6).contains(&level) {
        return None;
    }
    let after = &rest[level..];
    if !after.is_empty() && !after.starts_with([' ', '\t']) {
        return None;
    }
    let title = after.trim().trim_end_matches('#').trim();
    (!title.is_empty()).then(|| title.to_owned())
}

fn is_setext_underline(trimmed: &str) -> bool {
    !trimmed.is_empty() && (trimmed.bytes().all(|b| b == b'=') || (trimmed.len() >= 2 && trimmed.bytes().all(|b| b == b'-')))
}
