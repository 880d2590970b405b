//! The app's IPC commands. Each one takes its state and arguments, makes one call and maps the error.

use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, Manager};

use hearth_desktop::AppError;

/// What the settings screen shows about this installation.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub name: String,
    pub version: String,
    /// Where Hearth keeps its data on this computer.
    pub data_dir: String,
    /// Where Hearth writes its log files.
    pub log_dir: String,
}

/// Name, version and folders of the running app.
#[tauri::command]
#[specta::specta]
pub async fn app_info(app: AppHandle) -> Result<AppInfo, AppError> {
    let paths = app.path();
    let data_dir = paths
        .app_data_dir()
        .map_err(|e| AppError::internal("while finding the data folder", e))?;
    let log_dir = paths
        .app_log_dir()
        .map_err(|e| AppError::internal("while finding the log folder", e))?;
    let package = app.package_info();
    Ok(AppInfo {
        name: package.name.clone(),
        version: package.version.to_string(),
        data_dir: data_dir.display().to_string(),
        log_dir: log_dir.display().to_string(),
    })
}
