//! Settings → "Let programs on this computer use Hearth": the app's own Assistants v2 server on
//! loopback, over the engine the window uses.

use hearth_desktop::{ApiServerView, AppError, Hearth};
use tauri::State;

/// Whether the server is on, and its address.
#[tauri::command]
#[specta::specta]
pub async fn api_server_status(hearth: State<'_, Hearth>) -> Result<ApiServerView, AppError> {
    Ok(hearth.api_server().await)
}

/// Turns the server on; the first time, the answer carries the new token (shown once).
#[tauri::command]
#[specta::specta]
pub async fn start_api_server(hearth: State<'_, Hearth>) -> Result<ApiServerView, AppError> {
    Ok(hearth.start_api_server().await?)
}

/// Turns the server off.
#[tauri::command]
#[specta::specta]
pub async fn stop_api_server(hearth: State<'_, Hearth>) -> Result<ApiServerView, AppError> {
    Ok(hearth.stop_api_server().await?)
}

/// Replaces the token; the answer carries the new one (shown once).
#[tauri::command]
#[specta::specta]
pub async fn new_api_server_token(hearth: State<'_, Hearth>) -> Result<ApiServerView, AppError> {
    Ok(hearth.new_api_server_token().await?)
}
