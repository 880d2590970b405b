//! Threads: the list (from the profile's store, so it works offline), create, rename, delete,
//! their messages, and the composer's drafts.

use hearth_desktop::{AppError, Hearth, MessageAnchor, MessageWindow, ThreadSummary};
use hearth_wire::Thread;
use tauri::{AppHandle, State};

use super::blocking::with_hearth;

/// Every thread, most recently active first; only one assistant's when given.
#[tauri::command]
#[specta::specta]
pub async fn list_threads(
    hearth: State<'_, Hearth>,
    assistant_id: Option<String>,
) -> Result<Vec<ThreadSummary>, AppError> {
    Ok(hearth.thread_summaries(assistant_id).await?)
}

/// Starts an empty thread.
#[tauri::command]
#[specta::specta]
pub async fn create_thread(hearth: State<'_, Hearth>) -> Result<Thread, AppError> {
    Ok(hearth.create_thread().await?)
}

/// Renames a thread; an empty title goes back to the first message.
#[tauri::command]
#[specta::specta]
pub async fn rename_thread(
    hearth: State<'_, Hearth>,
    thread_id: String,
    title: String,
) -> Result<(), AppError> {
    Ok(hearth.rename_thread(&thread_id, &title).await?)
}

/// Deletes a thread with its messages, runs and draft.
#[tauri::command]
#[specta::specta]
pub async fn delete_thread(hearth: State<'_, Hearth>, thread_id: String) -> Result<(), AppError> {
    Ok(hearth.delete_thread(&thread_id).await?)
}

/// At most `limit` consecutive messages of a thread placed by `anchor`, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn list_messages(
    hearth: State<'_, Hearth>,
    thread_id: String,
    anchor: MessageAnchor,
    limit: u32,
) -> Result<MessageWindow, AppError> {
    Ok(hearth.message_window(&thread_id, &anchor, limit).await?)
}

/// The unsent text of a composer (`key` is a thread id, or `new` for a thread not started).
#[tauri::command]
#[specta::specta]
pub async fn get_draft(app: AppHandle, key: String) -> Result<Option<String>, AppError> {
    with_hearth(app, move |hearth| Ok(hearth.draft(&key)?)).await
}

/// Keeps a composer's unsent text; empty text clears it.
#[tauri::command]
#[specta::specta]
pub async fn set_draft(app: AppHandle, key: String, text: String) -> Result<(), AppError> {
    // A commit with an fsync.
    with_hearth(app, move |hearth| Ok(hearth.set_draft(&key, &text)?)).await
}
