//! Window size and position survive a crash or a forced quit. The window-state plugin writes its file
//! only on a clean exit, so the shell also saves shortly after the user stops moving or resizing.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::{Manager, Runtime, WebviewWindow, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// Long enough that a drag writes the file once, short enough that a quick quit after it still counts.
const SAVE_DELAY: Duration = Duration::from_millis(400);

/// Saves the window state once the window has stopped moving or resizing for `SAVE_DELAY`.
pub fn save_when_settled<R: Runtime>(window: &WebviewWindow<R>) {
    let app = window.app_handle().clone();
    let latest_change = Arc::new(AtomicU64::new(0));
    window.on_window_event(move |event| {
        if !matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
            return;
        }
        let this_change = latest_change.fetch_add(1, Ordering::SeqCst) + 1;
        let latest_change = latest_change.clone();
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(SAVE_DELAY).await;
            if latest_change.load(Ordering::SeqCst) == this_change
                && let Err(error) = app.save_window_state(StateFlags::all())
            {
                log::warn!("could not save the window's size and position: {error}");
            }
        });
    });
}
