//! Assistants: list, create, edit, delete, with Assistants v2 request bodies.

use hearth_desktop::{AppError, Hearth};
use hearth_wire::{Assistant, CreateAssistantRequest, ModifyAssistantRequest};
use tauri::State;

/// Every assistant of the profile, newest first.
#[tauri::command]
#[specta::specta]
pub async fn list_assistants(hearth: State<'_, Hearth>) -> Result<Vec<Assistant>, AppError> {
    Ok(hearth.backend()?.list_assistants().await?)
}

/// Creates an assistant; the engine checks each field by the server's rules.
#[tauri::command]
#[specta::specta]
pub async fn create_assistant(
    hearth: State<'_, Hearth>,
    body: CreateAssistantRequest,
) -> Result<Assistant, AppError> {
    Ok(hearth.backend()?.create_assistant(body).await?)
}

/// Changes an assistant: fields left out stay as they are.
#[tauri::command]
#[specta::specta]
pub async fn modify_assistant(
    hearth: State<'_, Hearth>,
    assistant_id: String,
    body: ModifyAssistantRequest,
) -> Result<Assistant, AppError> {
    Ok(hearth
        .backend()?
        .modify_assistant(&assistant_id, body)
        .await?)
}

/// Deletes an assistant; its threads stay.
#[tauri::command]
#[specta::specta]
pub async fn delete_assistant(
    hearth: State<'_, Hearth>,
    assistant_id: String,
) -> Result<(), AppError> {
    Ok(hearth.backend()?.delete_assistant(&assistant_id).await?)
}
