//! Why a file could not be read, in the two kinds the files API reports as `last_error.code`.

use std::fmt;

/// What kind of failure a [`ParseError`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// The file is damaged, truncated, empty or built to exhaust resources (a zip bomb).
    InvalidFile,
    /// The file is well formed but holds nothing Hearth can search: an unknown binary format, a
    /// password-protected or scanned PDF.
    UnsupportedFile,
}

impl ParseErrorKind {
    /// The error code the files API reports (`invalid_file` / `unsupported_file`).
    pub fn code(&self) -> &'static str {
        match self {
            ParseErrorKind::InvalidFile => "invalid_file",
            ParseErrorKind::UnsupportedFile => "unsupported_file",
        }
    }
}

/// A file that could not be parsed; `message` names the file and says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Which kind of failure this is.
    pub kind: ParseErrorKind,
    /// A sentence a user understands, naming the file.
    pub message: String,
}

impl ParseError {
    /// A damaged or hostile file: `reason` completes "The file '<name>' …".
    pub fn invalid(filename: &str, reason: impl fmt::Display) -> Self {
        Self { kind: ParseErrorKind::InvalidFile, message: format!("The file '{filename}' {reason}.") }
    }

    /// A file with nothing to search: `reason` completes "The file '<name>' …".
    pub fn unsupported(filename: &str, reason: impl fmt::Display) -> Self {
        Self { kind: ParseErrorKind::UnsupportedFile, message: format!("The file '{filename}' {reason}.") }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}
