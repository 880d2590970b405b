//! The Python runtime of Hearth's code interpreter: the system's CPython plus pinned wheels
//! (numpy, pandas, matplotlib, ...) unpacked into a folder of Hearth's own, checked before use and
//! installable from the app with progress.

use std::path::{Path, PathBuf};

/// The runtime folder (`<data folder>/python`).
#[derive(Debug, Clone)]
pub struct Runtime {
    dir: PathBuf,
}

/// What the runtime folder holds now.
#[derive(Debug, Clone, PartialEq)]
pub enum RuntimeState {
    /// Installed and matching the pinned packages and this system's Python.
    Ready(ReadyRuntime),
    /// Not installed, or installed for other packages or another Python; says which, in words.
    Missing(String),
}

/// An installed runtime, as the code interpreter uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadyRuntime {
    /// The system interpreter it was installed for.
    pub python: PathBuf,
    /// `3.11`, ...
    pub python_version: String,
    /// The installed packages (mounted read-only in the sandbox).
    pub site_packages: PathBuf,
    /// Name and version of each installed package.
    pub packages: Vec<(String, String)>,
}

impl Runtime {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// What the folder holds now.
    pub fn state(&self) -> RuntimeState {
        RuntimeState::Missing("the Python runtime is not built yet".into())
    }
}
