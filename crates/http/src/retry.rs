//! Waiting between attempts the way the official SDKs do: how long (exponential backoff with jitter,
//! or what the server asks for in `retry-after(-ms)`), and how the wait is made.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use http::HeaderMap;

/// Longest server-requested delay that is honoured; longer ones fall back to the backoff schedule.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Exponential backoff with jitter: `initial * 2^n`, capped at `max`, shortened by up to `jitter`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backoff {
    /// Delay before the first retry.
    pub initial: Duration,
    /// Longest delay between attempts.
    pub max: Duration,
    /// Fraction (0–1) by which a delay is randomly shortened, so clients do not retry in lockstep.
    pub jitter: f64,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(8),
            jitter: 0.25,
        }
    }
}

impl Backoff {
    /// Delay before retry number `retry` (0 = first retry), preferring the server's `retry-after-ms` /
    /// `retry-after` when it asks for 0–60 s.
    pub fn delay(&self, retry: u32, headers: Option<&HeaderMap>, now: SystemTime) -> Duration {
        if let Some(asked) = headers.and_then(|h| retry_after(h, now))
            && !asked.is_zero()
            && asked <= MAX_RETRY_AFTER
        {
            return asked;
        }
        let base = self.initial.as_secs_f64() * 2f64.powi(retry.min(30) as i32);
        let capped = base.min(self.max.as_secs_f64());
        let jitter = 1.0 - self.jitter.clamp(0.0, 1.0) * fastrand::f64();
        Duration::from_secs_f64(capped * jitter)
    }
}

/// Reads `retry-after-ms` (float milliseconds), else `retry-after` (float seconds or an HTTP date).
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok())
        && ms.is_finite()
        && ms >= 0.0
    {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    let value = text("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

type SleepFn = dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync;

/// How a caller waits between attempts. The default sleeps on tokio's timer; dropping the
/// request future cancels the wait.
#[derive(Clone)]
pub struct Sleeper(Arc<SleepFn>);

/// Delays recorded by [`Sleeper::recording`].
pub type DelayLog = Arc<Mutex<Vec<Duration>>>;

impl Sleeper {
    /// Sleeps on the tokio timer.
    pub fn tokio() -> Self {
        Self(Arc::new(|d| Box::pin(tokio::time::sleep(d))))
    }

    /// Any async wait, e.g. a runtime-agnostic timer.
    pub fn new<F, Fut>(sleep: F) -> Self
    where
        F: Fn(Duration) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Self(Arc::new(move |d| Box::pin(sleep(d))))
    }

    /// Does not wait; records each requested delay instead (for tests and dry runs).
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

    /// Waits `delay` (or records it).
    pub async fn sleep(&self, delay: Duration) {
        (self.0)(delay).await;
    }
}

impl fmt::Debug for Sleeper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sleeper")
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
    fn backoff_doubles_within_jitter_and_caps() {
        let b = Backoff::default();
        let now = SystemTime::now();
        for (retry, nominal) in [
            (0, 0.5),
            (1, 1.0),
            (2, 2.0),
            (3, 4.0),
            (4, 8.0),
            (5, 8.0),
            (40, 8.0),
        ] {
            for _ in 0..50 {
                let d = b.delay(retry, None, now).as_secs_f64();
                assert!(
                    d <= nominal && d >= nominal * 0.75,
                    "retry {retry}: {d}s outside [{}, {nominal}]",
                    nominal * 0.75
                );
            }
        }
    }

    #[test]
    fn no_jitter_is_exact() {
        let b = Backoff {
            jitter: 0.0,
            ..Backoff::default()
        };
        assert_eq!(b.delay(2, None, SystemTime::now()), Duration::from_secs(2));
    }

    #[test]
    fn retry_after_ms_wins_over_retry_after() {
        let h = headers(&[("retry-after-ms", "250.5"), ("retry-after", "3")]);
        assert_eq!(
            retry_after(&h, SystemTime::now()),
            Some(Duration::from_micros(250_500))
        );
    }

    #[test]
    fn retry_after_seconds_and_http_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let h = headers(&[("retry-after", "2")]);
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(2)));
        let date = httpdate::fmt_http_date(now + Duration::from_secs(5));
        let h = headers(&[("retry-after", &date)]);
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(5)));
        let h = headers(&[("retry-after", "soon")]);
        assert_eq!(retry_after(&h, now), None, "garbage is not a delay");
    }

    #[test]
    fn server_delay_used_only_when_reasonable() {
        let b = Backoff {
            jitter: 0.0,
            ..Backoff::default()
        };
        let now = SystemTime::now();
        let d = b.delay(0, Some(&headers(&[("retry-after", "7")])), now);
        assert_eq!(d, Duration::from_secs(7));
        let d = b.delay(0, Some(&headers(&[("retry-after", "600")])), now);
        assert_eq!(
            d,
            Duration::from_millis(500),
            "a 10-minute wait falls back to backoff"
        );
        let d = b.delay(1, Some(&headers(&[("retry-after-ms", "0")])), now);
        assert_eq!(
            d,
            Duration::from_secs(1),
            "a zero wait falls back to backoff"
        );
    }
}
