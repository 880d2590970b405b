//! How the window's web view is set up beyond what Tauri configures.

/// On Linux, WebKitGTK's defaults suit a browser: GPU compositing layers and large in-memory caches
/// of pages and resources. Hearth shows text and simple layouts from files inside the app, so it
/// renders without compositing layers and with the smallest caches, which roughly halves the web
/// process's memory (figures in the desktop benchmark).
#[cfg(target_os = "linux")]
pub fn tune(window: &tauri::WebviewWindow) {
    use webkit2gtk::{
        CacheModel, HardwareAccelerationPolicy, SettingsExt, WebContextExt, WebViewExt,
    };
    let tuned = window.with_webview(|webview| {
        let view = webview.inner();
        if let Some(settings) = WebViewExt::settings(&view) {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
        if let Some(context) = view.context() {
            context.set_cache_model(CacheModel::DocumentViewer);
        }
    });
    if let Err(error) = tuned {
        log::warn!("the web view kept its default settings: {error}");
    }
}

/// Other platforms' web views manage their memory themselves.
#[cfg(not(target_os = "linux"))]
pub fn tune(_window: &tauri::WebviewWindow) {}
