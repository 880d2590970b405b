//! Files in answers: a chip's name and size, an image's bytes for the window to show, and "Save
//! as…" through the system's save dialog.
//!
//! Images reach the window as base64 text that it turns into a `blob:` URL, which the CSP already
//! allows: no new URL scheme the page could load from, and every read goes through the
//! permission system like any other command. The cost, a third more bytes on the way, is small
//! for charts of tens or hundreds of kilobytes.
//!
//! The save dialog runs here, not in the window: the path a file is written to is always one the
//! person chose, never one a page (which shows untrusted model output) could pass in.

use base64::Engine as _;
use hearth_desktop::{AppError, Hearth, suggested_file_name};
use hearth_wire::FileObject;
use tauri::State;
use tauri_plugin_dialog::DialogExt;

/// A file's name, size and purpose.
#[tauri::command]
#[specta::specta]
pub async fn file_info(hearth: State<'_, Hearth>, file_id: String) -> Result<FileObject, AppError> {
    Ok(hearth.file(&file_id).await?)
}

/// A file's bytes as base64, for an image the window shows.
#[tauri::command]
#[specta::specta]
pub async fn file_content_base64(
    hearth: State<'_, Hearth>,
    file_id: String,
) -> Result<String, AppError> {
    let bytes = hearth.file_content(&file_id).await?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// Asks where to save a file (suggesting its own name) and writes its bytes there, whole or not
/// at all. The saved path, or `null` when the person cancelled.
#[tauri::command]
#[specta::specta]
pub async fn save_file_as(
    window: tauri::WebviewWindow,
    hearth: State<'_, Hearth>,
    file_id: String,
) -> Result<Option<String>, AppError> {
    let file = hearth.file(&file_id).await?;
    let (chosen, answer) = tokio::sync::oneshot::channel();
    window
        .dialog()
        .file()
        .set_parent(&window)
        .set_title(format!("Save {} as", file.filename))
        .set_file_name(suggested_file_name(&file))
        .save_file(move |path| {
            let _ = chosen.send(path);
        });
    let Some(path) = answer.await.ok().flatten() else {
        return Ok(None);
    };
    let path = path
        .into_path()
        .map_err(|error| AppError::invalid(format!("That place cannot be saved to: {error}")))?;
    hearth.save_file(&file_id, &path).await?;
    Ok(Some(path.display().to_string()))
}
