//! Client configuration.

use std::time::Duration;

use hearth_http::ApiKey;

use crate::retry::{Backoff, Sleeper};

/// Default request timeout: the official SDKs' 600 s, long enough for streamed runs.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
/// Default number of retries after the first attempt, as in the official SDKs.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// Everything needed to build a [`crate::Client`].
#[derive(Clone, Debug)]
pub struct Config {
    /// Base URL including the version segment, e.g. `http://127.0.0.1:8642/v1`.
    pub base_url: String,
    /// Sent as `Authorization: Bearer …` when set.
    pub api_key: Option<ApiKey>,
    /// Sent as `OpenAI-Organization` when set.
    pub organization: Option<String>,
    /// Sent as `OpenAI-Project` when set.
    pub project: Option<String>,
    /// Whole-request timeout for JSON calls; for streams, uploads and downloads it bounds each read
    /// instead, so long transfers are not cut off while data keeps flowing.
    pub timeout: Duration,
    /// Retries after the first attempt; 0 disables retrying.
    pub max_retries: u32,
    /// Delay schedule between attempts.
    pub backoff: Backoff,
    /// How the client waits between attempts; replaceable so tests record delays instead of sleeping.
    pub sleeper: Sleeper,
}

impl Config {
    /// A configuration for `base_url` with the SDK defaults and no credentials.
    pub fn new(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            api_key: None,
            organization: None,
            project: None,
            timeout: DEFAULT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            backoff: Backoff::default(),
            sleeper: Sleeper::tokio(),
        }
    }

    /// Sets the bearer token.
    pub fn api_key(mut self, key: ApiKey) -> Self {
        self.api_key = Some(key);
        self
    }

    /// Sets the `OpenAI-Organization` header.
    pub fn organization(mut self, organization: impl Into<String>) -> Self {
        self.organization = Some(organization.into());
        self
    }

    /// Sets the `OpenAI-Project` header.
    pub fn project(mut self, project: impl Into<String>) -> Self {
        self.project = Some(project.into());
        self
    }

    /// Sets the request timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
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

    /// Replaces the sleep used between retries.
    pub fn sleeper(mut self, sleeper: Sleeper) -> Self {
        self.sleeper = sleeper;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_never_printed() {
        let config = Config::new("http://x/v1").api_key(ApiKey::new("sk-very-secret"));
        let shown = format!(
            "{config:?} {} {:?}",
            config.api_key.as_ref().unwrap(),
            config.api_key
        );
        assert!(
            !shown.contains("sk-very-secret"),
            "the token leaked into Debug/Display: {shown}"
        );
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn sdk_defaults() {
        let config = Config::new("http://x/v1");
        assert_eq!(config.max_retries, 2);
        assert_eq!(config.timeout, Duration::from_secs(600));
    }
}
