//! The code interpreter's Python runtime: its state, and setting it up with progress.

use hearth_desktop::{AppError, CodeRuntimeProgress, CodeRuntimeView, Hearth};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

/// Whether the code interpreter's runtime is ready, and what it holds.
#[tauri::command]
#[specta::specta]
pub async fn code_runtime_status(hearth: State<'_, Hearth>) -> Result<CodeRuntimeView, AppError> {
    Ok(hearth.code_runtime().await)
}

/// Downloads and sets up the runtime (the person clicked Set up); progress arrives on `on_progress`.
#[tauri::command]
#[specta::specta]
pub async fn install_code_runtime(
    hearth: State<'_, Hearth>,
    on_progress: Channel<CodeRuntimeProgress>,
) -> Result<CodeRuntimeView, AppError> {
    Ok(hearth
        .install_code_runtime(|progress| {
            // A closed window just stops listening; the set-up goes on.
            let _ = on_progress.send(progress);
        })
        .await?)
}

/// Stops a set-up under way, changing nothing; `false` when none is.
#[tauri::command]
#[specta::specta]
pub async fn cancel_code_runtime_install(app: AppHandle) -> bool {
    app.state::<Hearth>().cancel_code_runtime_install()
}
