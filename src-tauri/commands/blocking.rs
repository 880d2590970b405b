//! Work that blocks (SQLite with an fsync, the keychain over D-Bus, files on disk) runs on the
//! async runtime's blocking pool, never on the window's thread: in Tauri a command that is not
//! `async` runs on the main thread, where a slow disk or keychain would freeze the window.
//! Every command is therefore `async`, and the test at the end of this file keeps it so.

use hearth_desktop::{AppError, Hearth};
use tauri::{AppHandle, Manager};

/// Runs `work` with the app's state on the blocking pool and waits for it without blocking.
pub async fn with_hearth<T: Send + 'static>(
    app: AppHandle,
    work: impl FnOnce(&Hearth) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(move || work(&app.state::<Hearth>()))
        .await
        .map_err(|error| AppError::internal("while working in the background", error))?
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// A source scan rather than a type check: Tauri's macros erase whether a command was
    /// `async`, so the attribute and the signature that follows it are read from each file of
    /// `commands/`, new files included.
    #[test]
    fn every_command_is_async() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri/commands");
        let mut sync_commands = Vec::new();
        let mut commands = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let source = std::fs::read_to_string(&path).unwrap();
            let mut lines = source.lines().map(str::trim);
            while let Some(line) = lines.next() {
                if line != "#[tauri::command]" {
                    continue;
                }
                commands += 1;
                // Other attributes (`#[specta::specta]`, docs) may sit between.
                let signature = lines
                    .by_ref()
                    .find(|line| {
                        line.starts_with("pub")
                            || line.starts_with("fn")
                            || line.starts_with("async")
                    })
                    .unwrap_or_default();
                if !signature.contains("async fn") {
                    sync_commands.push(format!(
                        "{}: {signature}",
                        path.file_name().unwrap().to_string_lossy()
                    ));
                }
            }
        }
        assert!(
            commands > 30,
            "the scan should find the commands, found {commands}"
        );
        assert!(
            sync_commands.is_empty(),
            "these commands would run on the window's thread; make them `async` (and move blocking \
             work to `with_hearth`): {sync_commands:#?}"
        );
    }
}
