//! Settings → "Let programs on this computer use Hearth": the app serves the Assistants v2 API on
//! loopback over its own engine. Off until turned on; remembered across restarts; the token is
//! made here, kept in the keychain only and shown to the person once.

use rand::distr::{Alphanumeric, SampleString};

use super::Hearth;
use crate::api_server::{ApiServer, DEFAULT_API_PORT};
use crate::error::BackendError;

/// The keychain account of the app's API token.
pub const API_TOKEN_ACCOUNT: &str = "api-server:token";

/// Random characters in a new token: 43 base62 characters carry about 256 bits.
const TOKEN_RANDOM_LEN: usize = 43;

/// The app's API server as Settings shows it.
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiServerView {
    /// Turned on (and so started again with the app).
    pub enabled: bool,
    /// Listening now.
    pub running: bool,
    /// The base URL for an SDK, e.g. `http://127.0.0.1:8642/v1`, while it listens.
    pub base_url: Option<String>,
    /// The port it listens on.
    pub port: Option<u16>,
    /// Why it is not listening although turned on.
    pub problem: Option<String>,
    /// The token, only in the answer that made it: it is shown once, then only the keychain has it.
    pub new_token: Option<String>,
}

/// The server and why it last failed to start.
#[derive(Default)]
pub(crate) struct ApiServerState {
    running: Option<ApiServer>,
    problem: Option<String>,
}

impl Hearth {
    /// Whether the app's API server is on, and where it listens.
    pub async fn api_server(&self) -> ApiServerView {
        let state = self.api_server.lock().await;
        self.api_view(&state, None)
    }

    /// Turns the API server on: makes a token the first time (returned once, in `new_token`),
    /// listens on loopback (the remembered port, else 8642, else a free one) and remembers that
    /// it is on.
    pub async fn start_api_server(&self) -> Result<ApiServerView, BackendError> {
        let mut state = self.api_server.lock().await;
        if state.running.is_some() {
            return Ok(self.api_view(&state, None));
        }
        let (token, new_token) = match keychain_token().await? {
            Some(token) => (token, None),
            None => {
                let token = store_new_token().await?;
                (token.clone(), Some(token))
            }
        };
        let port = self
            .lock_settings()
            .api_server
            .port
            .unwrap_or(DEFAULT_API_PORT);
        let server = self.listen(&mut state, token, port).await?;
        let port = server.address().port();
        state.running = Some(server);
        self.change_settings(|settings| {
            settings.api_server.enabled = true;
            settings.api_server.port = Some(port);
        })?;
        Ok(self.api_view(&state, new_token))
    }

    /// Turns the API server off: it stops listening (runs it started go on) and stays off.
    pub async fn stop_api_server(&self) -> Result<ApiServerView, BackendError> {
        let mut state = self.api_server.lock().await;
        if let Some(server) = state.running.take() {
            server.stop().await;
        }
        state.problem = None;
        self.change_settings(|settings| settings.api_server.enabled = false)?;
        Ok(self.api_view(&state, None))
    }

    /// Replaces the token (the old one stops working at once) and returns the new one, once.
    pub async fn new_api_server_token(&self) -> Result<ApiServerView, BackendError> {
        let mut state = self.api_server.lock().await;
        let token = store_new_token().await?;
        if let Some(server) = state.running.take() {
            let port = server.address().port();
            server.stop().await;
            let server = self.listen(&mut state, token.clone(), port).await?;
            state.running = Some(server);
        }
        Ok(self.api_view(&state, Some(token)))
    }

    /// Starts the API server again at app start when it was left on; a failure is kept for
    /// Settings to show, and the setting stays on.
    pub async fn resume_api_server(&self) {
        if !self.lock_settings().api_server.enabled {
            return;
        }
        if let Err(error) = self.start_api_server().await {
            log::warn!("the app's API server did not start again: {error}");
            self.api_server.lock().await.problem = Some(error.to_string());
        }
    }

    /// A counter bumped after every request to the API server that may have changed something,
    /// so the window can read its lists again.
    pub fn api_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.api_changes.subscribe()
    }

    async fn listen(
        &self,
        state: &mut ApiServerState,
        token: String,
        port: u16,
    ) -> Result<ApiServer, BackendError> {
        let started = ApiServer::start(
            self.engine().clone(),
            hearth_server::Token::new(token),
            port,
            self.api_changes.clone(),
        )
        .await;
        match started {
            Ok(server) => {
                state.problem = None;
                Ok(server)
            }
            Err(error) => {
                let message = format!("Could not listen on 127.0.0.1: {error}");
                state.problem = Some(message.clone());
                Err(BackendError::Internal(message))
            }
        }
    }

    fn api_view(&self, state: &ApiServerState, new_token: Option<String>) -> ApiServerView {
        let address = state.running.as_ref().map(ApiServer::address);
        ApiServerView {
            enabled: self.lock_settings().api_server.enabled,
            running: address.is_some(),
            base_url: address.map(|address| format!("http://{address}/v1")),
            port: address.map(|address| address.port()),
            problem: state.problem.clone(),
            new_token,
        }
    }
}

/// The stored token; the keychain talks over D-Bus, so off the async workers.
async fn keychain_token() -> Result<Option<String>, BackendError> {
    blocking(|| {
        hearth_keychain::get(API_TOKEN_ACCOUNT)
            .map(|secret| secret.map(|secret| secret.expose().to_owned()))
    })
    .await
}

/// Makes a new random token and keeps it in the keychain.
async fn store_new_token() -> Result<String, BackendError> {
    let mut token = String::from("hearth-");
    Alphanumeric.append_string(&mut rand::rng(), &mut token, TOKEN_RANDOM_LEN);
    let stored = token.clone();
    blocking(move || hearth_keychain::set(API_TOKEN_ACCOUNT, &stored)).await?;
    Ok(token)
}

async fn blocking<T: Send + 'static>(
    call: impl FnOnce() -> Result<T, hearth_keychain::KeychainError> + Send + 'static,
) -> Result<T, BackendError> {
    tokio::task::spawn_blocking(call)
        .await
        .map_err(|error| BackendError::Internal(format!("The keychain call stopped: {error}")))?
        .map_err(|error| BackendError::Keychain(error.to_string()))
}
