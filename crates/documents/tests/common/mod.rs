//! Reading the committed test files.
// Each test binary uses a different subset of these.
#![allow(dead_code)]

use std::path::PathBuf;

use hearth_documents::{Document, parse};

/// The bytes of a file under tests/files.
pub fn bytes(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/files").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("the test file {} should exist: {e}", path.display()))
}

/// Parses a file under tests/files, which should succeed.
pub fn parsed(name: &str) -> Document {
    parse(name, &bytes(name)).unwrap_or_else(|e| panic!("{name} should parse: {e}"))
}

/// The page a piece of text is on, by the sections that hold its offset.
pub fn page_of(document: &Document, needle: &str) -> Option<u32> {
    let at = document.text.find(needle).unwrap_or_else(|| panic!("{needle:?} should be in the text:\n{}", document.text));
    document.section_at(at).and_then(|s| s.page)
}

/// The heading a piece of text sits under.
pub fn heading_of(document: &Document, needle: &str) -> Option<String> {
    let at = document.text.find(needle).unwrap_or_else(|| panic!("{needle:?} should be in the text:\n{}", document.text));
    document.section_at(at).and_then(|s| s.heading.clone())
}
