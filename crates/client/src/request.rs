//! Building, sending and decoding one API call.

use bytes::Bytes;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use reqwest::{Method, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Client, Error, EventStream};

/// The beta header every assistants, threads, messages, runs, steps and vector-store call carries.
pub(crate) const BETA: (&str, &str) = ("openai-beta", "assistants=v2");

/// One API call, kept replayable so retries can rebuild it.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    method: Method,
    path: String,
    beta: bool,
    query: Vec<(String, String)>,
    body: Option<Bytes>,
}

impl Call {
    fn new(method: Method, path: String) -> Self {
        Self {
            method,
            path,
            beta: false,
            query: Vec::new(),
            body: None,
        }
    }

    /// A GET of `path` (relative to the base URL, starting with `/`).
    pub fn get(path: String) -> Self {
        Self::new(Method::GET, path)
    }

    /// A POST of `path`.
    pub fn post(path: String) -> Self {
        Self::new(Method::POST, path)
    }

    /// A DELETE of `path`.
    pub fn delete(path: String) -> Self {
        Self::new(Method::DELETE, path)
    }

    /// Adds `OpenAI-Beta: assistants=v2`.
    pub fn beta(mut self) -> Self {
        self.beta = true;
        self
    }

    /// Adds query parameters.
    pub fn query(mut self, pairs: Vec<(String, String)>) -> Self {
        self.query.extend(pairs);
        self
    }

    /// Sets a JSON body.
    pub fn json(mut self, body: &impl Serialize) -> Result<Self, Error> {
        self.body = Some(serde_json::to_vec(body).map_err(Error::Encode)?.into());
        Ok(self)
    }

    /// Sets a JSON body that is `body` with `"stream": true` added, for the streaming variants.
    pub fn json_streaming(self, body: &impl Serialize) -> Result<Self, Error> {
        let mut value = serde_json::to_value(body).map_err(Error::Encode)?;
        match &mut value {
            serde_json::Value::Object(map) => {
                map.insert("stream".into(), true.into());
            }
            _ => {
                return Err(Error::Config(
                    "a streaming request body must be a JSON object".into(),
                ));
            }
        }
        self.json(&value)
    }
}

/// Percent-encodes an id for use as one path segment, so an odd id cannot escape its segment.
/// `.` and `..` pass through unchanged (URL parsers resolve them, even percent-encoded), so
/// [`check_segments`] refuses a path holding one before it is sent.
pub(crate) fn seg(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Refuses a path with a `.` or `..` segment: an id like `..` would address another resource.
pub(crate) fn check_segments(path: &str) -> Result<(), Error> {
    match path
        .split('/')
        .find(|segment| matches!(*segment, "." | ".."))
    {
        Some(segment) => Err(Error::InvalidId(segment.to_owned())),
        None => Ok(()),
    }
}

impl Client {
    /// A request for `method` and `path` with the client's credentials and, if `beta`, the beta header.
    pub(crate) fn builder(&self, method: Method, path: &str, beta: bool) -> RequestBuilder {
        let inner = &self.inner;
        let mut rb = inner
            .http
            .request(method, format!("{}{path}", inner.base_url))
            .headers(inner.headers.clone());
        if beta {
            rb = rb.header(BETA.0, BETA.1);
        }
        rb
    }

    /// Sends `call` with retries; `whole_timeout` applies the timeout to the entire exchange.
    pub(crate) async fn send(
        &self,
        call: &Call,
        accept: &str,
        whole_timeout: bool,
    ) -> Result<Response, Error> {
        check_segments(&call.path)?;
        self.inner
            .policy
            .send(|| {
                let mut rb = self
                    .builder(call.method.clone(), &call.path, call.beta)
                    .header(ACCEPT, accept);
                if !call.query.is_empty() {
                    rb = rb.query(&call.query);
                }
                if let Some(body) = &call.body {
                    rb = rb
                        .header(CONTENT_TYPE, "application/json")
                        .body(body.clone());
                }
                if whole_timeout {
                    rb = rb.timeout(self.inner.config.timeout);
                }
                Ok(rb)
            })
            .await
    }

    /// Sends `call` and decodes its JSON answer.
    pub(crate) async fn json<T: DeserializeOwned>(&self, call: Call) -> Result<T, Error> {
        let response = self.send(&call, "application/json", true).await?;
        decode(response).await
    }
}

impl Client {
    /// Sends a streaming `call`; errors before the first byte arrive as a normal error response.
    pub(crate) async fn stream(&self, call: Call) -> Result<EventStream, Error> {
        let response = self.send(&call, "text/event-stream", false).await?;
        Ok(EventStream::from_response(response))
    }
}

/// Reads a response body and decodes it, keeping the body text when it does not decode.
pub(crate) async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, Error> {
    let body = response.bytes().await?;
    serde_json::from_slice(&body).map_err(|source| Error::Decode {
        source,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_stay_one_segment() {
        assert_eq!(seg("file-abc_123"), "file-abc_123");
        assert_eq!(seg("a/b c"), "a%2Fb%20c");
    }

    #[test]
    fn dot_segments_are_refused() {
        for id in [".", ".."] {
            let path = format!("/threads/{}/runs", seg(id));
            let error = check_segments(&path).unwrap_err();
            assert!(
                matches!(&error, Error::InvalidId(found) if found == id),
                "{error}"
            );
            assert!(error.to_string().contains("not a valid id"), "{error}");
        }
        check_segments("/threads/thread_..x/runs/.hidden").expect("dots inside an id are fine");
    }

    #[test]
    fn streaming_body_gets_stream_true() {
        let call = Call::post("/x".into())
            .json_streaming(&serde_json::json!({"assistant_id": "asst_1"}))
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(call.body.as_ref().unwrap()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"assistant_id": "asst_1", "stream": true})
        );
    }
}
