//! The local models of "this computer": the GGUF files in the models folder, adding one from a
//! file (chosen in the native dialog or dropped on the window), downloading one with progress,
//! removing one.

use std::path::PathBuf;

use hearth_desktop::{AppError, DownloadProgressView, Hearth, LocalModelList, LocalModelView};
use tauri::{AppHandle, Manager, State};

use super::blocking::with_hearth;
use tauri::ipc::Channel;

/// The models folder and the GGUF models in it.
#[tauri::command]
#[specta::specta]
pub async fn list_local_models(app: AppHandle) -> Result<LocalModelList, AppError> {
    // Reads every model file's GGUF header.
    with_hearth(app, |hearth| Ok(hearth.local_model_list()?)).await
}

/// Deletes a model file.
#[tauri::command]
#[specta::specta]
pub async fn remove_local_model(app: AppHandle, id: String) -> Result<(), AppError> {
    with_hearth(app, move |hearth| Ok(hearth.remove_local_model(&id)?)).await
}

/// Copies a GGUF file (from the open dialog or a drop) into the models folder.
#[tauri::command]
#[specta::specta]
pub async fn add_local_model(
    hearth: State<'_, Hearth>,
    path: String,
) -> Result<LocalModelView, AppError> {
    Ok(hearth.add_local_model(PathBuf::from(path)).await?.into())
}

/// Downloads a model from `url` as `file_name`, checking `sha256` when given; progress arrives on
/// `on_progress`. A download of the same name that was cancelled resumes when the server allows
/// it safely. `allow_http` allows plain http for the URL's host (remembered in the settings).
#[tauri::command]
#[specta::specta]
pub async fn download_local_model(
    hearth: State<'_, Hearth>,
    url: String,
    file_name: String,
    sha256: Option<String>,
    allow_http: bool,
    on_progress: Channel<DownloadProgressView>,
) -> Result<LocalModelView, AppError> {
    Ok(hearth
        .download_model_reporting(url, file_name, sha256, allow_http, |progress| {
            // A closed window just stops listening; the download goes on.
            let _ = on_progress.send(progress);
        })
        .await?)
}

/// Stops a download, keeping what arrived; `false` when none of that name is under way.
#[tauri::command]
#[specta::specta]
pub async fn cancel_local_download(app: AppHandle, file_name: String) -> bool {
    app.state::<Hearth>().cancel_local_download(&file_name)
}
