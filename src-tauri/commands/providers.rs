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
    if hearth.active_is_embedded() {
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
