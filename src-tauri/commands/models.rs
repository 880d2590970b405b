//! The local models of "this computer": the GGUF files in the models folder, adding one from a
//! file (chosen in the native dialog or dropped on the window), downloading one with progress,
//! removing one.

use std::path::PathBuf;

use hearth_desktop::Hearth;
use hearth_local::{DownloadRequest, LocalModel};
use serde::Serialize;
use specta::Type;
use tauri::State;
use tauri::ipc::Channel;

use crate::error::AppError;

/// One GGUF model in the models folder, as the Models list shows it.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LocalModelView {
    /// The id an assistant uses as its model.
    pub id: String,
    pub file_name: String,
    pub size_bytes: f64,
    pub name: Option<String>,
    pub architecture: Option<String>,
    pub parameter_count: Option<f64>,
    pub quantization: Option<String>,
    pub context_length: Option<f64>,
    pub has_chat_template: bool,
    pub supports_tools: bool,
    /// Why the file cannot be used, when it cannot.
    pub problem: Option<String>,
}

/// The models folder and what is in it.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LocalModels {
    /// `None` when llama.cpp cannot run on this CPU.
    pub folder: Option<String>,
    pub models: Vec<LocalModelView>,
}

/// The GGUF models this computer can run.
#[tauri::command]
#[specta::specta]
pub fn list_local_models(hearth: State<'_, Hearth>) -> Result<LocalModels, AppError> {
    let models = hearth.local_models()?.into_iter().map(view).collect();
    Ok(LocalModels {
        folder: hearth.models_dir().map(|dir| dir.display().to_string()),
        models,
    })
}

/// Deletes a model file from the models folder.
#[tauri::command]
#[specta::specta]
pub fn remove_local_model(hearth: State<'_, Hearth>, id: String) -> Result<(), AppError> {
    Ok(hearth.remove_local_model(&id)?)
}

/// Copies a GGUF file (a path from the file dialog or a drop) into the models folder.
#[tauri::command]
#[specta::specta]
pub async fn add_local_model(
    hearth: State<'_, Hearth>,
    path: String,
) -> Result<LocalModelView, AppError> {
    let model = hearth.add_local_model(PathBuf::from(path)).await?;
    Ok(view(model))
}

/// How far a download is, sent to the window as bytes arrive.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DownloadProgress {
    pub downloaded: f64,
    pub total: Option<f64>,
}

/// Smallest step, in bytes, between two progress reports: enough for a smooth bar without
/// a message per network chunk.
const PROGRESS_STEP: u64 = 256 * 1024;

/// Downloads a model from `url` into the models folder as `file_name`, checking the size and
/// SHA-256 when given; a download of the same name that was cut off resumes.
#[tauri::command]
#[specta::specta]
pub async fn download_local_model(
    hearth: State<'_, Hearth>,
    url: String,
    file_name: String,
    sha256: Option<String>,
    on_progress: Channel<DownloadProgress>,
) -> Result<LocalModelView, AppError> {
    let request = DownloadRequest {
        url,
        file_name,
        expected_size: None,
        sha256: sha256.filter(|digest| !digest.trim().is_empty()),
    };
    let mut reported = None;
    let model = hearth
        .download_local_model(request, |progress| {
            let done = progress.total == Some(progress.downloaded);
            if done || reported.is_none_or(|last| progress.downloaded >= last + PROGRESS_STEP) {
                reported = Some(progress.downloaded);
                // A closed window just stops listening; the download goes on.
                let _ = on_progress.send(DownloadProgress {
                    downloaded: progress.downloaded as f64,
                    total: progress.total.map(|total| total as f64),
                });
            }
        })
        .await?;
    Ok(view(model))
}

/// Stops a download, keeping what arrived; starting it again resumes.
#[tauri::command]
#[specta::specta]
pub fn cancel_local_download(hearth: State<'_, Hearth>, file_name: String) -> bool {
    hearth.cancel_local_download(&file_name)
}

fn view(model: LocalModel) -> LocalModelView {
    LocalModelView {
        id: model.id,
        file_name: model.file_name,
        size_bytes: model.size_bytes as f64,
        name: model.name,
        architecture: model.architecture,
        parameter_count: model.parameter_count.map(|count| count as f64),
        quantization: model.quantization,
        context_length: model.context_length.map(|length| length as f64),
        has_chat_template: model.has_chat_template,
        supports_tools: model.supports_tools,
        problem: model.problem,
    }
}
