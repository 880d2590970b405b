//! Exporting a thread to a file and importing one back: the thread is gathered through the
//! profile's backend (so a remote profile's, offline, comes from its mirror and kept files), then
//! written by `crate::export`.

use std::collections::BTreeMap;
use std::path::Path;

use hearth_store::MessageAnchor;
use hearth_wire::{
    CreateMessageRequest, CreateThreadRequest, ImageFile, Message, MessageContent,
    MessageContentInput, MessageContentPartInput, Thread,
};

use super::Hearth;
use crate::backend::Backend;
use crate::error::BackendError;
use crate::export::{ExportFormat, ExportedFile, ThreadArchive, ThreadExport, write_export};

/// Messages read per window while gathering a thread.
const WINDOW: u32 = 500;

/// Characters of the first message a title is taken from when the thread has none.
const TITLE_CHARS: usize = 80;

impl Hearth {
    /// Everything an export of the thread shows.
    pub async fn thread_export(&self, thread_id: &str) -> Result<ThreadExport, BackendError> {
        let backend = self.backend()?;
        let messages = all_messages(backend.as_ref(), thread_id).await?;
        let thread = backend
            .store()
            .get_thread(thread_id)?
            .ok_or_else(|| BackendError::NotFound(format!("No thread with id '{thread_id}'.")))?;
        let runs = backend.list_runs(thread_id).await?;
        let mut run_steps = Vec::new();
        for run in &runs {
            run_steps.extend(backend.list_run_steps(thread_id, &run.id).await?);
        }
        let mut files = BTreeMap::new();
        for file_id in ThreadExport::image_ids(&messages) {
            // An image the profile no longer has is shown as missing, not a failed export.
            if let (Ok(file), Ok(bytes)) = (
                backend.file(&file_id).await,
                backend.file_content(&file_id).await,
            ) {
                files.insert(
                    file_id,
                    ExportedFile {
                        file,
                        content: Some(bytes),
                    },
                );
            }
        }
        for file_id in ThreadExport::annotated_ids(&messages) {
            if files.contains_key(&file_id) {
                continue;
            }
            if let Ok(file) = backend.file(&file_id).await {
                files.insert(
                    file_id,
                    ExportedFile {
                        file,
                        content: None,
                    },
                );
            }
        }
        Ok(ThreadExport {
            title: self
                .thread_title(thread_id)
                .await
                .unwrap_or_else(|_| title_of(&thread, &messages)),
            thread,
            messages,
            runs,
            run_steps,
            files,
        })
    }

    /// Writes the thread to `target` in `format`, whole or not at all.
    pub async fn export_thread(
        &self,
        thread_id: &str,
        format: ExportFormat,
        target: &Path,
    ) -> Result<(), BackendError> {
        let export = self.thread_export(thread_id).await?;
        let target = target.to_owned();
        tokio::task::spawn_blocking(move || write_export(&export, format, &target))
            .await
            .map_err(|error| BackendError::Internal(format!("The export stopped: {error}")))?
    }

    /// The thread's title as the thread list shows it, for the name the save dialog suggests.
    pub async fn thread_title(&self, thread_id: &str) -> Result<String, BackendError> {
        let store = self.backend()?.store().clone();
        let id = thread_id.to_owned();
        let listed = tokio::task::spawn_blocking(move || store.thread_summaries(None))
            .await
            .map_err(|error| BackendError::Internal(format!("The read stopped: {error}")))??;
        listed
            .into_iter()
            .find(|summary| summary.id == id)
            .map(|summary| summary.title)
            .ok_or_else(|| BackendError::NotFound(format!("No thread with id '{thread_id}'.")))
    }

    /// Reads a JSON export and makes its messages a new thread of the profile in use: the text
    /// of each message, and its images (uploaded again unless the profile still has them).
    pub async fn import_thread(&self, source: &Path) -> Result<Thread, BackendError> {
        let name = source
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| source.display().to_string());
        let bytes = tokio::fs::read(source).await.map_err(|error| {
            BackendError::Invalid(format!(
                "{name} cannot be imported: {}.",
                crate::save::in_words(&error)
            ))
        })?;
        let archive = ThreadArchive::parse(&name, &bytes)?;
        import(self.backend()?.as_ref(), archive).await
    }
}

/// Every message of a thread, oldest first, read window by window.
async fn all_messages(
    backend: &dyn Backend,
    thread_id: &str,
) -> Result<Vec<Message>, BackendError> {
    let mut window = backend
        .message_window(thread_id, &MessageAnchor::Latest, WINDOW)
        .await?;
    let mut messages = std::mem::take(&mut window.messages);
    while window.has_earlier {
        let Some(first) = messages.first() else { break };
        window = backend
            .message_window(thread_id, &MessageAnchor::Before(first.id.clone()), WINDOW)
            .await?;
        let mut earlier = std::mem::take(&mut window.messages);
        if earlier.is_empty() {
            break;
        }
        earlier.append(&mut messages);
        messages = earlier;
    }
    Ok(messages)
}

/// The title the thread was given, else the start of its first message.
fn title_of(thread: &Thread, messages: &[Message]) -> String {
    let given = thread
        .metadata
        .as_ref()
        .and_then(|metadata| metadata.get("title"))
        .map(|title| title.trim().to_owned())
        .filter(|title| !title.is_empty());
    given.unwrap_or_else(|| {
        let first = messages
            .first()
            .map(crate::export::plain_text)
            .unwrap_or_default();
        let first = first.split_whitespace().collect::<Vec<_>>().join(" ");
        if first.is_empty() {
            "Thread".to_owned()
        } else {
            first.chars().take(TITLE_CHARS).collect()
        }
    })
}

/// Makes `archive`'s messages a new thread through `backend`.
async fn import(backend: &dyn Backend, archive: ThreadArchive) -> Result<Thread, BackendError> {
    let mut metadata = archive.thread.metadata.clone().unwrap_or_default();
    metadata.insert(
        "title".to_owned(),
        archive.title.chars().take(512).collect(),
    );
    let thread = backend
        .create_thread(CreateThreadRequest {
            metadata: Some(metadata),
            ..Default::default()
        })
        .await?;
    if let Err(error) = add_messages(backend, &archive, &thread.id).await {
        // A thread half imported would look like the whole one; it goes, and the error says why.
        if let Err(cleanup) = backend.delete_thread(&thread.id).await {
            log::warn!("a partly imported thread could not be removed: {cleanup}");
        }
        return Err(error);
    }
    Ok(thread)
}

/// Adds the archive's messages to the thread `thread_id`, oldest first.
async fn add_messages(
    backend: &dyn Backend,
    archive: &ThreadArchive,
    thread_id: &str,
) -> Result<(), BackendError> {
    let mut images: BTreeMap<String, Option<String>> = BTreeMap::new();
    // The API takes no annotations: citations and file links are written into the text.
    let export = archive.to_export()?;
    for message in &archive.messages {
        let mut parts = Vec::new();
        for part in &message.content {
            match part {
                MessageContent::Text { text } if !text.value.is_empty() => {
                    parts.push(MessageContentPartInput::Text {
                        text: crate::export::with_sources_written_out(
                            &export,
                            message,
                            &text.value,
                            &text.annotations,
                        ),
                    });
                }
                MessageContent::Refusal { refusal } => {
                    parts.push(MessageContentPartInput::Text {
                        text: refusal.clone(),
                    });
                }
                MessageContent::ImageFile { image_file } => {
                    match image_here(backend, archive, &image_file.file_id, &mut images).await? {
                        Some(file_id) => parts.push(MessageContentPartInput::ImageFile {
                            image_file: ImageFile {
                                file_id,
                                detail: image_file.detail.clone(),
                            },
                        }),
                        None => parts.push(MessageContentPartInput::Text {
                            text: "(An image that was not in the export.)".to_owned(),
                        }),
                    }
                }
                MessageContent::ImageUrl { image_url } => {
                    parts.push(MessageContentPartInput::ImageUrl {
                        image_url: image_url.clone(),
                    });
                }
                _ => {}
            }
        }
        if parts.is_empty() {
            continue;
        }
        let request = CreateMessageRequest {
            role: message.role.clone(),
            content: MessageContentInput::Parts(parts),
            attachments: None,
            metadata: message.metadata.clone(),
        };
        backend.create_message(thread_id, request).await?;
    }
    Ok(())
}

/// The id under which the profile has the archive's image `file_id`: the same when it still has
/// the file, else a new upload of the archived bytes (once per image); `None` when neither.
async fn image_here(
    backend: &dyn Backend,
    archive: &ThreadArchive,
    file_id: &str,
    done: &mut BTreeMap<String, Option<String>>,
) -> Result<Option<String>, BackendError> {
    if let Some(known) = done.get(file_id) {
        return Ok(known.clone());
    }
    let here = if backend.file(file_id).await.is_ok() {
        Some(file_id.to_owned())
    } else {
        let archived = archive.files.iter().find(|file| file.file.id == file_id);
        match archived {
            Some(archived) => match archived.content()? {
                Some(bytes) => Some(
                    backend
                        .upload_image(&archived.file.filename, bytes)
                        .await?
                        .id,
                ),
                None => None,
            },
            None => None,
        }
    };
    done.insert(file_id.to_owned(), here.clone());
    Ok(here)
}
