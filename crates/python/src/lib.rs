//! The Python runtime of Hearth's code interpreter: the system's CPython plus pinned wheels
//! (numpy, pandas, matplotlib, ...) unpacked into a folder of Hearth's own, checked before use and
//! installable from the app with progress.
//!
//! The folder's layout (also written by `scripts/python-runtime.sh`):
//! - `site-packages/`: the unpacked packages, byte-compiled for the interpreter;
//! - `runtime.json`: `{"python", "python_version", "lock_sha256", "packages"}`, written last.

mod download;
mod http;
mod index;
mod install;
mod lock;
mod manifest;
mod pinned;
mod python;
mod wheel;

use std::path::{Path, PathBuf};

pub use index::{DEFAULT_INDEX, PackageSource};
pub use install::{InstallError, InstallProgress, InstallStep};
pub use lock::{BUILTIN_LOCK, LockError, LockedPackage, lock_sha256, parse_lock};
pub use manifest::{MANIFEST_FILE, Manifest, SITE_PACKAGES_DIR, read_manifest};
pub use pinned::{PinnedWheel, fetch_pinned_wheel};
pub use python::{
    Python, PythonError, SUPPORTED_VERSIONS, SYSTEM_PYTHON, find_python, probe, python_at,
};
pub use wheel::UnpackError;

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
    /// The runtime kept in `dir` (which need not exist yet).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The runtime folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The packages' folder inside it.
    pub fn site_packages(&self) -> PathBuf {
        self.dir.join(SITE_PACKAGES_DIR)
    }

    /// What the folder holds now, judged against the lock compiled into Hearth.
    pub fn state(&self) -> RuntimeState {
        self.state_for_lock(BUILTIN_LOCK)
    }

    /// What the folder holds now, judged against the lock `lock`: ready only when its manifest
    /// records that lock and its interpreter is still there and still that version. Runs the
    /// interpreter once (a few milliseconds).
    pub fn state_for_lock(&self, lock: &str) -> RuntimeState {
        let manifest = match read_manifest(&self.dir) {
            Ok(Some(manifest)) => manifest,
            Ok(None) => return RuntimeState::Missing("the Python runtime is not set up".into()),
            Err(problem) => {
                return RuntimeState::Missing(format!(
                    "the Python runtime is damaged ({problem}); set it up again"
                ));
            }
        };
        if manifest.lock_sha256 != lock_sha256(lock) {
            return RuntimeState::Missing(
                "the Python runtime was set up for other packages; set it up again".into(),
            );
        }
        let site_packages = self.site_packages();
        if !site_packages.is_dir() {
            return RuntimeState::Missing(format!(
                "the Python runtime's {} is gone; set it up again",
                site_packages.display()
            ));
        }
        let python = &manifest.python;
        if !python.exists() {
            return RuntimeState::Missing(format!(
                "Python {} at {} is gone; install the Debian/Ubuntu package python3, then set the \
                 runtime up again",
                manifest.python_version,
                python.display()
            ));
        }
        match probe(python) {
            Ok(found) if found.version == manifest.python_version => {}
            Ok(found) => {
                return RuntimeState::Missing(format!(
                    "the Python runtime was set up for Python {}, but {} is now Python {}; set \
                     it up again",
                    manifest.python_version,
                    python.display(),
                    found.version
                ));
            }
            Err(e) => {
                return RuntimeState::Missing(format!(
                    "the Python runtime's interpreter does not run ({e}); set it up again"
                ));
            }
        }
        RuntimeState::Ready(ReadyRuntime {
            python: manifest.python,
            python_version: manifest.python_version,
            site_packages,
            packages: manifest.packages,
        })
    }
}
