//! Threads as the window works with them: the list and search (from the profile's store, so they
//! work offline), renaming, deleting, the message window, drafts, and sending and running.

use futures_util::stream::BoxStream;
use hearth_store::{MessageAnchor, MessageHit, MessageWindow, ThreadSummary};
use hearth_wire::{
    CreateMessageRequest, CreateRunRequest, CreateThreadRequest, Message, MessageAttachment,
    ModifyThreadRequest, SubmitToolOutputsRequest, Thread, ToolOutput,
};

use super::Hearth;
use crate::error::BackendError;
use crate::run_event::{RunEvent, for_window};

/// Longest title kept; the API allows 512 characters per metadata value.
const MAX_TITLE_CHARS: usize = 512;

/// Most messages one window holds; a view shows a window of a long thread, never all of it.
const MAX_WINDOW: u32 = 500;

/// Hits one search returns; the list shows the best ones.
const SEARCH_LIMIT: u32 = 50;

impl Hearth {
    /// Every thread, most recently active first; only one assistant's when given.
    pub async fn thread_summaries(
        &self,
        assistant_id: Option<String>,
    ) -> Result<Vec<ThreadSummary>, BackendError> {
        let store = self.backend()?.store().clone();
        blocking(move || store.thread_summaries(assistant_id.as_deref())).await
    }

    /// Messages matching every word of `query` (the last as a prefix), best first.
    pub async fn search_messages(
        &self,
        query: String,
        assistant_id: Option<String>,
    ) -> Result<Vec<MessageHit>, BackendError> {
        let store = self.backend()?.store().clone();
        blocking(move || store.search_messages(&query, assistant_id.as_deref(), SEARCH_LIMIT)).await
    }

    /// Starts an empty thread.
    pub async fn create_thread(&self) -> Result<Thread, BackendError> {
        self.backend()?
            .create_thread(CreateThreadRequest::default())
            .await
    }

    /// Renames a thread: its `title` metadata, kept beside what others put in the metadata. An
    /// empty title goes back to the first message.
    pub async fn rename_thread(&self, thread_id: &str, title: &str) -> Result<(), BackendError> {
        let title = title.trim();
        if title.chars().count() > MAX_TITLE_CHARS {
            return Err(BackendError::Invalid(format!(
                "A title can be at most {MAX_TITLE_CHARS} characters."
            )));
        }
        let backend = self.backend()?;
        // Metadata is replaced whole; keep the other keys.
        let mut metadata = backend
            .store()
            .get_thread(thread_id)?
            .and_then(|thread| thread.metadata)
            .unwrap_or_default();
        if title.is_empty() {
            metadata.remove("title");
        } else {
            metadata.insert("title".to_owned(), title.to_owned());
        }
        let request = ModifyThreadRequest {
            metadata: Some(Some(metadata)),
            ..Default::default()
        };
        backend.modify_thread(thread_id, request).await?;
        Ok(())
    }

    /// Deletes a thread with its messages and runs, and its unsent draft.
    pub async fn delete_thread(&self, thread_id: &str) -> Result<(), BackendError> {
        let backend = self.backend()?;
        backend.delete_thread(thread_id).await?;
        backend.store().set_draft(thread_id, "")?;
        Ok(())
    }

    /// At most `limit` (1–500) consecutive messages of a thread placed by `anchor`, oldest first.
    pub async fn message_window(
        &self,
        thread_id: &str,
        anchor: &MessageAnchor,
        limit: u32,
    ) -> Result<MessageWindow, BackendError> {
        self.backend()?
            .message_window(thread_id, anchor, limit.clamp(1, MAX_WINDOW))
            .await
    }

    /// The unsent text of a composer (`key` is a thread id, or `new` for a thread not started).
    pub fn draft(&self, key: &str) -> Result<Option<String>, BackendError> {
        Ok(self.backend()?.store().draft(key)?)
    }

    /// Keeps a composer's unsent text; empty text clears it.
    pub fn set_draft(&self, key: &str, text: &str) -> Result<(), BackendError> {
        Ok(self.backend()?.store().set_draft(key, text)?)
    }

    /// Adds the user's message to a thread. It is stored before any run starts, so a run that
    /// fails to start never loses it.
    pub async fn add_message(&self, thread_id: &str, text: &str) -> Result<Message, BackendError> {
        self.add_message_with_attachments(thread_id, text, Vec::new())
            .await
    }

    /// Adds the user's message with files attached for file_search or the code interpreter.
    pub async fn add_message_with_attachments(
        &self,
        thread_id: &str,
        text: &str,
        attachments: Vec<MessageAttachment>,
    ) -> Result<Message, BackendError> {
        if text.trim().is_empty() {
            return Err(BackendError::Invalid("Write a message first.".to_owned()));
        }
        let mut request = CreateMessageRequest::user(text);
        if !attachments.is_empty() {
            request.attachments = Some(attachments);
        }
        self.backend()?.create_message(thread_id, request).await
    }

    /// Starts a run of `assistant_id` on the thread, streaming its events.
    pub async fn start_run(
        &self,
        thread_id: &str,
        assistant_id: &str,
    ) -> Result<BoxStream<'static, RunEvent>, BackendError> {
        let request = CreateRunRequest {
            assistant_id: assistant_id.to_owned(),
            stream: Some(true),
            ..Default::default()
        };
        let events = self.backend()?.create_run(thread_id, request).await?;
        Ok(for_window(events))
    }

    /// Answers the function calls of a run waiting in `requires_action` and streams the rest.
    pub async fn submit_tool_outputs(
        &self,
        thread_id: &str,
        run_id: &str,
        outputs: Vec<ToolOutput>,
    ) -> Result<BoxStream<'static, RunEvent>, BackendError> {
        let request = SubmitToolOutputsRequest {
            tool_outputs: outputs,
            stream: Some(true),
        };
        let events = self
            .backend()?
            .submit_tool_outputs(thread_id, run_id, request)
            .await?;
        Ok(for_window(events))
    }
}

/// Runs a store read on a blocking thread, so a long read (a big history's search) never holds up
/// the async workers that carry the window's other commands and streamed runs.
async fn blocking<T: Send + 'static>(
    read: impl FnOnce() -> hearth_store::Result<T> + Send + 'static,
) -> Result<T, BackendError> {
    tokio::task::spawn_blocking(read)
        .await
        .map_err(|error| BackendError::Internal(format!("The read stopped: {error}")))?
        .map_err(BackendError::from)
}
