//! `hearth-server`: the engine over HTTP; see `hearth-server --help`.

fn main() -> std::process::ExitCode {
    // Started as the local model worker (by this same program's local provider): serve and exit,
    // before the arguments are parsed or the data folder is locked.
    if let Some(code) = hearth_local::serve_if_asked() {
        return code;
    }
    hearth_server::cli::main()
}
