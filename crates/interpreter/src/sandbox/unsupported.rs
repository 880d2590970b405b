//! Systems without a sandbox Hearth can use yet (Windows): the interpreter refuses to run code.

use tokio::process::Command;

use super::SessionPaths;
use crate::{InterpreterConfig, InterpreterError};

const NOT_YET: &str = "The code interpreter is not available on this system yet: it runs code \
    only inside an OS sandbox, and Hearth has one for Linux (bubblewrap) and macOS \
    (sandbox-exec) so far.";

#[derive(Debug, Clone)]
pub(crate) enum Containment {}

#[derive(Debug)]
pub(crate) struct Cgroup;

impl Cgroup {
    pub(crate) async fn remove(self) {}
}

pub(crate) fn containment() -> Result<Containment, InterpreterError> {
    Err(InterpreterError::Unsupported(NOT_YET.into()))
}

pub(crate) async fn probe(
    _config: &InterpreterConfig,
    _containment: &Containment,
) -> Result<(), InterpreterError> {
    Err(InterpreterError::Unsupported(NOT_YET.into()))
}

pub(crate) fn command(
    _config: &InterpreterConfig,
    _paths: &SessionPaths,
    containment: &Containment,
) -> Result<(Command, Option<Cgroup>), InterpreterError> {
    match *containment {}
}

pub(crate) fn start_failure(_stderr: &str) -> InterpreterError {
    InterpreterError::Unsupported(NOT_YET.into())
}

/// The sessions' folders go under the work folder.
pub(crate) fn sessions_root(
    work_dir: &std::path::Path,
    _containment: &Containment,
) -> Result<std::path::PathBuf, InterpreterError> {
    Ok(work_dir.to_path_buf())
}

/// The sandbox runs as Hearth's own user: its folders need no other owner.
pub(crate) fn give_to_sandbox(
    _path: &std::path::Path,
    _containment: &Containment,
) -> std::io::Result<()> {
    Ok(())
}
