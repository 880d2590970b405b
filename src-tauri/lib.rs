//! The Hearth desktop shell: the window, plugins, capabilities and the IPC commands. Logic lives in the
//! crates under `crates/`; this crate wires them to the window.

mod bindings;
#[cfg(test)]
mod command_names;
mod commands;
mod events;
mod webview;
mod window_state;

use hearth_desktop::{Hearth, Paths};
use tauri::Manager;
use tauri_plugin_log::{RotationStrategy, Target, TargetKind};

/// Log files rotate at this size; a few old ones are kept for bug reports.
const LOG_FILE_MAX_BYTES: u128 = 5 * 1024 * 1024;
const LOG_FILES_KEPT: usize = 4;

/// Starts the app and blocks until its last window closes.
pub fn run() {
    let ipc = bindings::builder();

    tauri::Builder::default()
        // Must come first: a second launch hands over to the running app before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(
            tauri_plugin_log::Builder::new()
                .clear_targets()
                .targets([
                    Target::new(TargetKind::LogDir {
                        file_name: Some("hearth".into()),
                    }),
                    Target::new(TargetKind::Stderr),
                ])
                .rotation_strategy(RotationStrategy::KeepSome(LOG_FILES_KEPT))
                .max_file_size(LOG_FILE_MAX_BYTES)
                .level(log::LevelFilter::Info)
                .build(),
        )
        .invoke_handler(ipc.invoke_handler())
        .setup(move |app| {
            ipc.mount_events(app);
            // First, before the data folder is opened (which can take a while): the window is
            // already on the screen, and a move or resize made meanwhile must be kept too.
            if let Some(window) = app.get_webview_window("main") {
                webview::tune(&window);
                window_state::save_when_settled(&window);
            }
            let hearth = match open_hearth(app.handle()) {
                Ok(hearth) => hearth,
                Err(error) => {
                    refuse_to_start(app.handle(), &error.to_string());
                    return Ok(());
                }
            };
            app.manage(hearth);
            events::forward_api_changes(app.handle());
            let handle = app.handle().clone();
            // The API server, when it was left on; it binds a port, so not on this thread.
            tauri::async_runtime::spawn(async move {
                handle.state::<Hearth>().resume_api_server().await;
            });
            log::info!("Hearth {} started", app.package_info().version);
            Ok(())
        })
        .build(tauri::generate_context!())
        .expect("Hearth could not start its window")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event
                && let Some(hearth) = app.try_state::<Hearth>()
            {
                // Runs in progress end `cancelled` instead of being left for recovery.
                hearth.engine().cancel_all();
                // Python sessions end with the app (their sandboxes would die with it anyway; this
                // also removes their folders).
                let engine = hearth.engine().clone();
                tauri::async_runtime::block_on(async move {
                    let ending = engine.end_code_sessions();
                    let _ = tokio::time::timeout(std::time::Duration::from_secs(3), ending).await;
                });
            }
        });
}

/// Says why Hearth cannot open (another program holds its data folder, say) in a dialog, with
/// the window hidden, and exits when it is dismissed.
fn refuse_to_start(app: &tauri::AppHandle, message: &str) {
    use tauri_plugin_dialog::{DialogExt, MessageDialogKind};
    log::error!("Hearth cannot open: {message}");
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.hide();
    }
    let exit = app.clone();
    app.dialog()
        .message(message)
        .title("Hearth cannot open")
        .kind(MessageDialogKind::Error)
        .show(move |_| exit.exit(1));
}

/// Opens the data of "this computer" in the OS data folder, settings in the config folder.
fn open_hearth(app: &tauri::AppHandle) -> Result<Hearth, Box<dyn std::error::Error>> {
    let paths = app.path();
    let data_dir = paths.app_data_dir()?;
    let settings_file = paths.app_config_dir()?.join("settings.json");
    Ok(Hearth::open(Paths {
        data_dir,
        settings_file,
    })?)
}
