//! The model providers of "this computer": status, keys (into the keychain only), URLs, the
//! connection test and the model lists for the assistant editor.

use hearth_desktop::providers::{ProviderName, ProviderStatus, detect_ollama as detect};
use hearth_desktop::{AppError, Hearth, ModelGroup};
use tauri::{AppHandle, State};

use super::blocking::with_hearth;

/// The providers and whether each is ready. Never includes a key.
#[tauri::command]
#[specta::specta]
pub async fn list_providers(app: AppHandle) -> Result<Vec<ProviderStatus>, AppError> {
    with_hearth(app, |hearth| Ok(hearth.providers()?)).await
}

/// Stores a provider's API key in the OS keychain.
#[tauri::command]
#[specta::specta]
pub async fn set_provider_key(
    app: AppHandle,
    name: ProviderName,
    key: String,
) -> Result<(), AppError> {
    with_hearth(app, move |hearth| Ok(hearth.set_provider_key(name, &key)?)).await
}

/// Removes a provider's API key from the OS keychain.
#[tauri::command]
#[specta::specta]
pub async fn remove_provider_key(app: AppHandle, name: ProviderName) -> Result<(), AppError> {
    with_hearth(app, move |hearth| Ok(hearth.remove_provider_key(name)?)).await
}

/// Sets or clears a provider's base URL; `move_key` lets the stored key be sent to the new host
/// (the person confirmed it), otherwise a key saved for another host is asked for again.
#[tauri::command]
#[specta::specta]
pub async fn set_provider_url(
    app: AppHandle,
    name: ProviderName,
    url: Option<String>,
    move_key: bool,
) -> Result<(), AppError> {
    with_hearth(app, move |hearth| {
        Ok(hearth.set_provider_url(name, url.as_deref(), move_key)?)
    })
    .await
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

/// The models the assistant editor offers, grouped by provider.
#[tauri::command]
#[specta::specta]
pub async fn list_models(hearth: State<'_, Hearth>) -> Result<Vec<ModelGroup>, AppError> {
    // Never fails as a whole: a provider that cannot list its models says why in its group.
    Ok(hearth.model_groups().await)
}
