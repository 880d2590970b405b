//! The OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows): the
//! only place Hearth keeps provider keys and server tokens, and the only module that touches it.
//! There is no plaintext fallback: without a usable keychain, every call says what is missing.

use std::sync::{Arc, OnceLock};

use keyring_core::{CredentialStore, Entry};

mod bound;

pub use bound::{BoundSecret, get_bound, set_bound};

/// The keychain service all of Hearth's entries live under (the app's identifier).
pub const SERVICE: &str = "app.hearth.desktop";

/// The account name of a model provider's API key, e.g. `provider:openai`.
pub fn provider_key_account(provider: &str) -> String {
    format!("provider:{provider}")
}

/// A secret read from the keychain. It never prints and cannot be serialized.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The secret's text, for the one place that sends it (an HTTP header).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Why the keychain could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeychainError {
    /// There is no keychain to talk to, or it is locked.
    #[error("{0}")]
    Unavailable(String),
    /// The keychain answered with an error.
    #[error("The OS keychain failed: {0}")]
    Failed(String),
}

const UNAVAILABLE_HINT: &str = if cfg!(target_os = "linux") {
    "No usable OS keychain: Hearth keeps keys only in the Secret Service (GNOME Keyring or KWallet), which must be running and unlocked in this session"
} else {
    "No usable OS keychain: Hearth keeps keys only in the system keychain, which could not be opened"
};

/// The system's credential store, opened once per process.
fn store() -> Result<Arc<CredentialStore>, KeychainError> {
    static STORE: OnceLock<Result<Arc<CredentialStore>, String>> = OnceLock::new();
    STORE
        .get_or_init(|| platform_store().map_err(|error| format!("{UNAVAILABLE_HINT} ({error}).")))
        .clone()
        .map_err(KeychainError::Unavailable)
}

#[cfg(target_os = "linux")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(zbus_secret_service_keyring_store::Store::new()?)
}

#[cfg(target_os = "macos")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(apple_native_keyring_store::keychain::Store::new()?)
}

#[cfg(target_os = "windows")]
fn platform_store() -> keyring_core::Result<Arc<CredentialStore>> {
    Ok(windows_native_keyring_store::Store::new()?)
}

fn entry(account: &str) -> Result<Entry, KeychainError> {
    Entry::new_in_store(&store()?, SERVICE, account).map_err(classify)
}

fn classify(error: keyring_core::Error) -> KeychainError {
    match error {
        keyring_core::Error::NoStorageAccess(detail) => {
            KeychainError::Unavailable(format!("{UNAVAILABLE_HINT} ({detail})."))
        }
        other => KeychainError::Failed(other.to_string()),
    }
}

/// The secret stored for `account`; `Ok(None)` when there is none.
pub fn get(account: &str) -> Result<Option<Secret>, KeychainError> {
    match entry(account)?.get_password() {
        Ok(secret) => Ok(Some(Secret(secret))),
        Err(keyring_core::Error::NoEntry) => Ok(None),
        Err(error) => Err(classify(error)),
    }
}

/// Stores `secret` for `account`, replacing what was there.
pub fn set(account: &str, secret: &str) -> Result<(), KeychainError> {
    entry(account)?.set_password(secret).map_err(classify)
}

/// Removes the secret of `account`; returns whether there was one.
pub fn delete(account: &str) -> Result<bool, KeychainError> {
    match entry(account)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring_core::Error::NoEntry) => Ok(false),
        Err(error) => Err(classify(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        assert_eq!(format!("{:?}", Secret("sk-live-123".into())), "<redacted>");
    }
}
