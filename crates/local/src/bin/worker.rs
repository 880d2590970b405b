//! A program that only serves as the local model worker. The app and hearth-server are their own
//! workers (started with `--local-worker`); this one exists for the tests, which run as test
//! binaries that cannot serve themselves, and Cargo hands them its path.

fn main() -> std::process::ExitCode {
    hearth_local::serve()
}
