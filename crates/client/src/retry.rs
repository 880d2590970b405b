//! Retrying failed requests the way the official SDKs do: which failures and how often. How long to
//! wait comes from `hearth-http`, shared with the model providers.

use std::time::SystemTime;

pub use hearth_http::retry::{Backoff, DelayLog, Sleeper, retry_after};
use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, Response, StatusCode};

use crate::error::{ApiError, Error};

/// Whether a response status is worth another attempt; `x-should-retry` overrides the status.
pub fn should_retry(status: StatusCode, headers: &HeaderMap) -> bool {
    match headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
        Some("true") => return true,
        Some("false") => return false,
        _ => {}
    }
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// The retry settings one request runs with.
#[derive(Clone, Debug)]
pub(crate) struct Policy {
    pub max_retries: u32,
    pub backoff: Backoff,
    pub sleeper: Sleeper,
}

impl Policy {
    /// Sends the request built by `build` (called once per attempt, since bodies such as file
    /// streams cannot be replayed) until it succeeds, fails for good, or retries run out. A non-2xx
    /// final answer becomes [`Error::Api`].
    pub async fn send<F>(&self, mut build: F) -> Result<Response, Error>
    where
        F: FnMut() -> Result<RequestBuilder, Error>,
    {
        let mut retry = 0;
        loop {
            let outcome = build()?.send().await;
            let left = retry < self.max_retries;
            let headers = match outcome {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) => {
                    let (status, headers) = (response.status(), response.headers().clone());
                    if !(left && should_retry(status, &headers)) {
                        let body = response.bytes().await.map_err(Error::from)?;
                        return Err(ApiError::from_response(status, &headers, &body).into());
                    }
                    log::debug!(
                        "retrying after HTTP {status} (retry {} of {})",
                        retry + 1,
                        self.max_retries
                    );
                    Some(headers)
                }
                Err(err) => {
                    let err = Error::from(err);
                    if !(left && matches!(err, Error::Connection(_) | Error::Timeout(_))) {
                        return Err(err);
                    }
                    log::debug!(
                        "retrying after {err} (retry {} of {})",
                        retry + 1,
                        self.max_retries
                    );
                    None
                }
            };
            let delay = self
                .backoff
                .delay(retry, headers.as_ref(), SystemTime::now());
            self.sleeper.sleep(delay).await;
            retry += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn retryable_statuses() {
        let none = HeaderMap::new();
        for code in [408, 409, 429, 500, 502, 503, 504] {
            assert!(
                should_retry(StatusCode::from_u16(code).unwrap(), &none),
                "{code} should be retried"
            );
        }
        for code in [400, 401, 403, 404, 422] {
            assert!(
                !should_retry(StatusCode::from_u16(code).unwrap(), &none),
                "{code} must not be retried"
            );
        }
        assert!(should_retry(
            StatusCode::BAD_REQUEST,
            &headers(&[("x-should-retry", "true")])
        ));
        assert!(!should_retry(
            StatusCode::INTERNAL_SERVER_ERROR,
            &headers(&[("x-should-retry", "false")])
        ));
    }
}
