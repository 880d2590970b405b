//! Documents dropped on the window or chosen in the open dialog: uploaded from their path (the
//! window never reads their bytes) with progress on a channel, then indexed for file_search in a
//! thread's or an assistant's vector store.

use std::path::PathBuf;

use hearth_desktop::{AppError, Hearth, IndexingView, LocalFiles, UploadProgressView};
use hearth_wire::FileObject;
use tauri::State;
use tauri::ipc::Channel;

/// What each dropped or chosen path is (name, size, folder or not) and the upload limit.
#[tauri::command]
#[specta::specta]
pub async fn describe_local_files(
    hearth: State<'_, Hearth>,
    paths: Vec<String>,
) -> Result<LocalFiles, AppError> {
    let paths = paths.into_iter().map(PathBuf::from).collect();
    Ok(hearth.describe_local_files(paths).await)
}

/// Uploads the file at `path`; progress arrives on `on_progress`.
#[tauri::command]
#[specta::specta]
pub async fn upload_local_file(
    hearth: State<'_, Hearth>,
    path: String,
    on_progress: Channel<UploadProgressView>,
) -> Result<FileObject, AppError> {
    Ok(hearth
        .upload_local_file(&PathBuf::from(path), move |progress| {
            // A closed window just stops listening; the upload goes on.
            let _ = on_progress.send(progress);
        })
        .await?)
}

/// Deletes an uploaded file that will not be sent after all.
#[tauri::command]
#[specta::specta]
pub async fn discard_upload(hearth: State<'_, Hearth>, file_id: String) -> Result<(), AppError> {
    Ok(hearth.discard_upload(&file_id).await?)
}

/// Indexes an uploaded file in the thread's vector store (made when missing).
#[tauri::command]
#[specta::specta]
pub async fn index_for_thread(
    hearth: State<'_, Hearth>,
    thread_id: String,
    file_id: String,
) -> Result<IndexingView, AppError> {
    Ok(hearth.index_for_thread(&thread_id, &file_id).await?.into())
}

/// Indexes an uploaded file in the assistant's vector store (made when missing), turning its
/// file_search on.
#[tauri::command]
#[specta::specta]
pub async fn index_for_assistant(
    hearth: State<'_, Hearth>,
    assistant_id: String,
    file_id: String,
) -> Result<IndexingView, AppError> {
    Ok(hearth
        .index_for_assistant(&assistant_id, &file_id)
        .await?
        .into())
}

/// A file's indexing status in a vector store.
#[tauri::command]
#[specta::specta]
pub async fn indexing_status(
    hearth: State<'_, Hearth>,
    vector_store_id: String,
    file_id: String,
) -> Result<IndexingView, AppError> {
    Ok(hearth
        .indexing_status(&vector_store_id, &file_id)
        .await?
        .into())
}

/// Takes a file out of a vector store.
#[tauri::command]
#[specta::specta]
pub async fn unindex_file(
    hearth: State<'_, Hearth>,
    vector_store_id: String,
    file_id: String,
) -> Result<(), AppError> {
    Ok(hearth.unindex(&vector_store_id, &file_id).await?)
}
