//! What can go wrong while loading, indexing or measuring the labelled set.

use std::path::PathBuf;

/// An evaluation failure, naming the file, line or question at fault.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// A file of the set could not be read.
    #[error("could not read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A line of the questions file is not a question.
    #[error("{path} line {line}: {message}")]
    BadQuestion {
        /// The questions file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// A document could not be parsed.
    #[error("could not parse {document}: {message}")]
    Parse {
        /// The document's file name.
        document: String,
        /// The parser's reason.
        message: String,
    },
    /// An answer quote is not in its document's text exactly once.
    #[error("question {id}: its answer quote occurs {count} times in {document}, not once")]
    Quote {
        /// The question's id.
        id: String,
        /// The document it names.
        document: String,
        /// How often the quote was found.
        count: usize,
    },
    /// The store refused an operation.
    #[error(transparent)]
    Store(#[from] hearth_store::StoreError),
    /// The embedder failed.
    #[error("embedding failed: {0}")]
    Embed(String),
}

/// Result of this crate's operations.
pub type Result<T> = std::result::Result<T, EvalError>;
