//! Exporting a thread to a file and importing one back, through the system's save and open
//! dialogs run here: the paths written and read are always ones the person chose, never one the
//! page (which shows untrusted model output) could pass in.

use std::path::PathBuf;

use hearth_desktop::{AppError, ExportFormat, Hearth, suggested_export_name};
use hearth_wire::Thread;
use tauri::State;
use tauri_plugin_dialog::{DialogExt, FilePath};

/// Asks where to export the thread (suggesting its title) and writes it there in `format`,
/// whole or not at all. The saved path, or `null` when the person cancelled.
#[tauri::command]
#[specta::specta]
pub async fn export_thread(
    window: tauri::WebviewWindow,
    hearth: State<'_, Hearth>,
    thread_id: String,
    format: ExportFormat,
) -> Result<Option<String>, AppError> {
    let title = hearth.thread_title(&thread_id).await?;
    let (chosen, answer) = tokio::sync::oneshot::channel();
    window
        .dialog()
        .file()
        .set_parent(&window)
        .set_title(format!("Export “{title}” as {}", format.label()))
        .set_file_name(suggested_export_name(&title, format))
        .add_filter(format.label(), &[format.extension()])
        .save_file(move |path| {
            let _ = chosen.send(path);
        });
    let Some(path) = chosen_path(answer.await.ok().flatten())? else {
        return Ok(None);
    };
    hearth.export_thread(&thread_id, format, &path).await?;
    Ok(Some(path.display().to_string()))
}

/// Asks for a thread exported as JSON and makes it a new thread of the profile in use; the
/// new thread, or `null` when the person cancelled.
#[tauri::command]
#[specta::specta]
pub async fn import_thread(
    window: tauri::WebviewWindow,
    hearth: State<'_, Hearth>,
) -> Result<Option<Thread>, AppError> {
    let (chosen, answer) = tokio::sync::oneshot::channel();
    window
        .dialog()
        .file()
        .set_parent(&window)
        .set_title("Import a thread")
        .add_filter(ExportFormat::Json.label(), &["json"])
        .pick_file(move |path| {
            let _ = chosen.send(path);
        });
    let Some(path) = chosen_path(answer.await.ok().flatten())? else {
        return Ok(None);
    };
    Ok(Some(hearth.import_thread(&path).await?))
}

fn chosen_path(chosen: Option<FilePath>) -> Result<Option<PathBuf>, AppError> {
    chosen
        .map(|path| {
            path.into_path()
                .map_err(|error| AppError::invalid(format!("That place cannot be used: {error}")))
        })
        .transpose()
}
