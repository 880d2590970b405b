//! Profiles: "this computer" and remote Assistants v2 servers (token in the keychain only).

use hearth_desktop::{AppError, Connection, Hearth, ProfileInfo};
use tauri::State;

/// Every profile, "this computer" first.
#[tauri::command]
#[specta::specta]
pub fn list_profiles(hearth: State<'_, Hearth>) -> Vec<ProfileInfo> {
    hearth.profiles()
}

/// Switches to another profile.
#[tauri::command]
#[specta::specta]
pub fn use_profile(hearth: State<'_, Hearth>, id: String) -> Result<(), AppError> {
    Ok(hearth.use_profile(&id)?)
}

/// Adds a remote profile; the token goes to the OS keychain.
#[tauri::command]
#[specta::specta]
pub fn add_remote_profile(
    hearth: State<'_, Hearth>,
    name: String,
    base_url: String,
    token: Option<String>,
) -> Result<ProfileInfo, AppError> {
    Ok(hearth
        .add_remote(&name, &base_url, token.as_deref())?
        .into())
}

/// Removes a remote profile with its token and offline copy.
#[tauri::command]
#[specta::specta]
pub fn remove_remote_profile(hearth: State<'_, Hearth>, id: String) -> Result<(), AppError> {
    Ok(hearth.remove_remote(&id)?)
}

/// Whether the profile in use can reach its server.
#[tauri::command]
#[specta::specta]
pub async fn check_connection(hearth: State<'_, Hearth>) -> Result<Connection, AppError> {
    Ok(hearth.connection().await?)
}
