//! The profile "this computer": the engine embedded in the app, running in-process on the app's
//! own store (as opposed to a remote profile's server).

mod knowledge;

use std::path::Path;

use async_trait::async_trait;
use futures_util::StreamExt;
use hearth_engine::Engine;
use hearth_store::{MessageAnchor, MessageWindow, Store};
use hearth_wire::{
    Assistant, CreateAssistantRequest, CreateMessageRequest, CreateRunRequest, CreateThreadRequest,
    FileObject, FilePurpose, ListOrder, Message, Model, ModifyAssistantRequest,
    ModifyThreadRequest, Run, RunStep, StreamEvent, SubmitToolOutputsRequest, Thread,
    UploadFileParams, VectorStoreFile,
};
use tokio_stream_shim::receiver_stream;

use crate::backend::{Backend, RunEvents, UploadProgress, all_pages};
use crate::error::BackendError;

/// The engine embedded in the app, as a [`Backend`].
#[derive(Clone)]
pub struct EmbeddedBackend {
    engine: Engine,
}

impl EmbeddedBackend {
    /// Wraps `engine`.
    pub fn new(engine: Engine) -> Self {
        Self { engine }
    }

    /// The engine, for shutdown.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}

fn events(receiver: tokio::sync::mpsc::Receiver<StreamEvent>) -> RunEvents {
    receiver_stream(receiver).map(Ok).boxed()
}

/// A stream over a receiver, without another dependency for three lines.
mod tokio_stream_shim {
    use futures_util::Stream;
    use tokio::sync::mpsc::Receiver;

    pub(super) fn receiver_stream<T: Send + 'static>(
        receiver: Receiver<T>,
    ) -> impl Stream<Item = T> + Send + 'static {
        futures_util::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|item| (item, receiver))
        })
    }
}

#[async_trait]
impl Backend for EmbeddedBackend {
    fn store(&self) -> &Store {
        self.engine.store()
    }

    fn is_online(&self) -> bool {
        true
    }

    async fn list_assistants(&self) -> Result<Vec<Assistant>, BackendError> {
        all_pages(
            ListOrder::Desc,
            |assistant: &Assistant| &assistant.id,
            |query| Ok(self.engine.list_assistants(query)?),
        )
    }

    async fn create_assistant(
        &self,
        request: CreateAssistantRequest,
    ) -> Result<Assistant, BackendError> {
        Ok(self.engine.create_assistant(request)?)
    }

    async fn modify_assistant(
        &self,
        assistant_id: &str,
        request: ModifyAssistantRequest,
    ) -> Result<Assistant, BackendError> {
        Ok(self.engine.modify_assistant(assistant_id, request)?)
    }

    async fn delete_assistant(&self, assistant_id: &str) -> Result<(), BackendError> {
        self.engine.delete_assistant(assistant_id)?;
        Ok(())
    }

    async fn create_thread(&self, request: CreateThreadRequest) -> Result<Thread, BackendError> {
        Ok(self.engine.create_thread(request)?)
    }

    async fn modify_thread(
        &self,
        thread_id: &str,
        request: ModifyThreadRequest,
    ) -> Result<Thread, BackendError> {
        Ok(self.engine.modify_thread(thread_id, request)?)
    }

    async fn delete_thread(&self, thread_id: &str) -> Result<(), BackendError> {
        self.engine.delete_thread(thread_id)?;
        Ok(())
    }

    async fn message_window(
        &self,
        thread_id: &str,
        anchor: &MessageAnchor,
        limit: u32,
    ) -> Result<MessageWindow, BackendError> {
        self.engine.get_thread(thread_id)?;
        Ok(self
            .engine
            .store()
            .message_window(thread_id, anchor, limit)?)
    }

    async fn create_message(
        &self,
        thread_id: &str,
        request: CreateMessageRequest,
    ) -> Result<Message, BackendError> {
        Ok(self.engine.create_message(thread_id, request)?)
    }

    async fn list_runs(&self, thread_id: &str) -> Result<Vec<Run>, BackendError> {
        all_pages(
            ListOrder::Asc,
            |run: &Run| &run.id,
            |query| Ok(self.engine.list_runs(thread_id, query)?),
        )
    }

    async fn list_run_steps(
        &self,
        thread_id: &str,
        run_id: &str,
    ) -> Result<Vec<RunStep>, BackendError> {
        self.engine.get_run(thread_id, run_id)?;
        Ok(self.engine.store().run_steps(run_id)?)
    }

    async fn create_run(
        &self,
        thread_id: &str,
        request: CreateRunRequest,
    ) -> Result<RunEvents, BackendError> {
        let stream = self.engine.create_run(thread_id, request)?;
        Ok(events(stream.events))
    }

    async fn submit_tool_outputs(
        &self,
        thread_id: &str,
        run_id: &str,
        request: SubmitToolOutputsRequest,
    ) -> Result<RunEvents, BackendError> {
        let stream = self
            .engine
            .submit_tool_outputs(thread_id, run_id, request)?;
        Ok(events(stream.events))
    }

    async fn cancel_run(&self, thread_id: &str, run_id: &str) -> Result<Run, BackendError> {
        Ok(self.engine.cancel_run(thread_id, run_id)?)
    }

    async fn list_models(&self) -> Result<Vec<Model>, BackendError> {
        Ok(self.engine.list_models().await?.data)
    }

    async fn file(&self, file_id: &str) -> Result<FileObject, BackendError> {
        Ok(self.engine.get_file(file_id)?)
    }

    async fn file_content(&self, file_id: &str) -> Result<Vec<u8>, BackendError> {
        // The engine's blobs are already on this computer: nothing to cache.
        let (file, path) = self.engine.file_content(file_id)?;
        tokio::fs::read(&path).await.map_err(|error| {
            BackendError::Internal(format!(
                "Could not read the file '{}' ({file_id}): {error}",
                file.filename
            ))
        })
    }

    async fn upload_document(
        &self,
        path: &Path,
        filename: &str,
        progress: UploadProgress,
    ) -> Result<FileObject, BackendError> {
        let file = tokio::fs::File::open(path).await.map_err(|error| {
            BackendError::Invalid(format!("Could not read '{filename}': {error}"))
        })?;
        let mut sent = 0u64;
        let body =
            tokio_util::io::ReaderStream::with_capacity(file, UPLOAD_CHUNK).inspect(move |chunk| {
                if let Ok(chunk) = chunk {
                    sent += chunk.len() as u64;
                    progress(sent);
                }
            });
        let staged = self.engine.stage_upload(filename, body).await?;
        let params = UploadFileParams {
            purpose: FilePurpose::Assistants,
            expires_after: None,
        };
        Ok(self.engine.create_file(staged, filename, params)?)
    }

    async fn upload_image(
        &self,
        filename: &str,
        bytes: Vec<u8>,
    ) -> Result<FileObject, BackendError> {
        let body = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(bytes))]);
        let staged = self.engine.stage_upload(filename, body).await?;
        let params = UploadFileParams {
            purpose: FilePurpose::Vision,
            expires_after: None,
        };
        Ok(self.engine.create_file(staged, filename, params)?)
    }

    async fn thread(&self, thread_id: &str) -> Result<Thread, BackendError> {
        Ok(self.engine.get_thread(thread_id)?)
    }

    async fn assistant(&self, assistant_id: &str) -> Result<Assistant, BackendError> {
        Ok(self.engine.get_assistant(assistant_id)?)
    }

    async fn vector_store_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> Result<VectorStoreFile, BackendError> {
        Ok(self
            .engine
            .get_vector_store_file(vector_store_id, file_id)?)
    }
}

/// Bytes read from disk at a time while uploading; also how often progress is reported.
const UPLOAD_CHUNK: usize = 256 * 1024;
