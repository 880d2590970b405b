//! Documents given to a remote profile's assistants and threads: uploads streamed from disk with
//! progress, and the vector stores they are indexed in. All of it needs the server; the mirror
//! keeps the threads and assistants these calls change.

use std::path::Path;

use hearth_client::FileUpload;
use hearth_wire::{Assistant, FileObject, Thread, VectorStoreFile};

use super::RemoteBackend;
use super::mirror::remember;
use crate::backend::UploadProgress;
use crate::error::BackendError;

impl RemoteBackend {
    pub(super) async fn remote_upload(
        &self,
        path: &Path,
        filename: &str,
        progress: UploadProgress,
    ) -> Result<FileObject, BackendError> {
        let upload = FileUpload::new(path, "assistants")
            .file_name(filename)
            .on_progress(move |sent, _total| progress(sent));
        self.call("uploading the file", self.client.upload_file(&upload))
            .await
    }

    pub(super) async fn remote_thread(&self, thread_id: &str) -> Result<Thread, BackendError> {
        let thread = self
            .call("reading the thread", self.client.retrieve_thread(thread_id))
            .await
            .map_err(|error| self.forget_thread_if_gone(thread_id, error))?;
        remember("a thread", self.mirror.put_thread(&thread));
        Ok(thread)
    }

    pub(super) async fn remote_assistant(
        &self,
        assistant_id: &str,
    ) -> Result<Assistant, BackendError> {
        let assistant = self
            .call(
                "reading the assistant",
                self.client.retrieve_assistant(assistant_id),
            )
            .await?;
        remember("an assistant", self.mirror.put_assistant(&assistant));
        Ok(assistant)
    }

    pub(super) async fn remote_vector_store_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> Result<VectorStoreFile, BackendError> {
        self.call(
            "reading the file's indexing status",
            self.client
                .retrieve_vector_store_file(vector_store_id, file_id),
        )
        .await
    }
}
