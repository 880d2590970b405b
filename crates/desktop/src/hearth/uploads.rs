//! Documents a person drops on the window (or picks in the open dialog): what each dropped path
//! is, uploading it from disk with progress, and indexing it for file_search — in the thread's
//! vector store for a message's attachment, in an assistant's own store for the assistant.
//!
//! The window never reads a file's bytes: it passes the path it was given by the drop or the
//! dialog, and the upload streams from disk here.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use hearth_wire::{
    AssistantTool, CreateVectorStoreRequest, FileObject, FileSearchResources, LastActiveAtAnchor,
    ModifyAssistantRequest, ModifyThreadRequest, ToolResources, VectorStoreExpiresAfter,
    VectorStoreFile, VectorStoreFileStatus,
};

use super::Hearth;
use crate::backend::Backend;
use crate::error::BackendError;

/// A thread's vector store made for its attachments expires after this many idle days, as the
/// engine's own does.
const THREAD_STORE_IDLE_DAYS: u32 = 7;

/// A dropped or chosen path as the window decides what to do with it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalFile {
    /// The path, to upload it with.
    pub path: String,
    /// Its last component, to show.
    pub name: String,
    /// Its size in bytes (0 for a folder).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes: u64,
    /// Whether it is a folder.
    pub folder: bool,
    /// Why it cannot be read at all (gone, no permission), when so.
    pub unreadable: Option<String>,
}

/// What was dropped, and the largest upload the profile's server accepts.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalFiles {
    /// Each path, in the order given.
    pub files: Vec<LocalFile>,
    /// The upload limit in bytes; `null` when the profile's server does not say (a remote one,
    /// which refuses a file past its limit with the limit in words).
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub upload_limit: Option<u64>,
}

/// How far an upload is.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadProgressView {
    /// Bytes sent so far.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub sent: u64,
    /// The file's size.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub total: u64,
}

/// Where a file's indexing for file_search is.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexingState {
    /// Being read, cut into chunks and indexed.
    InProgress,
    /// Searchable.
    Completed,
    /// Not searchable; the error says why.
    Failed,
}

/// A file's indexing in a vector store, as a chip shows it. (The protocol's `VectorStoreFile`
/// also carries search attributes, whose arbitrary JSON numbers have no exact TypeScript type.)
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IndexingView {
    /// The file.
    pub file_id: String,
    /// The vector store it is indexed in.
    pub vector_store_id: String,
    /// Where its indexing is.
    pub state: IndexingState,
    /// Why it failed, in words.
    pub error: Option<String>,
}

impl From<VectorStoreFile> for IndexingView {
    fn from(file: VectorStoreFile) -> Self {
        let state = match file.status {
            VectorStoreFileStatus::InProgress => IndexingState::InProgress,
            VectorStoreFileStatus::Completed => IndexingState::Completed,
            _ => IndexingState::Failed,
        };
        let error = match (&file.last_error, state) {
            (Some(error), _) => Some(error.message.clone()),
            (None, IndexingState::Failed) => Some("Indexing was cancelled.".to_owned()),
            (None, _) => None,
        };
        Self {
            file_id: file.id,
            vector_store_id: file.vector_store_id,
            state,
            error,
        }
    }
}

/// The last component of `path`, for messages.
fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// What `path` is, without reading its bytes.
async fn describe(path: PathBuf) -> LocalFile {
    let name = display_name(&path);
    let (bytes, folder, unreadable) = match tokio::fs::metadata(&path).await {
        Ok(metadata) if metadata.is_dir() => (0, true, None),
        Ok(metadata) => (metadata.len(), false, None),
        Err(error) => (0, false, Some(error.to_string())),
    };
    LocalFile {
        path: path.display().to_string(),
        name,
        bytes,
        folder,
        unreadable,
    }
}

/// The file in `path` if it can be uploaded: a regular, non-empty file within `limit`; otherwise
/// why not, naming it.
async fn check_uploadable(path: &Path, limit: Option<u64>) -> Result<LocalFile, BackendError> {
    let file = describe(path.to_owned()).await;
    let name = &file.name;
    if let Some(problem) = &file.unreadable {
        return Err(BackendError::Invalid(format!(
            "'{name}' cannot be read: {problem}."
        )));
    }
    if file.folder {
        return Err(BackendError::Invalid(format!(
            "'{name}' is a folder; drop the files inside it instead."
        )));
    }
    if file.bytes == 0 {
        return Err(BackendError::Invalid(format!(
            "'{name}' is empty: there is nothing in it to read."
        )));
    }
    if let Some(limit) = limit.filter(|limit| file.bytes > *limit) {
        return Err(BackendError::Invalid(format!(
            "'{name}' is too large: {} MB, and the largest file that can be uploaded is {} MB.",
            file.bytes.div_ceil(1024 * 1024),
            limit / (1024 * 1024)
        )));
    }
    Ok(file)
}

/// Adds `file_id` to the vector store, starting indexing; a file whose indexing failed (or was
/// cancelled) there is taken out and added again, which indexes it anew.
async fn index_in(
    backend: &dyn Backend,
    vector_store_id: &str,
    file_id: &str,
) -> Result<VectorStoreFile, BackendError> {
    match backend.vector_store_file(vector_store_id, file_id).await {
        Ok(existing)
            if !matches!(
                existing.status,
                VectorStoreFileStatus::Failed | VectorStoreFileStatus::Cancelled
            ) =>
        {
            return Ok(existing);
        }
        Ok(_) => {
            backend
                .remove_vector_store_file(vector_store_id, file_id)
                .await?
        }
        Err(BackendError::NotFound(_)) => {}
        Err(error) => return Err(error),
    }
    backend
        .add_vector_store_file(vector_store_id, file_id)
        .await
}

/// `resources` with `vector_store_id` as its file_search store, the code interpreter's files kept.
fn with_store(resources: Option<ToolResources>, vector_store_id: &str) -> ToolResources {
    let mut resources = resources.unwrap_or_default();
    resources.file_search = Some(FileSearchResources {
        vector_store_ids: vec![vector_store_id.to_owned()],
    });
    resources
}

/// The first file_search vector store of `resources`.
fn first_store(resources: Option<&ToolResources>) -> Option<String> {
    resources?
        .file_search
        .as_ref()?
        .vector_store_ids
        .first()
        .cloned()
}

impl Hearth {
    /// What each path is (name, size, folder or not), and the profile's upload limit.
    pub async fn describe_local_files(&self, paths: Vec<PathBuf>) -> LocalFiles {
        let mut files = Vec::with_capacity(paths.len());
        for path in paths {
            files.push(describe(path).await);
        }
        LocalFiles {
            files,
            upload_limit: self.upload_limit(),
        }
    }

    /// The largest upload accepted, when the profile's server says: only "this computer" does.
    fn upload_limit(&self) -> Option<u64> {
        self.active_is_embedded()
            .then(|| self.engine().upload_limit())
    }

    /// Uploads the file at `path` (purpose `assistants`), streaming it from disk and telling
    /// `progress` how far it is. A folder, an empty file or one past the limit is refused first,
    /// with its name and why.
    pub async fn upload_local_file(
        &self,
        path: &Path,
        progress: impl Fn(UploadProgressView) + Send + Sync + 'static,
    ) -> Result<FileObject, BackendError> {
        let file = check_uploadable(path, self.upload_limit()).await?;
        let total = file.bytes;
        progress(UploadProgressView { sent: 0, total });
        let backend = self.backend()?;
        backend
            .upload_document(
                path,
                &file.name,
                Arc::new(move |sent| progress(UploadProgressView { sent, total })),
            )
            .await
    }

    /// Deletes an uploaded file that was not sent after all (it leaves every vector store too).
    pub async fn discard_upload(&self, file_id: &str) -> Result<(), BackendError> {
        self.backend()?.delete_file(file_id).await
    }

    /// Indexes an uploaded file in the thread's vector store, made (and recorded on the thread)
    /// when it has none, so it is searchable by the time the message it is attached to runs.
    pub async fn index_for_thread(
        &self,
        thread_id: &str,
        file_id: &str,
    ) -> Result<VectorStoreFile, BackendError> {
        let backend = self.backend()?;
        let store_id = {
            // Files dropped together must end up in one store, not one each.
            let _one_at_a_time = self.store_setup.lock().await;
            let thread = backend.thread(thread_id).await?;
            match first_store(thread.tool_resources.as_ref()) {
                Some(id) => id,
                None => {
                    let store = backend
                        .create_vector_store(CreateVectorStoreRequest {
                            expires_after: Some(VectorStoreExpiresAfter {
                                anchor: LastActiveAtAnchor,
                                days: THREAD_STORE_IDLE_DAYS,
                            }),
                            ..Default::default()
                        })
                        .await?;
                    let request = ModifyThreadRequest {
                        tool_resources: Some(Some(with_store(thread.tool_resources, &store.id))),
                        ..Default::default()
                    };
                    backend.modify_thread(thread_id, request).await?;
                    store.id
                }
            }
        };
        index_in(backend.as_ref(), &store_id, file_id).await
    }

    /// Indexes an uploaded file in the assistant's vector store, made when it has none; the
    /// assistant gets the file_search tool if it did not have it, so it searches what it was given.
    pub async fn index_for_assistant(
        &self,
        assistant_id: &str,
        file_id: &str,
    ) -> Result<VectorStoreFile, BackendError> {
        let backend = self.backend()?;
        let store_id = {
            let _one_at_a_time = self.store_setup.lock().await;
            let assistant = backend.assistant(assistant_id).await?;
            let existing = first_store(assistant.tool_resources.as_ref());
            let searches = assistant
                .tools
                .iter()
                .any(|tool| matches!(tool, AssistantTool::FileSearch { .. }));
            let store_id = match existing.clone() {
                Some(id) => id,
                None => {
                    backend
                        .create_vector_store(CreateVectorStoreRequest {
                            name: Some(super::knowledge::store_name(&assistant)),
                            ..Default::default()
                        })
                        .await?
                        .id
                }
            };
            if existing.is_none() || !searches {
                let mut tools = assistant.tools.clone();
                if !searches {
                    tools.push(AssistantTool::FileSearch { file_search: None });
                }
                let request = ModifyAssistantRequest {
                    tools: Some(tools),
                    tool_resources: Some(Some(with_store(assistant.tool_resources, &store_id))),
                    ..Default::default()
                };
                backend.modify_assistant(assistant_id, request).await?;
            }
            store_id
        };
        index_in(backend.as_ref(), &store_id, file_id).await
    }

    /// A file's indexing status in a vector store.
    pub async fn indexing_status(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> Result<VectorStoreFile, BackendError> {
        self.backend()?
            .vector_store_file(vector_store_id, file_id)
            .await
    }

    /// Takes a file out of a vector store (when a chip is removed or its tool switched).
    pub async fn unindex(&self, vector_store_id: &str, file_id: &str) -> Result<(), BackendError> {
        self.backend()?
            .remove_vector_store_file(vector_store_id, file_id)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn unusable_paths_are_refused_with_their_name_and_reason() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pdf");
        std::fs::write(&empty, b"").unwrap();
        let big = dir.path().join("film.pdf");
        std::fs::write(&big, vec![1u8; 2048]).unwrap();
        let folder = dir.path().join("binaries");
        std::fs::create_dir(&folder).unwrap();

        let refused = |path: PathBuf, limit| async move {
            check_uploadable(&path, limit)
                .await
                .expect_err("the path should be refused")
                .to_string()
        };
        assert_eq!(
            refused(empty, None).await,
            "'empty.pdf' is empty: there is nothing in it to read."
        );
        assert_eq!(
            refused(folder, None).await,
            "'binaries' is a folder; drop the files inside it instead."
        );
        let too_large = refused(big.clone(), Some(1024)).await;
        assert!(
            too_large.starts_with("'film.pdf' is too large"),
            "{too_large}"
        );
        let gone = refused(dir.path().join("gone.txt"), None).await;
        assert!(gone.starts_with("'gone.txt' cannot be read"), "{gone}");
        assert_eq!(check_uploadable(&big, None).await.unwrap().bytes, 2048);
    }
}
