//! Search across every message of the profile (full-text, from its store, so it works offline).

use hearth_desktop::Hearth;
use serde::Serialize;
use specta::Type;
use tauri::State;

use super::off_the_window;
use crate::error::AppError;

/// Hits returned per search; the list shows the best ones.
const SEARCH_LIMIT: u32 = 50;

/// One message found.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub message_id: String,
    pub thread_id: String,
    pub assistant_id: Option<String>,
    /// Unix seconds.
    pub created_at: f64,
    /// Text around the hits; each hit is between U+0002 and U+0003.
    pub snippet: String,
}

/// Messages matching every word of `query` (the last as a prefix), best first.
#[tauri::command]
#[specta::specta]
pub async fn search_messages(
    hearth: State<'_, Hearth>,
    query: String,
    assistant_id: Option<String>,
) -> Result<Vec<SearchHit>, AppError> {
    let store = hearth.backend()?.store().clone();
    let hits = off_the_window(move || {
        Ok(store.search_messages(&query, assistant_id.as_deref(), SEARCH_LIMIT)?)
    })
    .await?;
    Ok(hits
        .into_iter()
        .map(|hit| SearchHit {
            message_id: hit.message_id,
            thread_id: hit.thread_id,
            assistant_id: hit.assistant_id,
            created_at: hit.created_at as f64,
            snippet: hit.snippet,
        })
        .collect())
}
