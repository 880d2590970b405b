//! One interface over where a profile's assistants live: the engine embedded in the app, or a
//! remote Assistants v2 server reached through the client (with its answers mirrored into a store
//! on this computer).
//!
//! The thread list and search are not here: they always read the profile's store, which for a
//! remote profile is the mirror, so they work offline.

use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use futures_util::stream::BoxStream;
use hearth_store::{MessageAnchor, MessageWindow, Store};
use hearth_wire::{
    Assistant, CreateAssistantRequest, CreateMessageRequest, CreateRunRequest, CreateThreadRequest,
    FileObject, ListOrder, ListQuery, ListResponse, Message, Model, ModifyAssistantRequest,
    ModifyThreadRequest, Run, RunStep, StreamEvent, SubmitToolOutputsRequest, Thread,
    VectorStoreFile,
};

use crate::error::BackendError;
use crate::knowledge::KnowledgeBackend;

/// The events of a run as they happen; ends after `StreamEvent::Done` or an error.
pub type RunEvents = BoxStream<'static, Result<StreamEvent, BackendError>>;

/// Told how many bytes of an upload have been sent so far.
pub type UploadProgress = Arc<dyn Fn(u64) + Send + Sync>;

/// Every operation the app performs on a profile's assistants, threads and runs (and, through
/// [`KnowledgeBackend`], its files and vector stores).
#[async_trait]
pub trait Backend: KnowledgeBackend {
    /// The store the thread list and search read (the mirror, for a remote profile).
    fn store(&self) -> &Store;

    /// Whether the last call reached the server (always true for the embedded engine).
    fn is_online(&self) -> bool;

    /// Every assistant, newest first.
    async fn list_assistants(&self) -> Result<Vec<Assistant>, BackendError>;
    /// Creates an assistant.
    async fn create_assistant(
        &self,
        request: CreateAssistantRequest,
    ) -> Result<Assistant, BackendError>;
    /// Changes an assistant.
    async fn modify_assistant(
        &self,
        assistant_id: &str,
        request: ModifyAssistantRequest,
    ) -> Result<Assistant, BackendError>;
    /// Deletes an assistant (its threads stay).
    async fn delete_assistant(&self, assistant_id: &str) -> Result<(), BackendError>;

    /// Creates a thread.
    async fn create_thread(&self, request: CreateThreadRequest) -> Result<Thread, BackendError>;
    /// Changes a thread's metadata (the app keeps a renamed title there).
    async fn modify_thread(
        &self,
        thread_id: &str,
        request: ModifyThreadRequest,
    ) -> Result<Thread, BackendError>;
    /// Deletes a thread with its messages and runs.
    async fn delete_thread(&self, thread_id: &str) -> Result<(), BackendError>;

    /// At most `limit` consecutive messages of a thread placed by `anchor`, oldest first, so a
    /// long thread opens at its end (or around a message found by search) without reading it all.
    async fn message_window(
        &self,
        thread_id: &str,
        anchor: &MessageAnchor,
        limit: u32,
    ) -> Result<MessageWindow, BackendError>;
    /// Adds a message to a thread.
    async fn create_message(
        &self,
        thread_id: &str,
        request: CreateMessageRequest,
    ) -> Result<Message, BackendError>;

    /// Every run of a thread, oldest first.
    async fn list_runs(&self, thread_id: &str) -> Result<Vec<Run>, BackendError>;
    /// Every step of a run, oldest first.
    async fn list_run_steps(
        &self,
        thread_id: &str,
        run_id: &str,
    ) -> Result<Vec<RunStep>, BackendError>;
    /// Starts a run and streams its events.
    async fn create_run(
        &self,
        thread_id: &str,
        request: CreateRunRequest,
    ) -> Result<RunEvents, BackendError>;
    /// Answers a run waiting in `requires_action` and streams the rest of it.
    async fn submit_tool_outputs(
        &self,
        thread_id: &str,
        run_id: &str,
        request: SubmitToolOutputsRequest,
    ) -> Result<RunEvents, BackendError>;
    /// Asks a run to stop.
    async fn cancel_run(&self, thread_id: &str, run_id: &str) -> Result<Run, BackendError>;

    /// The models the profile's assistants can use.
    async fn list_models(&self) -> Result<Vec<Model>, BackendError>;

    /// A file's name, size and purpose (an uploaded document, a chart a run made, …).
    async fn file(&self, file_id: &str) -> Result<FileObject, BackendError>;
    /// A file's bytes, exactly as `GET /files/{file_id}/content` answers them.
    async fn file_content(&self, file_id: &str) -> Result<Vec<u8>, BackendError>;

    // ----- documents given to assistants and threads -----

    /// Uploads the file at `path` as `filename` (purpose `assistants`), streaming it from disk.
    async fn upload_document(
        &self,
        path: &Path,
        filename: &str,
        progress: UploadProgress,
    ) -> Result<FileObject, BackendError>;
    /// A thread as it is now, its `tool_resources` included.
    async fn thread(&self, thread_id: &str) -> Result<Thread, BackendError>;
    /// An assistant as it is now.
    async fn assistant(&self, assistant_id: &str) -> Result<Assistant, BackendError>;
    /// A file of a vector store, with its indexing status.
    async fn vector_store_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> Result<VectorStoreFile, BackendError>;
    /// Adds an image (purpose `vision`) a message can show, as an imported thread's charts.
    async fn upload_image(
        &self,
        filename: &str,
        bytes: Vec<u8>,
    ) -> Result<FileObject, BackendError>;
}

/// Reads every page of a cursor list, oldest or newest first as `order` says.
pub(crate) fn all_pages<T>(
    order: ListOrder,
    id_of: impl Fn(&T) -> &str,
    mut page: impl FnMut(&ListQuery) -> Result<ListResponse<T>, BackendError>,
) -> Result<Vec<T>, BackendError> {
    let mut items = Vec::new();
    let mut query = ListQuery::default()
        .limit(ListQuery::MAX_LIMIT)
        .order(order);
    loop {
        let response = page(&query)?;
        let more = response.has_more;
        items.extend(response.data);
        match items.last() {
            Some(last) if more => query.after = Some(id_of(last).to_owned()),
            _ => return Ok(items),
        }
    }
}
