//! An HTTP client for any server that speaks the Assistants v2 protocol: every operation, server-sent
//! event streams, pagination, retries with backoff, and uploads and downloads streamed from and to disk.
//!
//! ```no_run
//! use futures_util::StreamExt;
//! use hearth_client::{ApiKey, Client, Config, StreamEvent};
//!
//! # async fn demo() -> Result<(), hearth_client::Error> {
//! let client = Client::new(Config::new("http://127.0.0.1:8642/v1").api_key(ApiKey::new("sk-local")))?;
//! let thread = client.create_thread(&serde_json::json!({})).await?;
//! let body = serde_json::json!({"assistant_id": "asst_abc123"});
//! let mut events = client.create_run_stream(&thread.id, &body, &[]).await?;
//! while let Some(event) = events.next().await {
//!     if let StreamEvent::RunCompleted(run) = event? {
//!         println!("run {} finished", run.id);
//!     }
//! }
//! # Ok(())
//! # }
//! ```

mod assistants;
mod config;
mod error;
mod files;
pub mod fold;
mod messages;
mod models;
mod pagination;
mod request;
pub mod retry;
mod runs;
pub mod sse;
mod stream;
mod threads;
mod types;
mod vector_stores;

pub use config::{Config, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT};
pub use error::{ApiError, Error};
pub use files::{FileUpload, Progress};
pub use hearth_http::ApiKey;
pub use hearth_wire as wire;
pub use pagination::Page;
pub use retry::{Backoff, DelayLog, Sleeper};
pub use runs::INCLUDE_FILE_SEARCH_CONTENT;
pub use stream::{EventStream, decode_event};
pub use types::*;

use std::fmt;
use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderValue};

use retry::Policy;

/// A client for one server; cheap to clone (clones share the connection pool).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// Base URL without a trailing slash; paths are appended verbatim.
    base_url: String,
    /// Authorization and organisation headers, the token marked sensitive so it never prints.
    headers: HeaderMap,
    policy: Policy,
    config: Config,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.inner.config)
            .finish()
    }
}

impl Client {
    /// Builds a client; fails only on an unusable base URL or header value.
    pub fn new(config: Config) -> Result<Self, Error> {
        let base_url = config.base_url.trim_end_matches('/').to_owned();
        hearth_http::parse_base_url(&base_url)
            .map_err(|problem| Error::Config(problem.to_string()))?;
        let mut headers = HeaderMap::new();
        if let Some(key) = &config.api_key {
            let mut value =
                HeaderValue::from_str(&format!("Bearer {}", key.expose())).map_err(|_| {
                    Error::Config("the API key contains characters not allowed in a header".into())
                })?;
            value.set_sensitive(true);
            headers.insert(reqwest::header::AUTHORIZATION, value);
        }
        for (name, value) in [
            ("openai-organization", &config.organization),
            ("openai-project", &config.project),
        ] {
            if let Some(value) = value {
                let value = HeaderValue::from_str(value).map_err(|_| {
                    Error::Config(format!(
                        "{name} contains characters not allowed in a header"
                    ))
                })?;
                headers.insert(name, value);
            }
        }
        let http = reqwest::Client::builder()
            .connect_timeout(config.timeout)
            // Bounds each read, so streams and large transfers live as long as data flows; JSON calls
            // additionally get the whole-request timeout in `request`.
            .read_timeout(config.timeout)
            .user_agent(concat!("hearth-client/", env!("CARGO_PKG_VERSION")))
            // The token must not follow a redirect to another host.
            .redirect(hearth_http::same_origin_redirects())
            .build()
            .map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        let policy = Policy {
            max_retries: config.max_retries,
            backoff: config.backoff,
            sleeper: config.sleeper.clone(),
        };
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base_url,
                headers,
                policy,
                config,
            }),
        })
    }

    /// The configuration this client was built from.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }
}
