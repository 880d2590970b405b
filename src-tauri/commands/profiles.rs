//! Profiles: "this computer" and remote Assistants v2 servers (token in the keychain only).

use hearth_desktop::{AppError, Connection, Hearth, ProfileInfo};
use tauri::{AppHandle, Manager, State};

use super::blocking::with_hearth;

/// Every profile, "this computer" first.
#[tauri::command]
#[specta::specta]
pub async fn list_profiles(app: AppHandle) -> Vec<ProfileInfo> {
    app.state::<Hearth>().profiles()
}

/// Switches to another profile.
#[tauri::command]
#[specta::specta]
pub async fn use_profile(app: AppHandle, id: String) -> Result<(), AppError> {
    with_hearth(app, move |hearth| Ok(hearth.use_profile(&id)?)).await
}

/// Adds a remote profile; the token goes to the OS keychain.
#[tauri::command]
#[specta::specta]
pub async fn add_remote_profile(
    app: AppHandle,
    name: String,
    base_url: String,
    token: Option<String>,
) -> Result<ProfileInfo, AppError> {
    with_hearth(app, move |hearth| {
        Ok(hearth
            .add_remote(&name, &base_url, token.as_deref())?
            .into())
    })
    .await
}

/// Removes a remote profile with its token and offline copy.
#[tauri::command]
#[specta::specta]
pub async fn remove_remote_profile(app: AppHandle, id: String) -> Result<(), AppError> {
    with_hearth(app, move |hearth| Ok(hearth.remove_remote(&id)?)).await
}

/// Whether the profile in use can reach its server.
#[tauri::command]
#[specta::specta]
pub async fn check_connection(hearth: State<'_, Hearth>) -> Result<Connection, AppError> {
    Ok(hearth.connection().await?)
}
