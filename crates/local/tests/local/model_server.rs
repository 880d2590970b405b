//! A file server on loopback whose behaviour a test sets: with or without range support and
//! validators, answering a resume with the wrong range, breaking a body off, sending no length.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use futures_util::StreamExt;

/// What the server does; changed by a test between attempts.
#[derive(Clone, Default)]
pub struct Behaviour {
    /// The file served.
    pub file: Bytes,
    /// Sent as `ETag`, and matched against `If-Range`.
    pub etag: Option<String>,
    /// Sent as `Last-Modified`, and matched against `If-Range`.
    pub last_modified: Option<String>,
    /// Whether `Range` is honoured (else every answer is the whole file, 200).
    pub ranges: bool,
    /// Answers a range with the whole file and a `Content-Range` that says so (from byte 0).
    pub wrong_range: bool,
    /// The next answer breaks off after this many bytes of body.
    pub cut_next_at: Option<usize>,
    /// No `Content-Length`: the body is sent in chunks of unknown total.
    pub no_length: bool,
}

/// What one request asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub range: Option<String>,
    pub if_range: Option<String>,
}

/// The running server.
#[derive(Clone)]
pub struct ModelServer {
    behaviour: Arc<Mutex<Behaviour>>,
    seen: Arc<Mutex<Vec<Seen>>>,
    /// The file's address.
    pub url: String,
    /// An address that redirects to `http://mirror.invalid/model.gguf`.
    pub redirecting_url: String,
}

impl ModelServer {
    pub async fn start(behaviour: Behaviour) -> ModelServer {
        let behaviour = Arc::new(Mutex::new(behaviour));
        let seen = Arc::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = ModelServer {
            behaviour,
            seen,
            url: format!("http://{address}/model.gguf"),
            redirecting_url: format!("http://{address}/moved.gguf"),
        };
        let app = Router::new()
            .route("/model.gguf", get(serve))
            .route("/moved.gguf", get(moved))
            .with_state(server.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        server
    }

    /// Changes what the server does from the next request on.
    pub fn change(&self, change: impl FnOnce(&mut Behaviour)) {
        change(&mut self.behaviour.lock().unwrap());
    }

    /// Every request so far, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn moved() -> Response {
    Response::builder()
        .status(StatusCode::FOUND)
        .header(header::LOCATION, "http://mirror.invalid/model.gguf")
        .body(Body::empty())
        .unwrap()
}

async fn serve(State(server): State<ModelServer>, headers: HeaderMap) -> Response {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let seen = Seen {
        range: text(header::RANGE),
        if_range: text(header::IF_RANGE),
    };
    server.seen.lock().unwrap().push(seen.clone());
    let b = {
        let mut behaviour = server.behaviour.lock().unwrap();
        let now = behaviour.clone();
        behaviour.cut_next_at = None;
        now
    };
    let len = b.file.len();
    let start = seen
        .range
        .as_deref()
        .and_then(|r| r.strip_prefix("bytes="))
        .and_then(|r| r.strip_suffix('-'))
        .and_then(|n| n.parse::<usize>().ok());
    // If-Range: the range holds only for the version the client names.
    let same_version = seen
        .if_range
        .as_ref()
        .is_none_or(|v| Some(v) == b.etag.as_ref() || Some(v) == b.last_modified.as_ref());
    let start = start.filter(|_| b.ranges && same_version);

    let mut response = Response::builder();
    if let Some(etag) = &b.etag {
        response = response.header(header::ETAG, etag);
    }
    if let Some(date) = &b.last_modified {
        response = response.header(header::LAST_MODIFIED, date);
    }
    if b.ranges {
        response = response.header(header::ACCEPT_RANGES, "bytes");
    }
    let (status, from) = match start {
        Some(start) if start >= len => {
            return response
                .status(StatusCode::RANGE_NOT_SATISFIABLE)
                .header(header::CONTENT_RANGE, format!("bytes */{len}"))
                .body(Body::empty())
                .unwrap();
        }
        Some(_) if b.wrong_range => (StatusCode::PARTIAL_CONTENT, 0),
        Some(start) => (StatusCode::PARTIAL_CONTENT, start),
        None => (StatusCode::OK, 0),
    };
    if status == StatusCode::PARTIAL_CONTENT {
        response = response.header(
            header::CONTENT_RANGE,
            format!("bytes {from}-{}/{len}", len - 1),
        );
    }
    let rest = b.file.slice(from..);
    if !b.no_length {
        response = response.header(header::CONTENT_LENGTH, rest.len());
    }
    let sent = b.cut_next_at.map_or(rest.clone(), |cut| rest.slice(..cut));
    let chunks: Vec<Bytes> = sent.chunks(16 * 1024).map(Bytes::copy_from_slice).collect();
    let body = futures_util::stream::iter(chunks.into_iter().map(Ok::<_, std::io::Error>));
    let body = match b.cut_next_at {
        // The pause lets the first bytes reach the client before the connection breaks.
        Some(_) => body
            .chain(futures_util::stream::once(async {
                tokio::time::sleep(Duration::from_millis(200)).await;
                Err(std::io::Error::other("connection lost"))
            }))
            .boxed(),
        None => body.boxed(),
    };
    response
        .status(status)
        .body(Body::from_stream(body))
        .unwrap()
}
