//! Profiles: "this computer" and remote Assistants v2 servers (token in the keychain only).

use hearth_desktop::{Hearth, ProfileInfo};
use serde::Serialize;
use specta::Type;
use tauri::State;

use crate::error::AppError;

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
    let profile = hearth.add_remote(&name, &base_url, token.as_deref())?;
    Ok(ProfileInfo {
        id: profile.id,
        name: profile.name,
        base_url: Some(profile.base_url),
        active: false,
    })
}

/// Removes a remote profile with its token and offline copy.
#[tauri::command]
#[specta::specta]
pub fn remove_remote_profile(hearth: State<'_, Hearth>, id: String) -> Result<(), AppError> {
    Ok(hearth.remove_remote(&id)?)
}

/// Whether the profile in use can reach its server.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    pub online: bool,
    /// The server, for a remote profile.
    pub base_url: Option<String>,
}

/// Checks the profile's connection now (a remote profile asks its server).
#[tauri::command]
#[specta::specta]
pub async fn check_connection(hearth: State<'_, Hearth>) -> Result<Connection, AppError> {
    let online = hearth.check_connection().await?;
    let base_url = hearth
        .profiles()
        .into_iter()
        .find(|profile| profile.active)
        .and_then(|profile| profile.base_url);
    Ok(Connection { online, base_url })
}
