//! Retrying a request before its answer starts: which failures, how long to wait, how often.

use std::time::SystemTime;

use reqwest::{RequestBuilder, Response};

/// Shared with the Assistants client: the same backoff, and a wait tests can record instead.
pub use hearth_http::{Backoff, DelayLog, Sleeper};

use super::error::ProviderError;

/// Default number of retries after the first attempt: three tries in all, as the client makes.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// The retry settings requests run with.
#[derive(Clone, Debug)]
pub(crate) struct RetryPolicy {
    pub max_retries: u32,
    pub backoff: Backoff,
    pub sleeper: Sleeper,
}

impl RetryPolicy {
    /// Sends the request built by `build` until a 2xx answer arrives, a failure is final, or the
    /// retries run out. Only rate limits, server errors, timeouts and connection failures are
    /// retried; once a 2xx answer is returned its body is the caller's, and nothing is resent.
    pub async fn send<F>(&self, build: F, key: Option<&str>) -> Result<Response, ProviderError>
    where
        F: Fn() -> RequestBuilder,
    {
        let mut retry = 0;
        loop {
            let (err, headers) = match build().send().await {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) => {
                    let status = response.status().as_u16();
                    let headers = response.headers().clone();
                    match response.bytes().await {
                        Ok(body) => {
                            let asked = hearth_http::retry_after(&headers, SystemTime::now());
                            let err = ProviderError::from_status(status, &body, asked, key);
                            (err, Some(headers))
                        }
                        Err(e) => (ProviderError::from_transport(&e, false), None),
                    }
                }
                Err(e) => (ProviderError::from_transport(&e, false), None),
            };
            if !(err.is_retryable() && retry < self.max_retries) {
                return Err(err);
            }
            log::warn!(
                "provider call failed, retrying ({} of {}): {err}",
                retry + 1,
                self.max_retries
            );
            let delay = self
                .backoff
                .delay(retry, headers.as_ref(), SystemTime::now());
            self.sleeper.sleep(delay).await;
            retry += 1;
        }
    }
}
