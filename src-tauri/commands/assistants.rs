//! Assistants: list, create, edit, delete. Bodies are Assistants v2 request JSON, checked by the
//! same rules the server applies (unknown fields named, each field validated).

use hearth_desktop::Hearth;
use hearth_wire::{CreateAssistantRequest, ModifyAssistantRequest};
use tauri::State;

use super::{Json, parse, to_json, to_json_list};
use crate::error::AppError;

/// Every assistant of the profile, newest first.
#[tauri::command]
#[specta::specta]
pub async fn list_assistants(hearth: State<'_, Hearth>) -> Result<Vec<Json>, AppError> {
    let assistants = hearth.backend()?.list_assistants().await?;
    to_json_list(&assistants)
}

/// Creates an assistant from a `CreateAssistantRequest` body.
#[tauri::command]
#[specta::specta]
pub async fn create_assistant(hearth: State<'_, Hearth>, body: Json) -> Result<Json, AppError> {
    let request: CreateAssistantRequest = parse(body)?;
    let assistant = hearth.backend()?.create_assistant(request).await?;
    to_json(&assistant)
}

/// Changes an assistant with a `ModifyAssistantRequest` body.
#[tauri::command]
#[specta::specta]
pub async fn modify_assistant(
    hearth: State<'_, Hearth>,
    assistant_id: String,
    body: Json,
) -> Result<Json, AppError> {
    let request: ModifyAssistantRequest = parse(body)?;
    let assistant = hearth
        .backend()?
        .modify_assistant(&assistant_id, request)
        .await?;
    to_json(&assistant)
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
