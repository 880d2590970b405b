//! The JSON export: a thread's wire objects, exactly as the Assistants v2 protocol shapes them,
//! in an envelope that says what the file is and which version of the format it follows:
//!
//! ```json
//! {
//!   "format": "hearth.thread",
//!   "version": 1,
//!   "exported_at": 1767225600,
//!   "title": "Sales by region",
//!   "thread": { "id": "thread_…", "object": "thread", … },
//!   "messages": [ { "object": "thread.message", … } ],
//!   "runs": [ { "object": "thread.run", … } ],
//!   "run_steps": [ { "object": "thread.run.step", … } ],
//!   "files": [ { "file": { "object": "file", … }, "content_base64": "iVBORw0…" } ]
//! }
//! ```
//!
//! Messages are oldest first, runs oldest first, each run's steps oldest first. `files` holds the
//! file objects the messages refer to; `content_base64` is set for the images the messages show
//! (so the export stands alone) and `null` for files only cited or linked. A reader refuses a file
//! whose `format` is not `hearth.thread` or whose `version` is newer than it knows.

use base64::Engine as _;
use hearth_wire::{FileObject, Message, Run, RunStep, Thread};
use serde::{Deserialize, Serialize};

use super::{ExportedFile, ThreadExport};
use crate::error::BackendError;

/// The `format` of a thread export.
pub const ARCHIVE_FORMAT: &str = "hearth.thread";

/// The newest `version` this build writes and reads.
pub const ARCHIVE_VERSION: u32 = 1;

/// A thread export as read back from its JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ThreadArchive {
    /// Always [`ARCHIVE_FORMAT`].
    pub format: String,
    /// The format version, at most [`ARCHIVE_VERSION`].
    pub version: u32,
    /// When it was written (Unix seconds).
    pub exported_at: i64,
    /// The thread's title as the thread list showed it.
    pub title: String,
    /// The thread.
    pub thread: Thread,
    /// Its messages, oldest first.
    pub messages: Vec<Message>,
    /// Its runs, oldest first.
    pub runs: Vec<Run>,
    /// Their steps.
    pub run_steps: Vec<RunStep>,
    /// The files the messages refer to.
    pub files: Vec<ArchivedFile>,
}

/// A file the archived messages refer to.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArchivedFile {
    /// Its file object.
    pub file: FileObject,
    /// Its bytes in base64, for images the messages show.
    pub content_base64: Option<String>,
}

impl ArchivedFile {
    /// The bytes, when the archive holds them.
    pub fn content(&self) -> Result<Option<Vec<u8>>, BackendError> {
        let Some(encoded) = &self.content_base64 else {
            return Ok(None);
        };
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map(Some)
            .map_err(|error| {
                BackendError::Invalid(format!(
                    "The content of {} in the export is not valid base64: {error}.",
                    self.file.filename
                ))
            })
    }
}

/// The export as JSON bytes (pretty-printed, so it can be read and diffed).
pub(super) fn to_json(export: &ThreadExport) -> Result<Vec<u8>, BackendError> {
    let exported_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64);
    let archive = ThreadArchive {
        format: ARCHIVE_FORMAT.to_owned(),
        version: ARCHIVE_VERSION,
        exported_at,
        title: export.title.clone(),
        thread: export.thread.clone(),
        messages: export.messages.clone(),
        runs: export.runs.clone(),
        run_steps: export.run_steps.clone(),
        files: export
            .files
            .values()
            .map(|file| ArchivedFile {
                file: file.file.clone(),
                content_base64: file
                    .content
                    .as_ref()
                    .map(|bytes| base64::engine::general_purpose::STANDARD.encode(bytes)),
            })
            .collect(),
    };
    serde_json::to_vec_pretty(&archive).map_err(|error| {
        BackendError::Internal(format!("The export could not be written as JSON: {error}"))
    })
}

impl ThreadArchive {
    /// The archive as the writers take it, with the bytes of the files it holds.
    pub fn to_export(&self) -> Result<ThreadExport, BackendError> {
        let files = self
            .files
            .iter()
            .map(|archived| {
                let file = ExportedFile {
                    file: archived.file.clone(),
                    content: archived.content()?,
                };
                Ok((archived.file.id.clone(), file))
            })
            .collect::<Result<_, BackendError>>()?;
        Ok(ThreadExport {
            thread: self.thread.clone(),
            title: self.title.clone(),
            messages: self.messages.clone(),
            runs: self.runs.clone(),
            run_steps: self.run_steps.clone(),
            files,
        })
    }

    /// Reads a thread export, saying plainly what is wrong with a file that is not one (`name`
    /// names the file in the message).
    pub fn parse(name: &str, bytes: &[u8]) -> Result<Self, BackendError> {
        let invalid =
            |why: String| BackendError::Invalid(format!("{name} cannot be imported: {why}."));
        let value: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|error| invalid(format!("it is not JSON ({error})")))?;
        match value.get("format").and_then(|format| format.as_str()) {
            Some(ARCHIVE_FORMAT) => {}
            Some(other) => {
                return Err(invalid(format!(
                    "its format is '{other}', not a Hearth thread ('{ARCHIVE_FORMAT}')"
                )));
            }
            None => {
                return Err(invalid(
                    "it is not a Hearth thread export (it has no \"format\": \"hearth.thread\")"
                        .to_owned(),
                ));
            }
        }
        match value.get("version").and_then(|version| version.as_u64()) {
            Some(version) if version >= 1 && version <= u64::from(ARCHIVE_VERSION) => {}
            Some(version) => {
                return Err(invalid(format!(
                    "it is format version {version}; this Hearth reads versions 1 to {ARCHIVE_VERSION}"
                )));
            }
            None => return Err(invalid("it has no format version".to_owned())),
        }
        serde_json::from_value(value).map_err(|error| invalid(error.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_a_thread_export_is_refused_in_words() {
        let not_json = ThreadArchive::parse("notes.json", b"hello").unwrap_err();
        assert!(
            not_json
                .to_string()
                .contains("notes.json cannot be imported: it is not JSON"),
            "{not_json}"
        );
        let other = ThreadArchive::parse("x.json", br#"{"format":"something"}"#).unwrap_err();
        assert!(other.to_string().contains("'something'"), "{other}");
        let newer = ThreadArchive::parse("x.json", br#"{"format":"hearth.thread","version":9}"#)
            .unwrap_err();
        assert!(newer.to_string().contains("version 9"), "{newer}");
        let broken = ThreadArchive::parse(
            "x.json",
            br#"{"format":"hearth.thread","version":1,"thread":{}}"#,
        )
        .unwrap_err();
        assert!(
            broken.to_string().contains("x.json cannot be imported"),
            "{broken}"
        );
    }
}
