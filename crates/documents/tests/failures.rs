//! Files that cannot be read fail with the right kind and a message naming the file; none panics.

mod common;

use common::bytes;
use hearth_documents::{MAX_TEXT_BYTES, ParseErrorKind, parse};

fn failure(name: &str, content: &[u8]) -> hearth_documents::ParseError {
    let error = parse(name, content).expect_err(&format!("{name} should not parse"));
    assert!(error.message.contains(&format!("'{name}'")), "the message should name the file: {}", error.message);
    error
}

#[test]
fn encrypted_pdf_is_unsupported_and_says_password() {
    let error = failure("encrypted.pdf", &bytes("encrypted.pdf"));
    assert_eq!(error.kind, ParseErrorKind::UnsupportedFile);
    assert_eq!(error.kind.code(), "unsupported_file");
    assert!(error.message.contains("password"), "{}", error.message);
}

#[test]
fn scanned_pdf_has_no_text_to_search() {
    let error = failure("scanned.pdf", &bytes("scanned.pdf"));
    assert_eq!(error.kind, ParseErrorKind::UnsupportedFile);
    assert!(error.message.contains("has no text to search; it may be scanned images"), "{}", error.message);
}

#[test]
fn truncated_pdf_is_invalid() {
    let error = failure("truncated.pdf", &bytes("truncated.pdf"));
    assert_eq!(error.kind, ParseErrorKind::InvalidFile);
    assert_eq!(error.kind.code(), "invalid_file");
    assert!(error.message.contains("PDF"), "{}", error.message);
}

#[test]
fn garbage_after_a_pdf_header_is_invalid() {
    let mut junk = b"%PDF-1.7\n".to_vec();
    junk.extend((0..4000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    assert_eq!(failure("junk.pdf", &junk).kind, ParseErrorKind::InvalidFile);
}

#[test]
fn empty_file_is_invalid() {
    let error = failure("empty.txt", &bytes("empty.txt"));
    assert_eq!(error.kind, ParseErrorKind::InvalidFile);
    assert!(error.message.contains("is empty"), "{}", error.message);
}

#[test]
fn whitespace_only_file_has_no_text() {
    assert_eq!(failure("blank.txt", b" \n\n\t ").kind, ParseErrorKind::UnsupportedFile);
}

#[test]
fn zip_bomb_disguised_as_docx_is_refused_by_its_declared_size() {
    let error = failure("bomb.docx", &bytes("bomb.docx"));
    assert_eq!(error.kind, ParseErrorKind::InvalidFile);
    assert!(error.message.contains("zip bomb"), "{}", error.message);
}

#[test]
fn zip_bomb_that_lies_about_its_size_is_stopped_while_reading() {
    let mut bomb = bytes("bomb.docx");
    // Rewrite the document part's declared size to 1,000 bytes in its local and central headers,
    // so only counting the inflated bytes can catch it.
    let name = b"word/document.xml";
    let mut patched = 0;
    for at in 0..bomb.len() - name.len() {
        if &bomb[at..at + name.len()] != name {
            continue;
        }
        let size_field = if bomb[at - 30..at - 26] == *b"PK\x03\x04" {
            at - 30 + 22
        } else if bomb[at - 46..at - 42] == *b"PK\x01\x02" {
            at - 46 + 24
        } else {
            continue;
        };
        bomb[size_field..size_field + 4].copy_from_slice(&1000u32.to_le_bytes());
        patched += 1;
    }
    assert_eq!(patched, 2, "both headers of the part should have been rewritten");
    let error = failure("bomb.docx", &bomb);
    assert_eq!(error.kind, ParseErrorKind::InvalidFile);
    assert!(error.message.contains("zip bomb") || error.message.contains("damaged"), "{}", error.message);
}

#[test]
fn truncated_docx_is_invalid() {
    let docx = bytes("report.docx");
    let error = failure("report.docx", &docx[..docx.len() / 2]);
    assert_eq!(error.kind, ParseErrorKind::InvalidFile);
    assert!(error.message.contains("Word document"), "{}", error.message);
}

#[test]
fn binary_files_are_unsupported() {
    let png = failure("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
    assert_eq!(png.kind, ParseErrorKind::UnsupportedFile);
    assert!(png.message.contains("PNG image"), "{}", png.message);
    let noise: Vec<u8> = (0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    assert_eq!(failure("data.bin", &noise).kind, ParseErrorKind::UnsupportedFile);
}

#[test]
fn oversize_text_is_invalid() {
    let huge = "word ".repeat(MAX_TEXT_BYTES / 5 + 1);
    let error = failure("huge.txt", huge.as_bytes());
    assert_eq!(error.kind, ParseErrorKind::InvalidFile);
    assert!(error.message.contains("MB of text"), "{}", error.message);
}
