// Release builds on Windows must not open a console window next to the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    // Started as the local model worker (by this same program's local provider): serve and exit,
    // before any window, single-instance lock or data-folder lock exists.
    if let Some(code) = hearth_local::serve_if_asked() {
        return code;
    }
    // `hearth --version` answers without opening a window, so packages, scripts and bug reports can
    // ask which Hearth is installed. The version is the workspace's, the same the About box shows.
    if matches!(std::env::args().nth(1).as_deref(), Some("--version" | "-V")) {
        println!("hearth {}", env!("CARGO_PKG_VERSION"));
        return std::process::ExitCode::SUCCESS;
    }
    hearth_app::run();
    std::process::ExitCode::SUCCESS
}
