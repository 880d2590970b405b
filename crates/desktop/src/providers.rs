//! The model providers of the profile "this computer": what is set up, built from the settings
//! file and the keys in the OS keychain, and the "Test connection" check.

use std::sync::Arc;
use std::time::Duration;

use hearth_engine::providers::{
    ANTHROPIC_BASE_URL, ApiKey, ModelInfo, OLLAMA_BASE_URL, OPENAI_BASE_URL, Provider, ProviderApi,
    ProviderConfig, Route,
};
use hearth_http::Origin;
use hearth_keychain::provider_key_account;
use serde::{Deserialize, Serialize};

use crate::error::BackendError;
use crate::settings::ProviderUrls;

/// The kinds of provider "this computer" can use.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderName {
    /// OpenAI (a key).
    Openai,
    /// Anthropic (a key).
    Anthropic,
    /// Ollama on this or another machine (a URL).
    Ollama,
    /// Any OpenAI-compatible server (a URL, optionally a key).
    Compatible,
}

impl ProviderName {
    /// Every provider, in the order Settings lists them.
    pub const ALL: [ProviderName; 4] = [
        ProviderName::Openai,
        ProviderName::Anthropic,
        ProviderName::Ollama,
        ProviderName::Compatible,
    ];

    /// The name routes and keychain accounts use.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderName::Openai => "openai",
            ProviderName::Anthropic => "anthropic",
            ProviderName::Ollama => "ollama",
            ProviderName::Compatible => "compatible",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            ProviderName::Openai => "OpenAI",
            ProviderName::Anthropic => "Anthropic",
            ProviderName::Ollama => "Ollama",
            ProviderName::Compatible => "OpenAI-compatible server",
        }
    }

    /// The URL used when the settings name none; `None` when the provider needs one.
    pub fn default_url(self) -> Option<&'static str> {
        match self {
            ProviderName::Openai => Some(OPENAI_BASE_URL),
            ProviderName::Anthropic => Some(ANTHROPIC_BASE_URL),
            ProviderName::Ollama | ProviderName::Compatible => None,
        }
    }

    /// The API it speaks.
    pub fn api(self) -> ProviderApi {
        match self {
            ProviderName::Anthropic => ProviderApi::Anthropic,
            ProviderName::Openai | ProviderName::Ollama | ProviderName::Compatible => {
                ProviderApi::OpenAiCompatible
            }
        }
    }

    /// Whether a key is required (OpenAI, Anthropic), optional (a compatible server) or unused.
    pub fn key_use(self) -> KeyUse {
        match self {
            ProviderName::Openai | ProviderName::Anthropic => KeyUse::Required,
            ProviderName::Compatible => KeyUse::Optional,
            ProviderName::Ollama => KeyUse::None,
        }
    }

    /// The URL in use: the one set in `urls`, else the default.
    pub fn current_url(self, urls: &ProviderUrls) -> Option<String> {
        self.url_in(urls)
            .cloned()
            .or_else(|| self.default_url().map(str::to_owned))
    }

    /// The URL set for this provider in `urls`.
    pub fn url_in(self, urls: &ProviderUrls) -> Option<&String> {
        match self {
            ProviderName::Openai => urls.openai.as_ref(),
            ProviderName::Anthropic => urls.anthropic.as_ref(),
            ProviderName::Ollama => urls.ollama.as_ref(),
            ProviderName::Compatible => urls.compatible.as_ref(),
        }
    }

    /// Where this provider's URL is kept in `urls`.
    pub fn url_slot(self, urls: &mut ProviderUrls) -> &mut Option<String> {
        match self {
            ProviderName::Openai => &mut urls.openai,
            ProviderName::Anthropic => &mut urls.anthropic,
            ProviderName::Ollama => &mut urls.ollama,
            ProviderName::Compatible => &mut urls.compatible,
        }
    }

    /// The keychain account of its key.
    pub fn key_account(self) -> String {
        provider_key_account(self.as_str())
    }
}

/// How a provider uses an API key.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyUse {
    /// It cannot work without one.
    Required,
    /// Some servers want one.
    Optional,
    /// It takes none.
    None,
}

/// One provider as Settings shows it. Never carries the key, only whether one is stored.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderStatus {
    /// Which provider.
    pub name: ProviderName,
    /// Its display name.
    pub label: &'static str,
    /// The URL in use, if any.
    pub base_url: Option<String>,
    /// The URL used when none is set.
    pub default_url: Option<&'static str>,
    /// How it uses a key.
    pub key_use: KeyUse,
    /// Whether a key is stored in the keychain.
    pub key_set: bool,
    /// The origin (scheme, host and port) the stored key was saved for; it is sent nowhere else.
    pub key_origin: Option<String>,
    /// Whether the stored key may be sent to `base_url`. When not, Settings asks for the key
    /// again or for a confirmation that it may go to the new host.
    pub key_fits_url: bool,
    /// Whether runs can use it: a URL is known, a required key is set, and a stored key fits
    /// the URL.
    pub ready: bool,
}

/// What the providers look like now. Fails only when the keychain cannot be read.
pub fn statuses(urls: &ProviderUrls) -> Result<Vec<ProviderStatus>, BackendError> {
    ProviderName::ALL
        .iter()
        .map(|&name| {
            let base_url = name.current_url(urls);
            let stored = match name.key_use() {
                KeyUse::None => None,
                _ => stored_key(name, base_url.as_deref())?,
            };
            let key_fits_url = match (&stored, &base_url) {
                (Some(stored), Some(url)) => stored.fits(url),
                _ => false,
            };
            let key_set = stored.is_some();
            let ready = base_url.is_some()
                && (name.key_use() != KeyUse::Required || key_set)
                && (!key_set || key_fits_url);
            Ok(ProviderStatus {
                name,
                label: name.label(),
                base_url,
                default_url: name.default_url(),
                key_use: name.key_use(),
                key_set,
                key_origin: stored.and_then(|stored| stored.origin.map(|o| o.to_string())),
                key_fits_url,
                ready,
            })
        })
        .collect()
}

/// A provider's key as stored, with the origin it may be sent to.
pub struct StoredKey {
    key: ApiKey,
    /// `None` when the stored origin does not read back; such a key fits no URL.
    origin: Option<Origin>,
}

impl StoredKey {
    /// The key itself, for the one request that sends it or for binding it anew.
    pub fn key(&self) -> &ApiKey {
        &self.key
    }

    /// Whether the key may be sent to `url`.
    pub fn fits(&self, url: &str) -> bool {
        self.origin.is_some() && Origin::of(url).ok() == self.origin
    }
}

/// The key stored for `name`. A key saved before origins were recorded is bound, once, to the
/// origin of `configured_url` (the URL it was being used with), so it keeps working there only.
pub fn stored_key(
    name: ProviderName,
    configured_url: Option<&str>,
) -> Result<Option<StoredKey>, BackendError> {
    let Some(bound) = hearth_keychain::get_bound(&name.key_account()).map_err(keychain_error)?
    else {
        return Ok(None);
    };
    let origin = match bound.origin {
        Some(text) => Origin::parse(&text),
        None => {
            let origin = configured_url.and_then(|url| Origin::of(url).ok());
            if let Some(origin) = &origin {
                hearth_keychain::set_bound(
                    &name.key_account(),
                    bound.secret.expose(),
                    &origin.to_string(),
                )
                .map_err(keychain_error)?;
                log::info!(
                    "the {} key saved before keys were bound to hosts is now bound to {origin}",
                    name.label()
                );
            }
            origin
        }
    };
    Ok(Some(StoredKey {
        key: ApiKey::new(bound.secret.expose()),
        origin,
    }))
}

/// Stores `key` for `name`, to be sent only to the origin of `url`.
pub fn store_key(name: ProviderName, key: &str, url: &str) -> Result<(), BackendError> {
    let origin = Origin::of(url).map_err(|problem| BackendError::Invalid(problem.to_string()))?;
    hearth_keychain::set_bound(&name.key_account(), key, &origin.to_string())
        .map_err(keychain_error)
}

fn keychain_error(error: hearth_keychain::KeychainError) -> BackendError {
    BackendError::Keychain(error.to_string())
}

/// The key `name` may send to `url`: the stored one when it was saved for that origin.
fn key_for_url(
    name: ProviderName,
    url: &str,
    configured_url: Option<&str>,
) -> Result<Option<ApiKey>, BackendError> {
    match stored_key(name, configured_url)? {
        Some(stored) if stored.fits(url) => Ok(Some(stored.key)),
        Some(stored) => Err(BackendError::Invalid(other_origin_message(
            name, &stored, url,
        ))),
        None => Ok(None),
    }
}

fn other_origin_message(name: ProviderName, stored: &StoredKey, url: &str) -> String {
    let saved_for = stored
        .origin
        .as_ref()
        .map_or_else(|| "another host".to_owned(), |origin| origin.to_string());
    let target = Origin::of(url).map_or_else(|_| hearth_http::redact_url(url), |o| o.to_string());
    format!(
        "The {} key in the keychain was saved for {saved_for}; Hearth does not send it to {target}. Enter the key for this URL, or save the URL and confirm that the key may be used with this host.",
        name.label()
    )
}

/// Builds one provider from its URL and key.
pub fn build(
    name: ProviderName,
    base_url: &str,
    key: Option<ApiKey>,
) -> Result<Arc<dyn Provider>, BackendError> {
    let mut config = ProviderConfig::new(base_url);
    if let Some(key) = key {
        config = config.api_key(key);
    }
    name.api()
        .build(config)
        .map_err(|error| BackendError::Invalid(error.to_string()))
}

/// The routes of every provider that is ready, in Settings' order, then the local models when the
/// models folder holds any.
pub fn routes(
    urls: &ProviderUrls,
    local: Option<&LocalModels>,
) -> Result<Vec<Route>, BackendError> {
    let mut routes = Vec::new();
    for status in statuses(urls)? {
        let Some(base_url) = status.base_url.as_deref().filter(|_| status.ready) else {
            continue;
        };
        // Ready means a stored key fits this URL.
        let key = match status.key_use {
            KeyUse::None => None,
            _ => key_for_url(status.name, base_url, Some(base_url))?,
        };
        routes.push(Route {
            name: status.name.as_str().to_owned(),
            provider: build(status.name, base_url, key)?,
        });
    }
    if let Some(local) = local
        && local.has_models()
    {
        routes.push(Route {
            name: "local".to_owned(),
            provider: local.provider.clone(),
        });
    }
    Ok(routes)
}

/// The GGUF models in the app's models folder, run on this computer by llama.cpp.
pub struct LocalModels {
    /// The models folder.
    pub dir: std::path::PathBuf,
    provider: Arc<dyn Provider>,
}

impl LocalModels {
    /// The local provider over `<data_dir>/models`; `None`, with the reason logged, on a CPU
    /// llama.cpp cannot run on.
    pub fn open(data_dir: &std::path::Path) -> Option<Self> {
        if let Some(reason) = hearth_local::cpu_unsupported() {
            log::warn!("local models are off: {reason}");
            return None;
        }
        let dir = hearth_local::models_dir(data_dir);
        let provider = hearth_local::LocalProvider::new(hearth_local::LocalConfig::new(
            hearth_local::ModelSource::Folder(dir.clone()),
        ));
        Some(Self {
            dir,
            provider: Arc::new(provider),
        })
    }

    /// Whether the folder holds at least one usable model.
    pub fn has_models(&self) -> bool {
        hearth_local::list_models(&self.dir)
            .is_ok_and(|models| models.iter().any(|model| model.problem.is_none()))
    }
}

/// "Test connection": the provider's model list, or its error in its words. A key typed but not
/// yet saved can be tried with `key`; otherwise the stored one is used, and only when it was
/// saved for `base_url`'s origin. `configured_url` is the URL in the settings, which a key saved
/// before origins were recorded is bound to.
pub async fn test_connection(
    name: ProviderName,
    base_url: &str,
    configured_url: Option<&str>,
    key: Option<ApiKey>,
) -> Result<Vec<ModelInfo>, BackendError> {
    let base_url = crate::settings::check_base_url(base_url)?;
    let key = match key {
        Some(key) => Some(key),
        None if name.key_use() != KeyUse::None => key_for_url(name, &base_url, configured_url)?,
        None => None,
    };
    if name.key_use() == KeyUse::Required && key.is_none() {
        return Err(BackendError::Invalid(format!(
            "{} needs an API key: enter one first.",
            name.label()
        )));
    }
    let provider = build(name, &base_url, key)?;
    provider
        .list_models()
        .await
        .map_err(|error| BackendError::Server(hearth_http::redact_urls_in(&error.to_string())))
}

/// Whether an Ollama server answers at its usual address, so Settings can offer it.
pub async fn detect_ollama() -> bool {
    let Ok(provider) = ProviderName::Ollama.api().build(
        ProviderConfig::new(OLLAMA_BASE_URL)
            .max_retries(0)
            .timeouts(Duration::from_millis(500), Duration::from_secs(2)),
    ) else {
        return false;
    };
    provider.list_models().await.is_ok()
}
