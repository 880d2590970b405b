//! PDF: the text of each page in order, with its page number, through pdf-extract (on lopdf).
//!
//! pdf-extract places glyphs by their positions, so words drawn apart without a space character
//! still come out apart, and it follows the content stream's order, which is the reading order
//! of the writers people use (columns are drawn one after the other).

use lopdf::Document as PdfFile;
use pdf_extract::{OutputError, PlainTextOutput, output_doc_page};

use crate::document::DocumentBuilder;
use crate::{Document, MAX_TEXT_BYTES, ParseError};

/// Parses every page; a page that fails to extract is skipped unless all of them do.
pub(crate) fn parse(filename: &str, bytes: &[u8]) -> Result<Document, ParseError> {
    let mut pdf = PdfFile::load_mem(bytes).map_err(|e| load_error(filename, &e))?;
    if pdf.is_encrypted() && pdf.decrypt("").is_err() {
        return Err(ParseError::unsupported(
            filename,
            "is protected by a password; save a copy without the password and upload that",
        ));
    }
    let pages: Vec<u32> = pdf.get_pages().keys().copied().collect();
    if pages.is_empty() {
        return Err(ParseError::invalid(filename, "is a damaged PDF (it has no pages)"));
    }
    let mut builder = DocumentBuilder::default();
    let mut failures = Vec::new();
    for &number in &pages {
        match page_text(&pdf, number) {
            Ok(text) => {
                builder.start_page(number);
                builder.push_block(&tidy(&text));
            }
            Err(error) => failures.push(error),
        }
        if builder.len() > MAX_TEXT_BYTES {
            break;
        }
    }
    if failures.len() == pages.len() {
        return Err(ParseError::invalid(
            filename,
            format_args!("is a damaged PDF (no page could be read: {})", failures[0]),
        ));
    }
    let document = builder.finish();
    if document.text.trim().is_empty() {
        return Err(ParseError::unsupported(filename, "has no text to search; it may be scanned images"));
    }
    Ok(document)
}

fn page_text(pdf: &PdfFile, number: u32) -> Result<String, OutputError> {
    let mut text = String::new();
    let mut output = PlainTextOutput::new(&mut text);
    output_doc_page(pdf, &mut output, number)?;
    Ok(text)
}

fn load_error(filename: &str, error: &lopdf::Error) -> ParseError {
    match error {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword | lopdf::Error::UnsupportedSecurityHandler(_) => ParseError::unsupported(
            filename,
            "is protected by a password or an encryption Hearth cannot open; save a copy without it and upload that",
        ),
        _ => ParseError::invalid(filename, format_args!("is a damaged or incomplete PDF ({error})")),
    }
}

/// Trims the blank lines and trailing spaces the extractor leaves between text runs.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}
