//! Why a model call failed, in words a person can act on.

use std::time::Duration;

use serde_json::Value;

/// Longest provider message kept in an error; bodies can be whole HTML pages.
const MAX_MESSAGE: usize = 500;

/// Everything a provider call can fail with. Never carries the API key: provider messages are
/// scrubbed of it before they are stored.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// HTTP 429, after the retries ran out.
    #[error(
        "The provider is limiting requests (429): {message}. Wait a moment and try again, or check your plan's limits."
    )]
    RateLimited {
        /// The provider's explanation.
        message: String,
        /// How long the provider asked to wait, if it said.
        retry_after: Option<Duration>,
    },
    /// HTTP 5xx (or an overload reported inside a stream), after the retries ran out.
    #[error("The provider had a server error ({status}): {message}. Try again later.")]
    Server {
        /// The HTTP status, or 529/500 for errors reported inside a stream.
        status: u16,
        /// The provider's explanation.
        message: String,
    },
    /// No answer (or no further data) within the configured time.
    #[error(
        "The provider did not answer in time. It may be overloaded, or a local model may still be loading; try again."
    )]
    Timeout,
    /// The provider could not be reached.
    #[error(
        "Could not connect to the provider ({detail}). Check that it is running and that the base URL in Settings is right."
    )]
    Connection {
        /// What the HTTP layer reported.
        detail: String,
    },
    /// HTTP 401 or 403.
    #[error("The provider rejected the API key ({status}): {message}. Check the key in Settings.")]
    Authentication {
        /// 401 or 403.
        status: u16,
        /// The provider's explanation.
        message: String,
    },
    /// Any other 4xx: the provider refused the request itself (unknown model, bad parameter, …).
    #[error("The provider rejected the request ({status}): {message}")]
    BadRequest {
        /// The HTTP status.
        status: u16,
        /// The provider's explanation.
        message: String,
    },
    /// The connection ended before the provider said the answer was complete.
    #[error(
        "The connection to the provider ended before the answer was complete ({detail}). Try again."
    )]
    StreamCut {
        /// What was observed.
        detail: String,
    },
    /// A response that does not follow the provider's protocol.
    #[error("The provider sent a response Hearth could not read: {detail}")]
    Malformed {
        /// What was wrong.
        detail: String,
        /// The offending text as received (shortened).
        body: String,
    },
    /// The provider settings cannot work (a base URL that does not parse, a key with control
    /// characters).
    #[error("The provider settings are not usable: {0}")]
    Config(String),
    /// No configured provider offers the model a run asked for.
    #[error(
        "No provider set up in Settings offers the model '{model}'. Add its provider, or choose another model for the assistant."
    )]
    UnknownModel {
        /// The model asked for.
        model: String,
    },
}

impl ProviderError {
    /// A stable code for the UI to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            ProviderError::RateLimited { .. } => "provider_rate_limited",
            ProviderError::Server { .. } => "provider_server_error",
            ProviderError::Timeout => "provider_timeout",
            ProviderError::Connection { .. } => "provider_unreachable",
            ProviderError::Authentication { .. } => "provider_auth",
            ProviderError::BadRequest { .. } => "provider_bad_request",
            ProviderError::StreamCut { .. } => "provider_stream_cut",
            ProviderError::Malformed { .. } => "provider_malformed",
            ProviderError::Config(_) => "provider_config",
            ProviderError::UnknownModel { .. } => "provider_unknown_model",
        }
    }

    /// Whether sending the same request again may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ProviderError::RateLimited { .. }
                | ProviderError::Server { .. }
                | ProviderError::Timeout
                | ProviderError::Connection { .. }
        )
    }

    /// Classifies a non-2xx answer from its status and body.
    pub(crate) fn from_status(
        status: u16,
        body: &[u8],
        retry_after: Option<Duration>,
        key: Option<&str>,
    ) -> Self {
        let message = scrub(&error_message(body), key);
        match status {
            401 | 403 => ProviderError::Authentication { status, message },
            429 => ProviderError::RateLimited {
                message,
                retry_after,
            },
            500..=599 => ProviderError::Server { status, message },
            _ => ProviderError::BadRequest { status, message },
        }
    }

    /// Classifies a transport failure; `started` says whether the response had begun streaming.
    pub(crate) fn from_transport(err: &reqwest::Error, started: bool) -> Self {
        // The text may quote the URL; its user info and query are taken out.
        let detail = hearth_http::redact_urls_in(&describe(err));
        if err.is_redirect() {
            // Not retried: the next attempt would meet the same redirect.
            ProviderError::Config(detail)
        } else if err.is_timeout() {
            ProviderError::Timeout
        } else if started {
            ProviderError::StreamCut { detail }
        } else {
            ProviderError::Connection { detail }
        }
    }

    /// A response that does not decode; `raw` is kept, shortened.
    pub(crate) fn malformed(detail: impl Into<String>, raw: &str) -> Self {
        ProviderError::Malformed {
            detail: detail.into(),
            body: shorten(raw),
        }
    }
}

/// The transport error and its causes on one line, without the URL.
fn describe(err: &reqwest::Error) -> String {
    let mut text = String::new();
    let mut cause: Option<&dyn std::error::Error> = Some(err);
    while let Some(e) = cause {
        let part = e.to_string();
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
        cause = e.source();
    }
    text
}

/// The human part of an error body: `error.message` (OpenAI, Anthropic), `error` as a string
/// (Ollama), `message`, or the raw text.
fn error_message(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let found = serde_json::from_str::<Value>(&text).ok().and_then(|v| {
        let error = v.get("error");
        error
            .and_then(|e| e.get("message"))
            .or_else(|| error.filter(|e| e.is_string()))
            .or_else(|| v.get("message"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    match found {
        Some(message) => shorten(&message),
        None if text.trim().is_empty() => "no details given".to_owned(),
        None => shorten(text.trim()),
    }
}

/// Replaces the key wherever a provider echoed it (some quote the key they rejected).
pub(crate) fn scrub(text: &str, key: Option<&str>) -> String {
    match key {
        Some(key) if !key.is_empty() => text.replace(key, "<redacted>"),
        _ => text.to_owned(),
    }
}

fn shorten(text: &str) -> String {
    if text.len() <= MAX_MESSAGE {
        return text.to_owned();
    }
    let mut end = MAX_MESSAGE;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_come_from_every_envelope() {
        let openai = br#"{"error":{"message":"model not found","type":"invalid_request_error"}}"#;
        assert_eq!(error_message(openai), "model not found");
        let anthropic =
            br#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        assert_eq!(error_message(anthropic), "Overloaded");
        assert_eq!(
            error_message(br#"{"error":"model 'x' not found"}"#),
            "model 'x' not found"
        );
        assert_eq!(error_message(b"Bad Gateway"), "Bad Gateway");
        assert_eq!(error_message(b""), "no details given");
    }

    #[test]
    fn statuses_map_to_kinds() {
        let kind = |status| ProviderError::from_status(status, b"{}", None, None).code();
        assert_eq!(kind(401), "provider_auth");
        assert_eq!(kind(403), "provider_auth");
        assert_eq!(kind(429), "provider_rate_limited");
        assert_eq!(kind(503), "provider_server_error");
        assert_eq!(kind(400), "provider_bad_request");
        assert_eq!(kind(404), "provider_bad_request");
    }

    #[test]
    fn an_echoed_key_is_scrubbed() {
        let body = br#"{"error":{"message":"Incorrect API key provided: sk-secret-1"}}"#;
        let err = ProviderError::from_status(401, body, None, Some("sk-secret-1"));
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("sk-secret-1"), "the key leaked: {shown}");
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn long_bodies_are_shortened_on_a_char_boundary() {
        let long = "é".repeat(400);
        let short = shorten(&long);
        assert!(short.len() <= MAX_MESSAGE + '…'.len_utf8());
        assert!(short.ends_with('…'));
    }
}
