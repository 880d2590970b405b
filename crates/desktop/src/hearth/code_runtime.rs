//! The code interpreter's Python runtime as Settings shows it: whether it is ready, and setting it
//! up from the package index with progress, on the person's click only.

use hearth_python::{InstallProgress, InstallStep, PackageSource, Runtime, RuntimeState};
use tokio_util::sync::CancellationToken;

use super::Hearth;
use crate::error::BackendError;

/// The environment variable that points set-up at another package index (a mirror, or a test
/// server on loopback); PyPI otherwise.
pub const PACKAGE_INDEX_ENV: &str = "HEARTH_PYTHON_INDEX";

/// The runtime's state for Settings.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeRuntimeView {
    /// Whether code can run (the runtime is set up for this system's Python).
    pub ready: bool,
    /// What is missing, in words, when it is not ready.
    pub problem: Option<String>,
    /// The Python version it runs, when ready.
    pub python_version: Option<String>,
    /// `name version` of each installed package, when ready.
    pub packages: Vec<String>,
    /// The runtime folder.
    pub folder: String,
}

/// How far a set-up is, for the progress bar.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeRuntimeProgress {
    /// What is being done, in words.
    pub step: String,
    /// Bytes downloaded so far.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub downloaded: u64,
    /// Bytes to download in all (0 until known).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub total: u64,
}

impl From<InstallProgress> for CodeRuntimeProgress {
    fn from(progress: InstallProgress) -> Self {
        let package = progress.package.unwrap_or_default();
        let step = match progress.step {
            InstallStep::Resolving => format!("Looking up {package}"),
            InstallStep::Downloading => format!("Downloading {package}"),
            InstallStep::Unpacking => format!("Unpacking {package}"),
            InstallStep::Compiling => "Preparing the packages".to_owned(),
            InstallStep::Finishing => "Finishing".to_owned(),
            InstallStep::Done => "Ready".to_owned(),
        };
        Self {
            step: step.trim().to_owned(),
            downloaded: progress.downloaded_bytes,
            total: progress.total_bytes,
        }
    }
}

impl Hearth {
    fn code_runtime_folder(&self) -> Runtime {
        Runtime::new(self.paths.data_dir.join("python"))
    }

    /// Whether the code interpreter's runtime is ready.
    pub async fn code_runtime(&self) -> CodeRuntimeView {
        let runtime = self.code_runtime_folder();
        let folder = runtime.dir().display().to_string();
        // Checking asks the system's Python for its version: off the async workers.
        let state = tokio::task::spawn_blocking(move || runtime.state())
            .await
            .unwrap_or_else(|error| RuntimeState::Missing(format!("the check failed: {error}")));
        match state {
            RuntimeState::Ready(ready) => CodeRuntimeView {
                ready: true,
                problem: None,
                python_version: Some(ready.python_version),
                packages: ready
                    .packages
                    .into_iter()
                    .map(|(name, version)| format!("{name} {version}"))
                    .collect(),
                folder,
            },
            RuntimeState::Missing(reason) => CodeRuntimeView {
                ready: false,
                problem: Some(reason),
                python_version: None,
                packages: Vec::new(),
                folder,
            },
        }
    }

    /// Sets the runtime up from the package index, reporting progress; a cancel (or a failure)
    /// leaves the folder as it was.
    pub async fn install_code_runtime(
        &self,
        report: impl Fn(CodeRuntimeProgress) + Send + Sync,
    ) -> Result<CodeRuntimeView, BackendError> {
        let cancel = CancellationToken::new();
        {
            let mut slot = self.lock_runtime_install();
            if slot.is_some() {
                return Err(BackendError::Invalid(
                    "The code interpreter's runtime is being set up already.".into(),
                ));
            }
            *slot = Some(cancel.clone());
        }
        let source = match std::env::var(PACKAGE_INDEX_ENV) {
            Ok(base) if !base.trim().is_empty() => PackageSource::new(base),
            _ => PackageSource::default(),
        };
        let runtime = self.code_runtime_folder();
        let installed = tokio::select! {
            _ = cancel.cancelled() => None,
            result = runtime.install(&source, |progress| report(progress.into())) => Some(result),
        };
        *self.lock_runtime_install() = None;
        match installed {
            None => Err(BackendError::Invalid(
                "The set-up was cancelled; nothing was changed.".into(),
            )),
            Some(Err(error)) => Err(BackendError::Internal(format!(
                "The code interpreter's runtime could not be set up: {error}"
            ))),
            Some(Ok(_)) => Ok(self.code_runtime().await),
        }
    }

    /// Stops a set-up under way; `false` when none is.
    pub fn cancel_code_runtime_install(&self) -> bool {
        match self.lock_runtime_install().as_ref() {
            Some(cancel) => {
                cancel.cancel();
                true
            }
            None => false,
        }
    }

    fn lock_runtime_install(&self) -> std::sync::MutexGuard<'_, Option<CancellationToken>> {
        self.runtime_install
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
