//! Search across every message of the profile (full-text, from its store, so it works offline).

use hearth_desktop::{AppError, Hearth, MessageHit};
use tauri::State;

/// Messages matching every word of `query` (the last as a prefix), best first.
#[tauri::command]
#[specta::specta]
pub async fn search_messages(
    hearth: State<'_, Hearth>,
    query: String,
    assistant_id: Option<String>,
) -> Result<Vec<MessageHit>, AppError> {
    Ok(hearth.search_messages(query, assistant_id).await?)
}
