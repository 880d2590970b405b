//! The app's state: the settings, the engine of "this computer" with its providers, and the
//! profile in use. The window's commands call into this and nothing else.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use hearth_engine::providers::{ApiKey, Router};
use hearth_engine::{
    BuiltinEmbedder, CodeInterpreterSettings, Embedder, Engine, EngineConfig, builtin_embedder_dir,
};
use hearth_store::{DataLock, DataLockError, Store};

use crate::backend::Backend;
use crate::embedded::EmbeddedBackend;
use crate::error::BackendError;
use crate::providers::{self, KeyUse, LocalModels, ProviderName, ProviderStatus};
use crate::remote::RemoteBackend;
use crate::settings::{EMBEDDED_PROFILE, RemoteProfile, Settings, check_base_url};

mod api_server;
mod code_runtime;
mod connection;
mod embedder_setup;
mod export;
mod files;
mod first_run;
mod knowledge;
mod model_groups;
mod models;
mod threads;
mod uploads;

pub use api_server::{API_TOKEN_ACCOUNT, ApiServerView};
pub use code_runtime::{CodeRuntimeProgress, CodeRuntimeView, PACKAGE_INDEX_ENV};
pub use connection::Connection;
pub use files::suggested_file_name;
pub use first_run::{DEFAULT_MODEL_URL_ENV, SetupOffer, SetupOffers};
pub use model_groups::ModelGroup;
pub use models::{DownloadProgressView, LocalModelList, LocalModelView};
pub use uploads::{IndexingState, IndexingView, LocalFile, LocalFiles, UploadProgressView};

/// Where the app keeps its files.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The data folder: `hearth.db`, uploaded files' bytes (`files`) and the remote profiles'
    /// mirrors.
    pub data_dir: PathBuf,
    /// The settings file.
    pub settings_file: PathBuf,
}

/// One profile as the profile switcher shows it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileInfo {
    /// `local`, or the remote profile's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The server's URL, for a remote profile.
    pub base_url: Option<String>,
    /// Whether it is the one in use.
    pub active: bool,
}

/// The name the app writes into the data folder's lock, which a refused `hearth-server` shows.
pub const APP_PROGRAM: &str = "Hearth";

/// Everything the app runs on.
pub struct Hearth {
    /// The data folder's lock, held while the app runs: no other program runs the engine on it.
    _owner: DataLock,
    paths: Paths,
    settings: Mutex<Settings>,
    router: Arc<Router>,
    embedded: EmbeddedBackend,
    local_models: Option<LocalModels>,
    remotes: Mutex<HashMap<String, Arc<RemoteBackend>>>,
    /// Model downloads under way, by file name, to cancel them.
    downloads: Mutex<HashMap<String, tokio_util::sync::CancellationToken>>,
    /// The code interpreter's runtime being set up, to cancel it.
    runtime_install: Mutex<Option<tokio_util::sync::CancellationToken>>,
    /// Held while a vector store is found or made for a thread or assistant.
    store_setup: tokio::sync::Mutex<()>,
    /// Whether the built-in embedder is being downloaded.
    embedder_install: std::sync::atomic::AtomicBool,
    /// The app's own API server; started and stopped one at a time.
    api_server: tokio::sync::Mutex<api_server::ApiServerState>,
    /// Bumped after each request to the API server that may have changed something.
    api_changes: tokio::sync::watch::Sender<u64>,
}

/// The built-in embedder from `<data_dir>/embedders/all-MiniLM-L6-v2`, where the first-run
/// download and `scripts/embedder-model.sh` put it; without it file search ranks by keywords only.
fn builtin_embedder(data_dir: &std::path::Path) -> Option<Arc<dyn Embedder>> {
    let dir = builtin_embedder_dir(data_dir);
    if !dir.exists() {
        return None;
    }
    match BuiltinEmbedder::load(&dir) {
        Ok(embedder) => Some(Arc::new(embedder)),
        Err(problem) => {
            log::warn!("{problem}; file search ranks by keywords only");
            None
        }
    }
}

impl Hearth {
    /// Opens the store, recovers runs a crash left unfinished and sets up the providers. A
    /// keychain that cannot be read leaves the providers needing keys unset (Settings says why).
    pub fn open(paths: Paths) -> Result<Self, BackendError> {
        std::fs::create_dir_all(&paths.data_dir).map_err(|error| {
            BackendError::Internal(format!(
                "Could not create the data folder {}: {error}",
                paths.data_dir.display()
            ))
        })?;
        let owner = DataLock::acquire(&paths.data_dir, APP_PROGRAM).map_err(refusal)?;
        let store = Store::open(paths.data_dir.join("hearth.db"))?;
        let router = Arc::new(Router::new());
        let config = EngineConfig {
            files_dir: Some(paths.data_dir.join("files")),
            embedder: builtin_embedder(&paths.data_dir),
            code_interpreter: Some(CodeInterpreterSettings::in_data_dir(&paths.data_dir)),
            ..EngineConfig::default()
        };
        let engine = Engine::new(store, router.clone(), config);
        let closed = engine.recover()?;
        if closed > 0 {
            log::info!("closed {closed} run(s) left unfinished by the last session");
        }
        let settings = Settings::load(&paths.settings_file);
        let local_models = LocalModels::open(&paths.data_dir);
        let hearth = Self {
            _owner: owner,
            settings: Mutex::new(settings),
            router,
            local_models,
            paths,
            embedded: EmbeddedBackend::new(engine),
            remotes: Mutex::new(HashMap::new()),
            downloads: Mutex::new(HashMap::new()),
            runtime_install: Mutex::new(None),
            store_setup: tokio::sync::Mutex::new(()),
            embedder_install: std::sync::atomic::AtomicBool::new(false),
            api_server: tokio::sync::Mutex::default(),
            api_changes: tokio::sync::watch::Sender::new(0),
        };
        if let Err(error) = hearth.reload_providers() {
            log::warn!("providers not set up: {error}");
        }
        Ok(hearth)
    }

    /// The engine of "this computer", for shutdown.
    pub fn engine(&self) -> &Engine {
        self.embedded.engine()
    }

    /// A copy of the settings.
    pub fn settings(&self) -> Settings {
        self.lock_settings().clone()
    }

    fn lock_settings(&self) -> std::sync::MutexGuard<'_, Settings> {
        self.settings.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn change_settings(&self, change: impl FnOnce(&mut Settings)) -> Result<(), BackendError> {
        let mut settings = self.lock_settings();
        let mut changed = settings.clone();
        change(&mut changed);
        changed.save(&self.paths.settings_file)?;
        *settings = changed;
        Ok(())
    }

    fn reload_providers(&self) -> Result<(), BackendError> {
        let urls = self.lock_settings().providers.clone();
        self.router
            .set_routes(providers::routes(&urls, self.local_models.as_ref())?);
        Ok(())
    }

    // ----- profiles -----

    /// The backend of the profile in use.
    pub fn backend(&self) -> Result<Arc<dyn Backend>, BackendError> {
        let active = self.lock_settings().active_profile.clone();
        match active.as_deref() {
            None | Some(EMBEDDED_PROFILE) => Ok(Arc::new(self.embedded.clone())),
            Some(id) => Ok(self.remote(id)? as Arc<dyn Backend>),
        }
    }

    /// Whether the profile in use is "this computer".
    pub fn active_is_embedded(&self) -> bool {
        matches!(
            self.lock_settings().active_profile.as_deref(),
            None | Some(EMBEDDED_PROFILE)
        )
    }

    fn remote(&self, id: &str) -> Result<Arc<RemoteBackend>, BackendError> {
        let mut remotes = self.remotes.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(remote) = remotes.get(id) {
            return Ok(remote.clone());
        }
        let profile = self
            .lock_settings()
            .remote(id)
            .cloned()
            .ok_or_else(|| BackendError::NotFound(format!("No profile with id '{id}'.")))?;
        let token = hearth_keychain::get(&profile.token_account())
            .map_err(|error| BackendError::Keychain(error.to_string()))?
            .map(|secret| ApiKey::new(secret.expose()));
        let mirror = self.mirror_path(id);
        if let Some(folder) = mirror.parent() {
            std::fs::create_dir_all(folder).map_err(|error| {
                BackendError::Internal(format!(
                    "Could not create the folder {} for the offline copy: {error}",
                    folder.display()
                ))
            })?;
        }
        let remote = Arc::new(RemoteBackend::open(&profile.base_url, token, &mirror)?);
        remotes.insert(id.to_owned(), remote.clone());
        Ok(remote)
    }

    fn mirror_path(&self, id: &str) -> PathBuf {
        self.paths
            .data_dir
            .join("profiles")
            .join(format!("{id}.db"))
    }

    /// Asks the profile's server whether it can be reached (always true for "this computer").
    pub async fn check_connection(&self) -> Result<bool, BackendError> {
        let active = self.lock_settings().active_profile.clone();
        match active.as_deref() {
            None | Some(EMBEDDED_PROFILE) => Ok(true),
            Some(id) => Ok(self.remote(id)?.check_connection().await),
        }
    }

    /// Every profile, "this computer" first.
    pub fn profiles(&self) -> Vec<ProfileInfo> {
        let settings = self.lock_settings();
        let active = settings
            .active_profile
            .as_deref()
            .unwrap_or(EMBEDDED_PROFILE);
        let mut profiles = vec![ProfileInfo {
            id: EMBEDDED_PROFILE.to_owned(),
            name: "This computer".to_owned(),
            base_url: None,
            active: active == EMBEDDED_PROFILE,
        }];
        profiles.extend(settings.remotes.iter().map(|remote| ProfileInfo {
            id: remote.id.clone(),
            name: remote.name.clone(),
            base_url: Some(remote.base_url.clone()),
            active: active == remote.id,
        }));
        profiles
    }

    /// Switches to profile `id`.
    pub fn use_profile(&self, id: &str) -> Result<(), BackendError> {
        if id != EMBEDDED_PROFILE && self.lock_settings().remote(id).is_none() {
            return Err(BackendError::NotFound(format!(
                "No profile with id '{id}'."
            )));
        }
        let id = (id != EMBEDDED_PROFILE).then(|| id.to_owned());
        self.change_settings(|settings| settings.active_profile = id)
    }

    /// Adds a remote profile; the token goes to the keychain. The profile is not switched to.
    pub fn add_remote(
        &self,
        name: &str,
        base_url: &str,
        token: Option<&str>,
    ) -> Result<RemoteProfile, BackendError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(BackendError::Invalid("Give the profile a name.".to_owned()));
        }
        let base_url = check_base_url(base_url)?;
        let profile = RemoteProfile {
            id: hearth_store::new_id("profile"),
            name: name.to_owned(),
            base_url,
        };
        if let Some(token) = token.map(str::trim).filter(|token| !token.is_empty()) {
            check_secret(token)?;
            hearth_keychain::set(&profile.token_account(), token)
                .map_err(|error| BackendError::Keychain(error.to_string()))?;
        }
        self.change_settings(|settings| settings.remotes.push(profile.clone()))?;
        Ok(profile)
    }

    /// Removes a remote profile, its token and its mirror.
    pub fn remove_remote(&self, id: &str) -> Result<(), BackendError> {
        let profile = self
            .lock_settings()
            .remote(id)
            .cloned()
            .ok_or_else(|| BackendError::NotFound(format!("No profile with id '{id}'.")))?;
        hearth_keychain::delete(&profile.token_account())
            .map_err(|error| BackendError::Keychain(error.to_string()))?;
        self.change_settings(|settings| {
            settings.remotes.retain(|remote| remote.id != id);
            if settings.active_profile.as_deref() == Some(id) {
                settings.active_profile = None;
            }
        })?;
        self.remotes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(id);
        let mirror = self.mirror_path(id);
        let _ = std::fs::remove_dir_all(mirror.with_extension("files"));
        let _ = std::fs::remove_file(mirror);
        Ok(())
    }

    // ----- providers -----

    /// The providers of "this computer" as Settings shows them.
    pub fn providers(&self) -> Result<Vec<ProviderStatus>, BackendError> {
        providers::statuses(&self.lock_settings().providers)
    }

    /// Stores a provider's key in the keychain, bound to the origin of the provider's URL, and
    /// starts using it.
    pub fn set_provider_key(&self, name: ProviderName, key: &str) -> Result<(), BackendError> {
        if name.key_use() == KeyUse::None {
            return Err(BackendError::Invalid(format!(
                "{} takes no API key.",
                name.label()
            )));
        }
        let key = key.trim();
        check_secret(key)?;
        let url = name
            .current_url(&self.lock_settings().providers)
            .ok_or_else(|| {
                BackendError::Invalid(format!(
                    "Enter the URL of the {} first: its key is only ever sent there.",
                    name.label()
                ))
            })?;
        providers::store_key(name, key, &url)?;
        self.reload_providers()
    }

    /// Removes a provider's key from the keychain.
    pub fn remove_provider_key(&self, name: ProviderName) -> Result<(), BackendError> {
        hearth_keychain::delete(&name.key_account())
            .map_err(|error| BackendError::Keychain(error.to_string()))?;
        self.reload_providers()
    }

    /// Sets (or, with `None`, clears) a provider's URL. A stored key stays bound to the host it
    /// was saved for unless `move_key` says the person confirmed it may be used with the new one;
    /// otherwise Settings asks for the key again.
    pub fn set_provider_url(
        &self,
        name: ProviderName,
        url: Option<&str>,
        move_key: bool,
    ) -> Result<(), BackendError> {
        let url = url
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .map(check_base_url)
            .transpose()?;
        // Bind a key saved before origins were recorded to the URL it was used with, before
        // the URL changes.
        let before = name.current_url(&self.lock_settings().providers);
        let stored = match name.key_use() {
            KeyUse::None => None,
            _ => providers::stored_key(name, before.as_deref())?,
        };
        self.change_settings(|settings| *name.url_slot(&mut settings.providers) = url)?;
        let after = name.current_url(&self.lock_settings().providers);
        if move_key
            && let Some(stored) = stored
            && let Some(after) = after
            && !stored.fits(&after)
        {
            providers::store_key(name, stored.key().expose(), &after)?;
            log::info!(
                "the {} key may now be sent to {}, as confirmed in Settings",
                name.label(),
                hearth_http::redact_url(&after)
            );
        }
        self.reload_providers()
    }

    /// "Test connection" for a provider, with a key typed but not saved yet if given. The stored
    /// key is used only for the origin it was saved for.
    pub async fn test_provider(
        &self,
        name: ProviderName,
        base_url: Option<&str>,
        key: Option<&str>,
    ) -> Result<Vec<String>, BackendError> {
        let configured = name.current_url(&self.lock_settings().providers);
        let base_url = match base_url.map(str::trim).filter(|url| !url.is_empty()) {
            Some(url) => url.to_owned(),
            None => configured.clone().ok_or_else(|| {
                BackendError::Invalid(format!("Enter the URL of the {} first.", name.label()))
            })?,
        };
        let key = key
            .map(str::trim)
            .filter(|key| !key.is_empty())
            .map(|key| check_secret(key).map(|()| ApiKey::new(key)))
            .transpose()?;
        let models =
            providers::test_connection(name, &base_url, configured.as_deref(), key).await?;
        Ok(models.into_iter().map(|model| model.id).collect())
    }

    /// The models each ready provider offers, for the assistant editor's picker.
    pub async fn models_by_provider(&self) -> Vec<(String, Result<Vec<String>, String>)> {
        self.router
            .models_by_provider()
            .await
            .into_iter()
            .map(|(name, listed)| {
                let listed = listed
                    .map(|models| models.into_iter().map(|model| model.id).collect())
                    .map_err(|error| error.to_string());
                (name, listed)
            })
            .collect()
    }
}

/// Why the app cannot open its data folder because another program holds it, and what to do.
fn refusal(error: DataLockError) -> BackendError {
    match error {
        DataLockError::InUse { .. } => BackendError::Internal(format!(
            "{error}. Stop it (if hearth-server runs as a service: systemctl --user stop \
             hearth-server) and open Hearth again. Settings → \"Let programs on this computer use \
             Hearth\" then serves the same API from the app."
        )),
        DataLockError::Io { .. } => BackendError::Internal(error.to_string()),
    }
}

/// Checks a key or token a person pasted: not empty, one line, no spaces inside.
fn check_secret(secret: &str) -> Result<(), BackendError> {
    if secret.is_empty() {
        return Err(BackendError::Invalid("The key is empty.".to_owned()));
    }
    if secret.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(BackendError::Invalid(
            "The key must be one line without spaces; check that it was pasted whole.".to_owned(),
        ));
    }
    Ok(())
}
