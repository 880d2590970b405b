//! Threads: the list (from the profile's store, so it works offline), create, rename, delete,
//! their messages, and the composer's drafts.

use hearth_desktop::{Hearth, MessageAnchor};
use hearth_wire::{CreateThreadRequest, ModifyThreadRequest};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use super::{Json, off_the_window, to_json, to_json_list};
use crate::error::AppError;

/// One line of the thread list.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ThreadSummary {
    pub id: String,
    /// The given title, else the first user message.
    pub title: String,
    pub renamed: bool,
    pub assistant_id: Option<String>,
    /// Unix seconds.
    pub created_at: f64,
    /// Unix seconds of the latest message.
    pub updated_at: f64,
    pub preview: String,
}

/// Every thread, most recently active first; only one assistant's when given.
#[tauri::command]
#[specta::specta]
pub async fn list_threads(
    hearth: State<'_, Hearth>,
    assistant_id: Option<String>,
) -> Result<Vec<ThreadSummary>, AppError> {
    let store = hearth.backend()?.store().clone();
    let summaries =
        off_the_window(move || Ok(store.thread_summaries(assistant_id.as_deref())?)).await?;
    Ok(summaries
        .into_iter()
        .map(|summary| ThreadSummary {
            id: summary.id,
            title: summary.title,
            renamed: summary.renamed,
            assistant_id: summary.assistant_id,
            created_at: summary.created_at as f64,
            updated_at: summary.updated_at as f64,
            preview: summary.preview,
        })
        .collect())
}

/// Starts an empty thread.
#[tauri::command]
#[specta::specta]
pub async fn create_thread(hearth: State<'_, Hearth>) -> Result<Json, AppError> {
    let thread = hearth
        .backend()?
        .create_thread(CreateThreadRequest::default())
        .await?;
    to_json(&thread)
}

/// Longest title kept; the API allows 512 characters per metadata value.
const MAX_TITLE_CHARS: usize = 512;

/// Renames a thread (its `title` metadata; an empty title goes back to the first message).
#[tauri::command]
#[specta::specta]
pub async fn rename_thread(
    hearth: State<'_, Hearth>,
    thread_id: String,
    title: String,
) -> Result<(), AppError> {
    let title = title.trim();
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(AppError::invalid(format!(
            "A title can be at most {MAX_TITLE_CHARS} characters."
        )));
    }
    let backend = hearth.backend()?;
    // Metadata is replaced whole; keep what others put there.
    let mut metadata = backend
        .store()
        .get_thread(&thread_id)?
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
    backend.modify_thread(&thread_id, request).await?;
    Ok(())
}

/// Deletes a thread with its messages and runs.
#[tauri::command]
#[specta::specta]
pub async fn delete_thread(hearth: State<'_, Hearth>, thread_id: String) -> Result<(), AppError> {
    let backend = hearth.backend()?;
    backend.delete_thread(&thread_id).await?;
    backend.store().set_draft(&thread_id, "")?;
    Ok(())
}

/// Where the messages asked for sit in their thread.
#[derive(Debug, Clone, Deserialize, Type)]
#[serde(rename_all = "camelCase", tag = "kind", content = "messageId")]
pub enum Anchor {
    /// The thread's last messages.
    Latest,
    /// The messages just before this one.
    Before(String),
    /// The messages just after this one.
    After(String),
    /// This message and those around it.
    Around(String),
}

/// Consecutive messages of a thread, oldest first.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct MessageWindow {
    pub messages: Vec<Json>,
    pub has_earlier: bool,
    pub has_later: bool,
}

/// Most messages one call returns; a view shows a window of a long thread, never all of it.
const MAX_WINDOW: u32 = 500;

/// At most `limit` consecutive messages of a thread placed by `anchor`, oldest first.
#[tauri::command]
#[specta::specta]
pub async fn list_messages(
    hearth: State<'_, Hearth>,
    thread_id: String,
    anchor: Anchor,
    limit: u32,
) -> Result<MessageWindow, AppError> {
    let anchor = match anchor {
        Anchor::Latest => MessageAnchor::Latest,
        Anchor::Before(id) => MessageAnchor::Before(id),
        Anchor::After(id) => MessageAnchor::After(id),
        Anchor::Around(id) => MessageAnchor::Around(id),
    };
    let window = hearth
        .backend()?
        .message_window(&thread_id, &anchor, limit.clamp(1, MAX_WINDOW))
        .await?;
    Ok(MessageWindow {
        messages: to_json_list(&window.messages)?,
        has_earlier: window.has_earlier,
        has_later: window.has_later,
    })
}

/// The unsent text of a composer (`key` is a thread id, or `new` for a thread not started).
#[tauri::command]
#[specta::specta]
pub fn get_draft(hearth: State<'_, Hearth>, key: String) -> Result<Option<String>, AppError> {
    Ok(hearth.backend()?.store().draft(&key)?)
}

/// Keeps a composer's unsent text; empty text clears it.
#[tauri::command]
#[specta::specta]
pub fn set_draft(hearth: State<'_, Hearth>, key: String, text: String) -> Result<(), AppError> {
    Ok(hearth.backend()?.store().set_draft(&key, &text)?)
}
