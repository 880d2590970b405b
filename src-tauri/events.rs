//! Events the window listens to (typed in the generated bindings).

use std::time::Duration;

use hearth_desktop::Hearth;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager};
use tauri_specta::Event;

/// Something changed outside the window — a program used the app's API server — so the lists
/// (assistants, threads, the open thread's runs and messages) should be read again.
#[derive(Debug, Clone, Serialize, Deserialize, Type, Event)]
pub struct DataChanged;

/// Changes closer together than this reach the window as one event, so a script making many
/// requests does not make the window reload its lists for each.
const COALESCE: Duration = Duration::from_millis(200);

/// Tells the window of every change the API server announces, for as long as the app runs.
pub fn forward_api_changes(app: &AppHandle) {
    let mut changes = app.state::<Hearth>().api_changes();
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        while changes.changed().await.is_ok() {
            tokio::time::sleep(COALESCE).await;
            changes.mark_unchanged();
            if let Err(error) = DataChanged.emit(&app) {
                log::warn!("could not tell the window of a change: {error}");
            }
        }
    });
}
