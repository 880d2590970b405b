//! A thread written out to a file the person chose: Markdown with its images in a folder beside
//! it, the wire objects as JSON that can be read back in, or one self-contained HTML page.
//!
//! Gathering a thread (through the profile's backend) is in `hearth/export.rs`; this module only
//! turns a gathered [`ThreadExport`] into files, so every writer is tested on plain values.

mod archive;
mod html;
mod markdown;
mod text;

use std::collections::BTreeMap;
use std::path::Path;

use hearth_wire::{FileObject, Message, MessageContent, MessageRole, Run, RunStep, Thread};

pub use archive::{ARCHIVE_FORMAT, ARCHIVE_VERSION, ArchivedFile, ThreadArchive};
pub(crate) use text::{plain_text, with_sources_written_out};

use crate::error::BackendError;
use crate::save::write_atomically;

/// What a thread is exported as.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ExportFormat {
    /// A `.md` file, with the thread's images in a folder beside it.
    Markdown,
    /// The wire objects in a versioned envelope (`.json`), which "Import thread…" reads back.
    Json,
    /// One `.html` file with the images inline, readable in any browser.
    Html,
}

impl ExportFormat {
    /// The file name extension the save dialog suggests.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Markdown => "md",
            Self::Json => "json",
            Self::Html => "html",
        }
    }

    /// The format's name, as the save dialog's filter shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Markdown => "Markdown",
            Self::Json => "Hearth thread (JSON)",
            Self::Html => "Web page",
        }
    }
}

/// A file a thread refers to: its object when the profile still has it, and its bytes for the
/// images the thread shows.
#[derive(Debug, Clone)]
pub struct ExportedFile {
    /// The file object.
    pub file: FileObject,
    /// The bytes, for `image_file` parts; `None` for files only cited or linked.
    pub content: Option<Vec<u8>>,
}

/// A thread with everything its export shows: messages oldest first, runs and their steps (for
/// the passages citations quote), and the files its messages refer to, by id.
#[derive(Debug, Clone)]
pub struct ThreadExport {
    /// The thread.
    pub thread: Thread,
    /// Its title as the thread list shows it.
    pub title: String,
    /// Its messages, oldest first.
    pub messages: Vec<Message>,
    /// Its runs, oldest first.
    pub runs: Vec<Run>,
    /// The steps of those runs, each run's oldest first.
    pub run_steps: Vec<RunStep>,
    /// The files the messages refer to, by id; a file the profile no longer has is missing.
    pub files: BTreeMap<String, ExportedFile>,
}

impl ThreadExport {
    /// The ids of the files the messages show as images.
    pub fn image_ids(messages: &[Message]) -> Vec<String> {
        let mut ids = Vec::new();
        for message in messages {
            for part in &message.content {
                if let MessageContent::ImageFile { image_file } = part
                    && !ids.contains(&image_file.file_id)
                {
                    ids.push(image_file.file_id.clone());
                }
            }
        }
        ids
    }

    /// The ids of the files the messages cite or link to (annotations).
    pub fn annotated_ids(messages: &[Message]) -> Vec<String> {
        let mut ids = Vec::new();
        for message in messages {
            for part in &message.content {
                if let MessageContent::Text { text } = part {
                    for id in text::annotation_file_ids(&text.annotations) {
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                }
            }
        }
        ids
    }
}

/// Who wrote a message, as the export heads it.
fn author(role: &MessageRole) -> &'static str {
    match role {
        MessageRole::User => "You",
        _ => "Assistant",
    }
}

/// Writes `export` to `target` in `format`, whole or not at all: nothing partial is left when a
/// write fails, and the failure names the file and says what went wrong.
pub fn write_export(
    export: &ThreadExport,
    format: ExportFormat,
    target: &Path,
) -> Result<(), BackendError> {
    match format {
        ExportFormat::Markdown => markdown::write(export, target),
        ExportFormat::Json => {
            let json = archive::to_json(export)?;
            write_atomically(target, &json)
        }
        ExportFormat::Html => write_atomically(target, html::render(export).as_bytes()),
    }
}

/// The name an export of a thread titled `title` is suggested under: the title made a plain file
/// name, with the format's extension.
pub fn suggested_export_name(title: &str, format: ExportFormat) -> String {
    let mut name: String = title
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .split_whitespace()
        // `..` and the like would name a folder, not a file.
        .filter(|word| !word.chars().all(|c| c == '.'))
        .collect::<Vec<_>>()
        .join(" ");
    name = name.trim_matches('.').chars().take(80).collect();
    if name.is_empty() {
        name = "Thread".to_owned();
    }
    format!("{name}.{}", format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suggested_export_name_is_the_title_as_a_plain_file_name() {
        assert_eq!(
            suggested_export_name("Sales 2025: a chart", ExportFormat::Html),
            "Sales 2025 a chart.html"
        );
        assert_eq!(
            suggested_export_name("../../etc/passwd", ExportFormat::Json),
            "etc passwd.json"
        );
        assert_eq!(
            suggested_export_name(" \n ", ExportFormat::Markdown),
            "Thread.md"
        );
    }
}
