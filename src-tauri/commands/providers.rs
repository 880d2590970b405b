//! The model providers of "this computer": status, keys (into the keychain only), URLs, the
//! connection test and the model lists for the assistant editor.

use hearth_desktop::Hearth;
use hearth_desktop::providers::{ProviderName, ProviderStatus, detect_ollama as detect};
use serde::Serialize;
use specta::Type;
use tauri::State;

use crate::error::AppError;

/// The providers and whether each is ready. Never includes a key.
#[tauri::command]
#[specta::specta]
pub fn list_providers(hearth: State<'_, Hearth>) -> Result<Vec<ProviderStatus>, AppError> {
    Ok(hearth.providers()?)
}

/// Stores a provider's API key in the OS keychain.
#[tauri::command]
#[specta::specta]
pub fn set_provider_key(
    hearth: State<'_, Hearth>,
    name: ProviderName,
    key: String,
) -> Result<(), AppError> {
    Ok(hearth.set_provider_key(name, &key)?)
}

/// Removes a provider's API key from the OS keychain.
#[tauri::command]
#[specta::specta]
pub fn remove_provider_key(hearth: State<'_, Hearth>, name: ProviderName) -> Result<(), AppError> {
    Ok(hearth.remove_provider_key(name)?)
}

/// Sets or clears a provider's base URL.
#[tauri::command]
#[specta::specta]
pub fn set_provider_url(
    hearth: State<'_, Hearth>,
    name: ProviderName,
    url: Option<String>,
) -> Result<(), AppError> {
    Ok(hearth.set_provider_url(name, url.as_deref())?)
}

/// Lists the provider's models with the given (or stored) settings, or says why it cannot.
#[tauri::command]
#[specta::specta]
pub async fn test_provider(
    hearth: State<'_, Hearth>,
    name: ProviderName,
    base_url: Option<String>,
    key: Option<String>,
) -> Result<Vec<String>, AppError> {
    Ok(hearth
        .test_provider(name, base_url.as_deref(), key.as_deref())
        .await?)
}

/// Whether Ollama answers on this computer's usual port.
#[tauri::command]
#[specta::specta]
pub async fn detect_ollama() -> bool {
    detect().await
}

/// One provider's models for the model picker, or why they could not be listed.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ModelGroup {
    /// Provider name (`openai`, …), or `server` for a remote profile.
    pub provider: String,
    pub models: Vec<String>,
    pub error: Option<String>,
}

/// The models the profile's assistants can use, by provider.
#[tauri::command]
#[specta::specta]
pub async fn list_models(hearth: State<'_, Hearth>) -> Result<Vec<ModelGroup>, AppError> {
    if hearth.active_is_local() {
        return Ok(hearth
            .models_by_provider()
            .await
            .into_iter()
            .map(|(provider, listed)| match listed {
                Ok(models) => ModelGroup {
                    provider,
                    models,
                    error: None,
                },
                Err(error) => ModelGroup {
                    provider,
                    models: Vec::new(),
                    error: Some(error),
                },
            })
            .collect());
    }
    let group = match hearth.backend()?.list_models().await {
        Ok(models) => ModelGroup {
            provider: "server".to_owned(),
            models: models.into_iter().map(|model| model.id).collect(),
            error: None,
        },
        Err(error) => ModelGroup {
            provider: "server".to_owned(),
            models: Vec::new(),
            error: Some(error.to_string()),
        },
    };
    Ok(vec![group])
}

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
    let models = hearth
        .local_models()?
        .into_iter()
        .map(|model| LocalModelView {
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
        })
        .collect();
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
