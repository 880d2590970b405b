//! `hearth-server`: the engine over HTTP; see `hearth-server --help`.

fn main() -> std::process::ExitCode {
    hearth_server::cli::main()
}
