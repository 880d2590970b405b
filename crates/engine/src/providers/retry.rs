//! Retrying a request before its answer starts: which failures, how long to wait, how often.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures_util::future::BoxFuture;
use reqwest::{RequestBuilder, Response};

pub use hearth_client::Backoff;

use super::error::ProviderError;

/// Default number of retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

type SleepFn = dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync;

/// How a provider waits between attempts; replaceable so tests record delays instead of sleeping.
#[derive(Clone)]
pub struct Sleeper(Arc<SleepFn>);

/// Delays recorded by [`Sleeper::recording`].
pub type DelayLog = Arc<Mutex<Vec<Duration>>>;

impl Sleeper {
    /// Sleeps on the tokio timer; dropping the call cancels the wait.
    pub fn tokio() -> Self {
        Self(Arc::new(|d| Box::pin(tokio::time::sleep(d))))
    }

    /// Any async wait.
    pub fn new<F, Fut>(sleep: F) -> Self
    where
        F: Fn(Duration) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Self(Arc::new(move |d| Box::pin(sleep(d))))
    }

    /// Does not wait; records each requested delay instead.
    pub fn recording() -> (Self, DelayLog) {
        let log = DelayLog::default();
        let sink = log.clone();
        let sleeper = Self::new(move |d| {
            sink.lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push(d);
            std::future::ready(())
        });
        (sleeper, log)
    }
}

impl Default for Sleeper {
    fn default() -> Self {
        Self::tokio()
    }
}

impl fmt::Debug for Sleeper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sleeper")
    }
}

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
                            let asked =
                                hearth_client::retry::retry_after(&headers, SystemTime::now());
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
            (self.sleeper.0)(delay).await;
            retry += 1;
        }
    }
}
