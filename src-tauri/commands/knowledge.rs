//! Files and vector stores: the Knowledge page, the files of an assistant's tools, and the page or
//! section of a cited passage. Files are uploaded from the paths the open dialog gave: their bytes
//! are read on this side and never pass through the window.

use std::path::PathBuf;

use hearth_desktop::knowledge::{
    AssistantFileTool, KnowledgeOverview, NamedStoreFile, PassagePlace, ScoredChunk,
};
use hearth_desktop::{AppError, Hearth};
use hearth_wire::{Assistant, FileObject};
use tauri::State;

/// Every file and vector store of the profile, with what uses each.
#[tauri::command]
#[specta::specta]
pub async fn knowledge_overview(hearth: State<'_, Hearth>) -> Result<KnowledgeOverview, AppError> {
    Ok(hearth.knowledge_overview().await?)
}

/// Uploads the file at `path` for assistants.
#[tauri::command]
#[specta::specta]
pub async fn upload_file(hearth: State<'_, Hearth>, path: String) -> Result<FileObject, AppError> {
    Ok(hearth.upload_file(&PathBuf::from(path)).await?)
}

/// Deletes a file; it leaves every vector store it was in.
#[tauri::command]
#[specta::specta]
pub async fn delete_file(hearth: State<'_, Hearth>, file_id: String) -> Result<(), AppError> {
    Ok(hearth.delete_file(&file_id).await?)
}

/// Deletes a vector store; its files stay.
#[tauri::command]
#[specta::specta]
pub async fn delete_vector_store(
    hearth: State<'_, Hearth>,
    vector_store_id: String,
) -> Result<(), AppError> {
    Ok(hearth.delete_vector_store(&vector_store_id).await?)
}

/// A vector store's files with their names and indexing status.
#[tauri::command]
#[specta::specta]
pub async fn vector_store_files(
    hearth: State<'_, Hearth>,
    vector_store_id: String,
) -> Result<Vec<NamedStoreFile>, AppError> {
    Ok(hearth.vector_store_files(&vector_store_id).await?)
}

/// Indexes a file of a vector store again.
#[tauri::command]
#[specta::specta]
pub async fn reindex_vector_store_file(
    hearth: State<'_, Hearth>,
    vector_store_id: String,
    file_id: String,
) -> Result<NamedStoreFile, AppError> {
    Ok(hearth
        .reindex_vector_store_file(&vector_store_id, &file_id)
        .await?)
}

/// The passages of a vector store that best answer `query`, with their scores.
#[tauri::command]
#[specta::specta]
pub async fn search_vector_store(
    hearth: State<'_, Hearth>,
    vector_store_id: String,
    query: String,
) -> Result<Vec<ScoredChunk>, AppError> {
    Ok(hearth.search_vector_store(&vector_store_id, &query).await?)
}

/// The page or section of a cited passage, when known.
#[tauri::command]
#[specta::specta]
pub async fn passage_place(
    hearth: State<'_, Hearth>,
    file_id: String,
    text: String,
) -> Result<Option<PassagePlace>, AppError> {
    Ok(hearth.passage_place(&file_id, &text).await?)
}

/// Gives an uploaded file to an assistant's file search (its vector store, made if needed) or
/// code interpreter.
#[tauri::command]
#[specta::specta]
pub async fn add_assistant_file(
    hearth: State<'_, Hearth>,
    assistant_id: String,
    file_id: String,
    tool: AssistantFileTool,
) -> Result<Assistant, AppError> {
    Ok(hearth
        .add_assistant_file(&assistant_id, &file_id, tool)
        .await?)
}

/// Takes a file away from an assistant's file search or code interpreter; the file stays.
#[tauri::command]
#[specta::specta]
pub async fn remove_assistant_file(
    hearth: State<'_, Hearth>,
    assistant_id: String,
    file_id: String,
    tool: AssistantFileTool,
) -> Result<Assistant, AppError> {
    Ok(hearth
        .remove_assistant_file(&assistant_id, &file_id, tool)
        .await?)
}

/// Makes an existing vector store the assistant's, or (with `null`) leaves it none.
#[tauri::command]
#[specta::specta]
pub async fn set_assistant_vector_store(
    hearth: State<'_, Hearth>,
    assistant_id: String,
    vector_store_id: Option<String>,
) -> Result<Assistant, AppError> {
    Ok(hearth
        .set_assistant_vector_store(&assistant_id, vector_store_id.as_deref())
        .await?)
}

/// Gives an assistant a new, empty vector store.
#[tauri::command]
#[specta::specta]
pub async fn create_assistant_vector_store(
    hearth: State<'_, Hearth>,
    assistant_id: String,
) -> Result<Assistant, AppError> {
    Ok(hearth.create_assistant_vector_store(&assistant_id).await?)
}
