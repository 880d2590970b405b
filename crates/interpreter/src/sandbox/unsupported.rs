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

pub(crate) async fn probe(_config: &InterpreterConfig) -> Result<(), InterpreterError> {
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
