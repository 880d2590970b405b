//! The local models of "this computer": the GGUF files of the models folder, added from a file
//! the person chose or dropped, downloaded from a URL, removed. Every change re-reads the folder
//! so the model picker and runs see it at once.

use std::path::{Path, PathBuf};
use std::sync::PoisonError;

use hearth_local::{DownloadProgress, DownloadRequest, LibraryError, LocalModel};
use tokio_util::sync::CancellationToken;

use super::Hearth;
use crate::error::BackendError;

impl Hearth {
    /// The GGUF models in the models folder, with what each is; empty when local models cannot
    /// run on this CPU.
    pub fn local_models(&self) -> Result<Vec<LocalModel>, BackendError> {
        let Some(local) = &self.local_models else {
            return Ok(Vec::new());
        };
        hearth_local::list_models(&local.dir).map_err(library_error)
    }

    /// The models folder, when local models can run here.
    pub fn models_dir(&self) -> Option<&Path> {
        self.local_models.as_ref().map(|local| local.dir.as_path())
    }

    /// Copies the GGUF file at `source` into the models folder, after checking it is one.
    pub async fn add_local_model(&self, source: PathBuf) -> Result<LocalModel, BackendError> {
        let dir = self.usable_models_dir()?.to_owned();
        // Models are hundreds of megabytes or more: the copy must not hold up the app.
        let added = tokio::task::spawn_blocking(move || hearth_local::add_model(&dir, &source))
            .await
            .map_err(|error| BackendError::Internal(format!("The copy stopped: {error}")))?
            .map_err(library_error)?;
        self.reload_providers()?;
        Ok(added)
    }

    /// Downloads a model into the models folder, reporting progress; resumes a download of the
    /// same file name that was cancelled or cut off. [`Hearth::cancel_local_download`] stops it.
    pub async fn download_local_model(
        &self,
        request: DownloadRequest,
        progress: impl FnMut(DownloadProgress) + Send,
    ) -> Result<LocalModel, BackendError> {
        let dir = self.usable_models_dir()?.to_owned();
        let cancel = CancellationToken::new();
        {
            let mut downloads = self
                .downloads
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if downloads.contains_key(&request.file_name) {
                return Err(BackendError::Invalid(format!(
                    "{} is already being downloaded.",
                    request.file_name
                )));
            }
            downloads.insert(request.file_name.clone(), cancel.clone());
        }
        let result = hearth_local::download_model(&dir, &request, &cancel, progress).await;
        self.downloads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&request.file_name);
        let model = result.map_err(library_error)?;
        self.reload_providers()?;
        Ok(model)
    }

    /// Stops the download of `file_name`, keeping what arrived so it can resume; `false` when
    /// none is under way.
    pub fn cancel_local_download(&self, file_name: &str) -> bool {
        let downloads = self
            .downloads
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        downloads
            .get(file_name)
            .map(CancellationToken::cancel)
            .is_some()
    }

    /// Deletes a model file from the models folder and stops offering it.
    pub fn remove_local_model(&self, id: &str) -> Result<(), BackendError> {
        let dir = self.usable_models_dir()?;
        hearth_local::remove_model(dir, id).map_err(library_error)?;
        self.reload_providers()
    }

    fn usable_models_dir(&self) -> Result<&Path, BackendError> {
        self.models_dir().ok_or_else(|| {
            BackendError::Invalid(
                "This computer's processor cannot run local models (llama.cpp needs AVX2)."
                    .to_owned(),
            )
        })
    }
}

/// What the person did wrong (a file that is no model, a name taken, a failed or corrupt
/// download) is theirs to fix; a refusing disk is not.
fn library_error(error: LibraryError) -> BackendError {
    let message = capitalized(&error.to_string());
    match error {
        LibraryError::NotFound(_) => BackendError::NotFound(message),
        LibraryError::Io { .. } => BackendError::Internal(message),
        _ => BackendError::Invalid(message),
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
