//! The downloads a fresh install offers: the default model and the built-in embedder, each
//! started by the person's click.

use hearth_desktop::{AppError, DownloadProgressView, Hearth, LocalModelView, SetupOffers};
use tauri::State;
use tauri::ipc::Channel;

/// The default model and the built-in embedder, with sizes, sources and whether each is there.
#[tauri::command]
#[specta::specta]
pub async fn setup_offers(hearth: State<'_, Hearth>) -> Result<SetupOffers, AppError> {
    Ok(hearth.setup_offers()?)
}

/// Downloads the default model, checked against its pinned SHA-256; progress on `on_progress`.
#[tauri::command]
#[specta::specta]
pub async fn download_default_model(
    hearth: State<'_, Hearth>,
    on_progress: Channel<DownloadProgressView>,
) -> Result<LocalModelView, AppError> {
    Ok(hearth
        .download_default_model(|progress| {
            // A closed window just stops listening; the download goes on.
            let _ = on_progress.send(progress);
        })
        .await?)
}

/// Downloads the built-in embedder, checks it and starts using it; progress on `on_progress`.
#[tauri::command]
#[specta::specta]
pub async fn install_embedder(
    hearth: State<'_, Hearth>,
    on_progress: Channel<DownloadProgressView>,
) -> Result<SetupOffers, AppError> {
    Ok(hearth
        .install_builtin_embedder(|progress| {
            let _ = on_progress.send(progress);
        })
        .await?)
}
