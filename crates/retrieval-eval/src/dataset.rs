//! The labelled set on disk: documents, and questions whose answers are located in the documents'
//! parsed text.

use std::path::{Path, PathBuf};

use hearth_documents::{Chunk, ChunkingOptions, Document};
use serde::Deserialize;

use crate::error::{EvalError, Result};
use crate::locate::find_quote;

/// The set kept in the repository, relative to the workspace root.
pub const REPOSITORY_SET: &str = "bench/retrieval";

/// Path of the repository's set from a crate of this workspace.
pub fn repository_set_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(REPOSITORY_SET)
}

/// One line of `questions.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct Question {
    /// Stable id, `<document stem>-<n>`.
    pub id: String,
    /// File name of the document under `documents/`.
    pub document: String,
    /// What a user would ask.
    pub question: String,
    /// A verbatim passage of the document that answers it.
    pub answer_quote: String,
}

/// A parsed and chunked document of the set.
#[derive(Debug)]
pub struct SetDocument {
    /// Its file name.
    pub name: String,
    /// Size of the file in bytes.
    pub file_bytes: usize,
    /// Its parsed text.
    pub document: Document,
    /// Its chunks under the `auto` strategy.
    pub chunks: Vec<Chunk>,
}

/// A question with where its answer lies.
#[derive(Debug, Clone)]
pub struct LocatedQuestion {
    /// The question.
    pub question: Question,
    /// Index of its document in [`LabelledSet::documents`].
    pub document: usize,
    /// Byte range of the answer quote in that document's text.
    pub span: (usize, usize),
}

/// Documents and questions, every quote found exactly once.
#[derive(Debug)]
pub struct LabelledSet {
    /// The documents, in file-name order.
    pub documents: Vec<SetDocument>,
    /// The questions, in file order.
    pub questions: Vec<LocatedQuestion>,
}

impl LabelledSet {
    /// Loads the set in `dir` (`questions.jsonl` and `documents/`), parsing and chunking each
    /// document; fails on the first question whose quote is not in its document exactly once.
    pub fn load(dir: &Path) -> Result<Self> {
        let questions = read_questions(&dir.join("questions.jsonl"))?;
        let documents = read_documents(&dir.join("documents"))?;
        let questions = questions
            .into_iter()
            .map(|question| locate(question, &documents))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            documents,
            questions,
        })
    }

    /// Total parsed text, in bytes.
    pub fn text_bytes(&self) -> usize {
        self.documents.iter().map(|d| d.document.text.len()).sum()
    }
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| EvalError::Read {
        path: path.to_owned(),
        source,
    })
}

fn read_questions(path: &Path) -> Result<Vec<Question>> {
    let text = String::from_utf8_lossy(&read(path)?).into_owned();
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(at, line)| {
            serde_json::from_str(line).map_err(|e| EvalError::BadQuestion {
                path: path.to_owned(),
                line: at + 1,
                message: e.to_string(),
            })
        })
        .collect()
}

fn read_documents(dir: &Path) -> Result<Vec<SetDocument>> {
    let listing = std::fs::read_dir(dir).map_err(|source| EvalError::Read {
        path: dir.to_owned(),
        source,
    })?;
    let mut paths = listing
        .map(|entry| entry.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|source| EvalError::Read {
            path: dir.to_owned(),
            source,
        })?;
    paths.sort();
    paths.iter().map(|path| parse_document(path)).collect()
}

/// Parses and chunks one file as an upload of it would be.
pub fn parse_document(path: &Path) -> Result<SetDocument> {
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let bytes = read(path)?;
    let document = hearth_documents::parse(&name, &bytes).map_err(|e| EvalError::Parse {
        document: name.clone(),
        message: e.to_string(),
    })?;
    let chunks = hearth_documents::chunk(&document, ChunkingOptions::AUTO);
    Ok(SetDocument {
        name,
        file_bytes: bytes.len(),
        document,
        chunks,
    })
}

fn locate(question: Question, documents: &[SetDocument]) -> Result<LocatedQuestion> {
    let Some(document) = documents.iter().position(|d| d.name == question.document) else {
        return Err(EvalError::Quote {
            id: question.id,
            document: question.document,
            count: 0,
        });
    };
    match find_quote(&documents[document].document.text, &question.answer_quote) {
        (Some(span), 1) => Ok(LocatedQuestion {
            question,
            document,
            span,
        }),
        (_, count) => Err(EvalError::Quote {
            id: question.id,
            document: question.document,
            count,
        }),
    }
}
