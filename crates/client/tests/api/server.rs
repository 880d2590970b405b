//! A scripted HTTP server on loopback that records every request it gets.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use futures_util::StreamExt as _;
use hearth_client::retry::DelayLog;
use hearth_client::{ApiKey, Client, Config, Sleeper};

/// The bearer token every test client sends.
pub const TOKEN: &str = "sk-test-do-not-print-4f8a";

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("the request body should be JSON")
    }

    /// The value of one query parameter (first occurrence, percent-decoding `%5B`/`%5D` only).
    pub fn query_param(&self, name: &str) -> Option<String> {
        let q = self
            .query
            .as_deref()?
            .replace("%5B", "[")
            .replace("%5D", "]");
        q.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
    }
}

/// What the server answers.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// Body chunks, sent as separate writes with a short pause between them so they reach the
    /// client as separate reads.
    pub chunks: Vec<Vec<u8>>,
    /// How long the server waits before answering.
    pub delay: Duration,
}

impl Reply {
    pub fn json(status: u16, value: serde_json::Value) -> Self {
        Self::raw(status, value.to_string().into_bytes()).header("content-type", "application/json")
    }

    pub fn raw(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            chunks: vec![body.into()],
            delay: Duration::ZERO,
        }
    }

    pub fn sse(chunks: Vec<Vec<u8>>) -> Self {
        Self {
            status: 200,
            headers: vec![("content-type".into(), "text/event-stream".into())],
            chunks,
            delay: Duration::ZERO,
        }
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

type Handler = dyn Fn(&Recorded, usize) -> Reply + Send + Sync;

/// A running server; dropped with the test's runtime.
pub struct TestServer {
    pub base_url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl TestServer {
    /// Starts a server whose `handler` gets each request and its 0-based arrival number.
    pub async fn start(
        handler: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    ) -> Self {
        let requests: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let log = requests.clone();
        let app = axum::Router::new().fallback(move |req: Request| {
            let (log, handler) = (log.clone(), handler.clone());
            async move { Ok::<_, Infallible>(answer(req, &log, &*handler).await) }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        tokio::spawn(async move { axum::serve(listener, app).await.expect("test server") });
        Self {
            base_url: format!("http://{addr}/v1"),
            requests,
        }
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// A client for this server that records retry delays instead of sleeping.
    pub fn client(&self) -> (Client, DelayLog) {
        self.client_with(|c| c)
    }

    /// Like [`TestServer::client`], with the configuration adjusted by `tweak`.
    pub fn client_with(&self, tweak: impl FnOnce(Config) -> Config) -> (Client, DelayLog) {
        let (sleeper, delays) = Sleeper::recording();
        let config = Config::new(&self.base_url)
            .api_key(ApiKey::new(TOKEN))
            .sleeper(sleeper);
        (
            Client::new(tweak(config)).expect("valid test config"),
            delays,
        )
    }
}

async fn answer(req: Request, log: &Mutex<Vec<Recorded>>, handler: &Handler) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .expect("read request body");
    let recorded = Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
    };
    let n = {
        let mut log = log.lock().unwrap();
        log.push(recorded.clone());
        log.len() - 1
    };
    let reply = handler(&recorded, n);
    tokio::time::sleep(reply.delay).await;
    let chunks = reply.chunks;
    let stream = futures_util::stream::iter(chunks).then(|chunk| async move {
        tokio::time::sleep(Duration::from_millis(2)).await;
        Ok::<_, Infallible>(Bytes::from(chunk))
    });
    let mut response = Response::new(Body::from_stream(stream));
    *response.status_mut() = StatusCode::from_u16(reply.status).expect("valid status");
    for (name, value) in reply.headers {
        response.headers_mut().insert(
            axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    response
}
