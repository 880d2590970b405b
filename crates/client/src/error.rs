//! The one error type of the client.

use std::fmt;
use std::path::PathBuf;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::Deserialize;

/// Everything a client call can fail with. Never carries the bearer token.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server answered with a non-2xx status, or sent an `error` event inside a stream.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// No connection could be made, or it broke before a response arrived.
    #[error("connection failed: {0}")]
    Connection(#[source] reqwest::Error),
    /// The request took longer than the configured timeout.
    #[error("request timed out")]
    Timeout(#[source] reqwest::Error),
    /// A 2xx body that does not decode as the expected type; the raw body is kept.
    #[error("could not decode the response body: {source}")]
    Decode {
        /// Why decoding failed.
        #[source]
        source: serde_json::Error,
        /// The body as received (lossily decoded as UTF-8).
        body: String,
    },
    /// A request body could not be serialized to JSON.
    #[error("could not encode the request body: {0}")]
    Encode(#[source] serde_json::Error),
    /// A server-sent event stream broke or carried an event that does not decode.
    #[error("event stream: {0}")]
    Stream(String),
    /// Reading or writing a local file failed.
    #[error("file {}: {source}", path.display())]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The client configuration is unusable (bad base URL, header value with control characters, …).
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// Any other HTTP-layer failure (e.g. a body that failed mid-read, a refused redirect).
    #[error("http: {0}")]
    Http(#[source] reqwest::Error),
    /// The server answered in a way that cannot go on (a list that repeats its cursor, an event
    /// larger than the limit).
    #[error("the server broke the protocol: {0}")]
    Protocol(String),
    /// An id that cannot be one path segment (`.` or `..` would address another resource).
    #[error("'{0}' is not a valid id: '.' and '..' cannot be used as a path segment")]
    InvalidId(String),
}

/// An error reported by the server, with the fields of the `{"error": {...}}` envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status; `None` for an `error` event inside a 200 event stream.
    pub status: Option<StatusCode>,
    /// The envelope's `type` (e.g. `invalid_request_error`).
    pub kind: Option<String>,
    /// The envelope's `code` (e.g. `invalid_beta`).
    pub code: Option<String>,
    /// The envelope's `param`: the offending request parameter.
    pub param: Option<String>,
    /// Human-readable text: the envelope's `message`, or a summary when the body had none.
    pub message: String,
    /// The `x-request-id` response header.
    pub request_id: Option<String>,
    /// The body as received when it was not the error envelope.
    pub raw_body: Option<String>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(status) => write!(f, "{status}")?,
            None => f.write_str("stream error")?,
        }
        if let Some(kind) = &self.kind {
            write!(f, " {kind}")?;
        }
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " [request {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

#[derive(Deserialize)]
struct Envelope {
    error: EnvelopeBody,
}

#[derive(Deserialize)]
struct EnvelopeBody {
    message: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    code: Option<serde_json::Value>,
    param: Option<String>,
}

impl EnvelopeBody {
    fn into_api(self, status: Option<StatusCode>, request_id: Option<String>) -> ApiError {
        ApiError {
            status,
            kind: self.kind,
            // Hosted responses have used numbers for `code` on some errors; keep them as text.
            code: self.code.and_then(|c| match c {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s),
                other => Some(other.to_string()),
            }),
            param: self.param,
            message: self.message.unwrap_or_default(),
            request_id,
            raw_body: None,
        }
    }
}

impl ApiError {
    /// Builds the error for a non-2xx response from its status, headers and body.
    pub fn from_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        let request_id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        if let Ok(envelope) = serde_json::from_slice::<Envelope>(body) {
            return envelope.error.into_api(Some(status), request_id);
        }
        let raw = String::from_utf8_lossy(body).into_owned();
        let message = if raw.trim().is_empty() {
            status.canonical_reason().unwrap_or("error").to_owned()
        } else {
            raw.chars().take(200).collect()
        };
        ApiError {
            status: Some(status),
            kind: None,
            code: None,
            param: None,
            message,
            request_id,
            raw_body: Some(raw),
        }
    }

    /// Builds the error for an `error` event, accepting both `{"error": {...}}` and the bare shape.
    pub fn from_stream_event(data: &str) -> Self {
        if let Ok(envelope) = serde_json::from_str::<Envelope>(data) {
            return envelope.error.into_api(None, None);
        }
        if let Ok(bare) = serde_json::from_str::<EnvelopeBody>(data) {
            return bare.into_api(None, None);
        }
        ApiError {
            status: None,
            kind: None,
            code: None,
            param: None,
            message: data.chars().take(200).collect(),
            request_id: None,
            raw_body: Some(data.to_owned()),
        }
    }
}

impl From<ApiError> for Error {
    fn from(err: ApiError) -> Self {
        Error::Api(Box::new(err))
    }
}

impl From<reqwest::Error> for Error {
    fn from(mut err: reqwest::Error) -> Self {
        // reqwest's text quotes the URL: its user info and query (where keys can hide) go.
        if let Some(url) = err.url_mut() {
            hearth_http::strip_url_secrets(url);
        }
        if err.is_timeout() {
            Error::Timeout(err)
        } else if err.is_connect() || err.is_request() {
            Error::Connection(err)
        } else {
            Error::Http(err)
        }
    }
}

impl Error {
    /// The server's error details, when the server reported one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<StatusCode> {
        self.api().and_then(|api| api.status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(request_id: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-request-id", request_id.parse().unwrap());
        h
    }

    #[test]
    fn envelope_fields_and_request_id_are_kept() {
        let body = br#"{"error":{"message":"No assistant found","type":"invalid_request_error","param":"assistant_id","code":null}}"#;
        let err = ApiError::from_response(StatusCode::NOT_FOUND, &headers("req_1"), body);
        assert_eq!(err.status, Some(StatusCode::NOT_FOUND));
        assert_eq!(err.kind.as_deref(), Some("invalid_request_error"));
        assert_eq!(err.param.as_deref(), Some("assistant_id"));
        assert_eq!(err.code, None);
        assert_eq!(err.message, "No assistant found");
        assert_eq!(err.request_id.as_deref(), Some("req_1"));
        assert_eq!(err.raw_body, None, "a decoded envelope needs no raw body");
    }

    #[test]
    fn non_json_body_is_kept_raw() {
        let err = ApiError::from_response(
            StatusCode::BAD_GATEWAY,
            &HeaderMap::new(),
            b"<html>bad gateway</html>",
        );
        assert_eq!(err.raw_body.as_deref(), Some("<html>bad gateway</html>"));
        assert_eq!(err.message, "<html>bad gateway</html>");
        assert_eq!(err.kind, None);
    }

    #[test]
    fn empty_body_gets_status_reason() {
        let err = ApiError::from_response(StatusCode::SERVICE_UNAVAILABLE, &HeaderMap::new(), b"");
        assert_eq!(err.message, "Service Unavailable");
    }

    #[test]
    fn stream_error_event_both_shapes() {
        let wrapped = ApiError::from_stream_event(
            r#"{"error":{"message":"boom","type":"server_error","param":null,"code":"x"}}"#,
        );
        let bare = ApiError::from_stream_event(
            r#"{"message":"boom","type":"server_error","param":null,"code":"x"}"#,
        );
        assert_eq!(
            wrapped, bare,
            "both error event shapes should decode the same"
        );
        assert_eq!(wrapped.code.as_deref(), Some("x"));
        assert_eq!(wrapped.status, None);
    }

    #[test]
    fn display_names_status_type_code_and_request() {
        let body = br#"{"error":{"message":"missing header","type":"invalid_request_error","param":null,"code":"invalid_beta"}}"#;
        let err: Error =
            ApiError::from_response(StatusCode::BAD_REQUEST, &headers("req_9"), body).into();
        assert_eq!(
            err.to_string(),
            "400 Bad Request invalid_request_error (invalid_beta): missing header [request req_9]"
        );
    }
}
