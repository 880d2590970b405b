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
    /// same file name from the same address that was cancelled or cut off, when the server named
    /// the file's version. [`Hearth::cancel_local_download`] stops it.
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

/// One local model as the Models list shows it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalModelView {
    /// The id assistants use (`local/<file name>`).
    pub id: String,
    /// The file's name in the models folder.
    pub file_name: String,
    /// Its size in bytes (a plain number in the bindings; exact below 9 PB).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub size_bytes: u64,
    /// The model's own name, from the file.
    pub name: Option<String>,
    /// Its architecture (`llama`, `qwen2`, …).
    pub architecture: Option<String>,
    /// How many parameters it has.
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub parameter_count: Option<u64>,
    /// How its weights are stored (`Q4_1`, …).
    pub quantization: Option<String>,
    /// How many tokens it reads at once.
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub context_length: Option<u64>,
    /// Whether the file carries a chat template.
    pub has_chat_template: bool,
    /// Whether runs may give it function tools.
    pub supports_tools: bool,
    /// Why it cannot be used, when it cannot.
    pub problem: Option<String>,
}

impl From<LocalModel> for LocalModelView {
    fn from(model: LocalModel) -> Self {
        Self {
            id: model.id,
            file_name: model.file_name,
            size_bytes: model.size_bytes,
            name: model.name,
            architecture: model.architecture,
            parameter_count: model.parameter_count,
            quantization: model.quantization,
            context_length: model.context_length,
            has_chat_template: model.has_chat_template,
            supports_tools: model.supports_tools,
            problem: model.problem,
        }
    }
}

/// The models folder and what is in it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalModelList {
    /// The folder, when local models can run on this computer.
    pub folder: Option<String>,
    /// The models in it.
    pub models: Vec<LocalModelView>,
}

/// How far a model download is.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DownloadProgressView {
    /// Bytes received so far.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub downloaded: u64,
    /// The file's size, when the server says it.
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub total: Option<u64>,
}

/// Bytes between two progress reports: often enough for a smooth bar, rarely enough not to flood
/// the window.
pub(super) const PROGRESS_STEP: u64 = 256 * 1024;

impl Hearth {
    /// The models folder and its models, as the Models list shows them.
    pub fn local_model_list(&self) -> Result<LocalModelList, BackendError> {
        Ok(LocalModelList {
            folder: self.models_dir().map(|dir| dir.display().to_string()),
            models: self.local_models()?.into_iter().map(Into::into).collect(),
        })
    }

    /// Downloads a model like [`Hearth::download_local_model`], reporting progress every 256 KiB
    /// and at the end; an empty digest means none was given. `allow_http` allows plain http for
    /// the URL's host from now on (kept in the settings); without it a plain http address is
    /// refused unless its host was allowed before or is this computer.
    pub async fn download_model_reporting(
        &self,
        url: String,
        file_name: String,
        sha256: Option<String>,
        allow_http: bool,
        mut report: impl FnMut(DownloadProgressView) + Send,
    ) -> Result<LocalModelView, BackendError> {
        let allow_http = self.http_allowed(&url, allow_http)?;
        let request = DownloadRequest {
            url,
            file_name,
            sha256: sha256.filter(|digest| !digest.trim().is_empty()),
            allow_http,
            ..DownloadRequest::default()
        };
        let mut reported: Option<u64> = None;
        let model = self
            .download_local_model(request, |progress: DownloadProgress| {
                let done = progress.total == Some(progress.downloaded);
                if done || reported.is_none_or(|last| progress.downloaded >= last + PROGRESS_STEP) {
                    reported = Some(progress.downloaded);
                    report(DownloadProgressView {
                        downloaded: progress.downloaded,
                        total: progress.total,
                    });
                }
            })
            .await?;
        Ok(model.into())
    }

    /// Whether plain http is allowed for `url`'s host, remembering a new permission.
    fn http_allowed(&self, url: &str, allow_now: bool) -> Result<bool, BackendError> {
        let Some(host) = hearth_local::host_needing_http_permission(url) else {
            return Ok(false);
        };
        if self.lock_settings().http_download_hosts.contains(&host) {
            return Ok(true);
        }
        if allow_now {
            self.change_settings(|settings| settings.http_download_hosts.push(host))?;
        }
        Ok(allow_now)
    }
}
