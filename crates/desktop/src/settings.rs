//! The app's settings file: which providers are set up and where, and the remote profiles. It
//! never holds a key or a token — those live only in the OS keychain.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::BackendError;

/// The id of the profile "this computer" (the engine embedded in the app). The string stays
/// `local`: it is stored as `activeProfile` in existing settings files and the window knows the
/// profile by it.
pub const EMBEDDED_PROFILE: &str = "local";

/// Everything the settings file holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    /// Where each provider of "this computer" lives.
    pub providers: ProviderUrls,
    /// The remote profiles, in the order they were added.
    pub remotes: Vec<RemoteProfile>,
    /// The profile in use; `None` is "this computer".
    pub active_profile: Option<String>,
    /// The app's own API server ("Let programs on this computer use Hearth").
    pub api_server: ApiServerSettings,
    /// Hosts the person allowed model downloads over plain http from, lowercase (loopback needs
    /// no permission; everything else is https only).
    pub http_download_hosts: Vec<String>,
}

/// Whether the app serves the Assistants v2 API on loopback, and on which port. Its token is in
/// the keychain only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ApiServerSettings {
    /// Turned on in Settings; off until the person turns it on.
    pub enabled: bool,
    /// The port it listened on last, kept so scripts find it at the same address after a restart.
    pub port: Option<u16>,
}

/// Base URLs of the providers; `None` keeps the provider's default (OpenAI, Anthropic) or, for
/// Ollama and a compatible server, means the provider is not set up.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ProviderUrls {
    /// OpenAI's API, when not the official one (a proxy).
    pub openai: Option<String>,
    /// Anthropic's API, when not the official one.
    pub anthropic: Option<String>,
    /// Ollama's OpenAI-compatible endpoint, e.g. `http://127.0.0.1:11434/v1`.
    pub ollama: Option<String>,
    /// Any other OpenAI-compatible server.
    pub compatible: Option<String>,
}

/// A server that speaks Assistants v2; its token is in the keychain under [`RemoteProfile::token_account`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoteProfile {
    /// Stable id, also naming its mirror file.
    pub id: String,
    /// What the person called it.
    pub name: String,
    /// The server's base URL, ending in `/v1`.
    pub base_url: String,
}

impl RemoteProfile {
    /// The keychain account of this profile's token.
    pub fn token_account(&self) -> String {
        format!("profile:{}", self.id)
    }
}

impl Settings {
    /// Reads the settings file; a missing file is the defaults. A file that does not parse is
    /// kept aside as `settings.json.broken` (so nothing is lost) and the defaults are used.
    pub fn load(path: &Path) -> Settings {
        match std::fs::read(path) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(settings) => settings,
                Err(error) => {
                    log::error!(
                        "the settings file {} does not parse ({error}); it was kept as .broken and the defaults are used",
                        path.display()
                    );
                    let _ = std::fs::rename(path, broken_path(path));
                    Settings::default()
                }
            },
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(error) => {
                log::error!("could not read {}: {error}", path.display());
                Settings::default()
            }
        }
    }

    /// Writes the settings atomically (a temporary file renamed over the old one).
    pub fn save(&self, path: &Path) -> Result<(), BackendError> {
        let failed = |error: std::io::Error| {
            BackendError::Internal(format!(
                "Could not save the settings to {}: {error}",
                path.display()
            ))
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(failed)?;
        }
        let json = serde_json::to_vec_pretty(self)
            .map_err(|error| BackendError::Internal(format!("settings: {error}")))?;
        let temporary = path.with_extension("json.tmp");
        std::fs::write(&temporary, json).map_err(failed)?;
        std::fs::rename(&temporary, path).map_err(failed)
    }

    /// The remote profile `id`.
    pub fn remote(&self, id: &str) -> Option<&RemoteProfile> {
        self.remotes.iter().find(|remote| remote.id == id)
    }
}

fn broken_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".broken");
    PathBuf::from(name)
}

/// Checks a base URL a person typed: http or https, a host, no spaces, no `user:pass@`; answers
/// the rule broken (with the URL redacted).
pub fn check_base_url(url: &str) -> Result<String, BackendError> {
    let url = url.trim().trim_end_matches('/');
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| {
            BackendError::Invalid(format!(
                "The URL must start with http:// or https:// (got '{}').",
                hearth_http::redact_url(url)
            ))
        })?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(BackendError::Invalid(
            "The URL must name a host, e.g. http://127.0.0.1:8642/v1.".to_owned(),
        ));
    }
    if url.chars().any(char::is_whitespace) {
        return Err(BackendError::Invalid(
            "The URL must not contain spaces.".to_owned(),
        ));
    }
    hearth_http::parse_base_url(url)
        .map_err(|problem| BackendError::Invalid(problem.to_string()))?;
    Ok(url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_settings_file_is_kept_and_the_defaults_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        std::fs::write(&path, b"{ not json").unwrap();
        assert_eq!(Settings::load(&path), Settings::default());
        assert_eq!(
            std::fs::read(dir.path().join("settings.json.broken")).unwrap(),
            b"{ not json"
        );
    }

    #[test]
    fn settings_round_trip_through_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let settings = Settings {
            providers: ProviderUrls {
                ollama: Some("http://127.0.0.1:11434/v1".into()),
                ..Default::default()
            },
            remotes: vec![RemoteProfile {
                id: "r1".into(),
                name: "Team".into(),
                base_url: "http://10.0.0.2:8642/v1".into(),
            }],
            active_profile: Some("r1".into()),
            api_server: ApiServerSettings {
                enabled: true,
                port: Some(8642),
            },
            http_download_hosts: vec!["mirror.lan".into()],
        };
        settings.save(&path).unwrap();
        assert_eq!(Settings::load(&path), settings);
    }

    #[test]
    fn base_urls_are_checked_with_the_rule_that_failed() {
        assert_eq!(
            check_base_url(" http://127.0.0.1:8642/v1/ ").unwrap(),
            "http://127.0.0.1:8642/v1"
        );
        let error = check_base_url("127.0.0.1:8642").unwrap_err().to_string();
        assert!(error.contains("http://"), "{error}");
        let error = check_base_url("http:///v1").unwrap_err().to_string();
        assert!(error.contains("host"), "{error}");
        let error = check_base_url("https://me:hunter2@proxy.example/v1")
            .unwrap_err()
            .to_string();
        assert!(error.contains("user name or password"), "{error}");
        assert!(
            !error.contains("hunter2"),
            "the password was echoed: {error}"
        );
    }
}
