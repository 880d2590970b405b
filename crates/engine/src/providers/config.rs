//! Where a provider lives, how to authenticate, and how patient to be with it.

use std::time::Duration;

pub use hearth_http::ApiKey;

use super::error::ProviderError;
use super::retry::{Backoff, DEFAULT_MAX_RETRIES, RetryPolicy, Sleeper};

/// Default time to wait for a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default longest silence while waiting for the answer or between its pieces. Long, because a local
/// model on a CPU may spend minutes reading a long prompt before its first token.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(600);

/// Settings shared by every provider.
#[derive(Clone, Debug)]
pub struct ProviderConfig {
    /// Base URL, e.g. `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1` or
    /// `https://api.anthropic.com`; paths are appended to it.
    pub base_url: String,
    /// The key, when the provider needs one.
    pub api_key: Option<ApiKey>,
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    /// Delay schedule between attempts (a provider's `retry-after` wins when it asks for 0–60 s).
    pub backoff: Backoff,
    /// How to wait between attempts.
    pub sleeper: Sleeper,
    /// Longest wait for a connection.
    pub connect_timeout: Duration,
    /// Longest silence from the provider.
    pub read_timeout: Duration,
}

impl ProviderConfig {
    /// Settings for `base_url` with no key and the default retries and timeouts.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            api_key: None,
            max_retries: DEFAULT_MAX_RETRIES,
            backoff: Backoff::default(),
            sleeper: Sleeper::tokio(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
        }
    }

    /// Sets the API key.
    pub fn api_key(mut self, key: ApiKey) -> Self {
        self.api_key = Some(key);
        self
    }

    /// Sets how many times a failed request is retried.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the backoff schedule.
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Replaces the wait between retries.
    pub fn sleeper(mut self, sleeper: Sleeper) -> Self {
        self.sleeper = sleeper;
        self
    }

    /// Sets the connect and read timeouts.
    pub fn timeouts(mut self, connect: Duration, read: Duration) -> Self {
        self.connect_timeout = connect;
        self.read_timeout = read;
        self
    }
}

/// The HTTP side of a provider, built once from its settings.
#[derive(Debug)]
pub(crate) struct Transport {
    pub http: reqwest::Client,
    /// Without a trailing slash.
    pub base_url: String,
    pub key: Option<ApiKey>,
    pub policy: RetryPolicy,
}

impl Transport {
    pub fn new(config: &ProviderConfig) -> Result<Self, ProviderError> {
        let base_url = config.base_url.trim_end_matches('/').to_owned();
        hearth_http::parse_base_url(&base_url)
            .map_err(|problem| ProviderError::Config(format!("base URL: {problem}")))?;
        if let Some(key) = &config.api_key
            && reqwest::header::HeaderValue::from_str(key.expose()).is_err()
        {
            return Err(ProviderError::Config(
                "the API key contains characters not allowed in a header".into(),
            ));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .user_agent(concat!("hearth/", env!("CARGO_PKG_VERSION")))
            // The key travels in headers reqwest would carry across hosts (`x-api-key`).
            .redirect(hearth_http::same_origin_redirects())
            .build()
            .map_err(|e| ProviderError::Config(format!("HTTP client: {e}")))?;
        Ok(Self {
            http,
            base_url,
            key: config.api_key.clone(),
            policy: RetryPolicy {
                max_retries: config.max_retries,
                backoff: config.backoff,
                sleeper: config.sleeper.clone(),
            },
        })
    }

    /// `base_url` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The key's text, for scrubbing provider messages.
    pub fn key_text(&self) -> Option<&str> {
        self.key.as_ref().map(ApiKey::expose)
    }

    /// A header value carrying `secret`, marked sensitive so it never prints.
    pub fn secret_header(secret: &str) -> reqwest::header::HeaderValue {
        // Checked in `new` (the bearer prefix adds only allowed characters).
        let mut value = reqwest::header::HeaderValue::from_str(secret)
            .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static(""));
        value.set_sensitive(true);
        value
    }
}
