//! Whether the profile in use can reach its server, and profiles as the switcher shows them.

use super::{Hearth, ProfileInfo};
use crate::error::BackendError;
use crate::settings::RemoteProfile;

/// The profile in use's link to its server.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// Whether the server answers (always, for "this computer").
    pub online: bool,
    /// The server's URL, for a remote profile.
    pub base_url: Option<String>,
}

impl From<RemoteProfile> for ProfileInfo {
    /// A remote profile just added: not the one in use yet.
    fn from(profile: RemoteProfile) -> Self {
        Self {
            id: profile.id,
            name: profile.name,
            base_url: Some(profile.base_url),
            active: false,
        }
    }
}

impl Hearth {
    /// Asks the profile in use's server whether it can be reached.
    pub async fn connection(&self) -> Result<Connection, BackendError> {
        let online = self.check_connection().await?;
        let base_url = self
            .profiles()
            .into_iter()
            .find(|profile| profile.active)
            .and_then(|profile| profile.base_url);
        Ok(Connection { online, base_url })
    }
}
