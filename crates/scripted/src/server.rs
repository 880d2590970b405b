//! The HTTP side shared by the scripted servers: scripts in, recorded requests out.

use std::collections::{HashMap, VecDeque};
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{get, post};
use futures_util::stream;
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::script::{Ending, Script};

/// One wire format a scripted server speaks.
pub trait Wire: Send + Sync + 'static {
    /// Prefix of every path, e.g. `/v1`; also appended to the base URL handed to providers.
    const BASE_SUFFIX: &'static str;
    /// Path of the chat endpoint.
    const CHAT_PATH: &'static str;
    /// Path of the model list.
    const MODELS_PATH: &'static str;
    /// The event-stream frames answering with `script` for `model`, ending as the script says.
    fn frames(script: &Script, model: &str) -> Vec<String>;
    /// The provider's error body for `status` with `message`.
    fn error_body(status: u16, message: &str) -> Value;
    /// The provider's model list.
    fn models_body(models: &[(String, Option<u64>)]) -> Value;
}

/// A request the server received.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The path, e.g. `/v1/chat/completions`.
    pub path: String,
    /// Headers, names lower-case.
    pub headers: HashMap<String, String>,
    /// The JSON body (`null` for none).
    pub body: Value,
}

struct Shared {
    scripts: Mutex<VecDeque<Script>>,
    requests: Mutex<Vec<Recorded>>,
    models: Mutex<Vec<(String, Option<u64>)>>,
    /// When set, `/v1/embeddings` answers this status and message instead of vectors.
    embeddings_error: Mutex<Option<(u16, String)>>,
    /// Streamed answers the client dropped before they ended.
    disconnects: watch::Sender<usize>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A test that panicked while holding the lock has already failed; keep serving the others.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A scripted model server on 127.0.0.1; stops when dropped.
pub struct Scripted<W: Wire> {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
    wire: PhantomData<W>,
}

impl<W: Wire> std::fmt::Debug for Scripted<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scripted")
            .field("addr", &self.addr)
            .finish()
    }
}

impl<W: Wire> Scripted<W> {
    /// Starts a server answering chat requests with `scripts`, in order.
    pub async fn start(scripts: Vec<Script>) -> Self {
        let shared = Arc::new(Shared {
            scripts: Mutex::new(scripts.into()),
            requests: Mutex::default(),
            models: Mutex::new(vec![("scripted-model".into(), Some(8192))]),
            embeddings_error: Mutex::default(),
            disconnects: watch::Sender::new(0),
        });
        let router = Router::new()
            .route(W::CHAT_PATH, post(chat::<W>))
            .route(W::MODELS_PATH, get(models::<W>))
            .route(EMBEDDINGS_PATH, post(embeddings))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port should be free");
        let addr = listener
            .local_addr()
            .expect("a bound socket has an address");
        let task = tokio::spawn(async move {
            if let Err(err) = axum::serve(listener, router).await {
                log::error!("scripted server stopped: {err}");
            }
        });
        Self {
            addr,
            shared,
            task,
            wire: PhantomData,
        }
    }

    /// The base URL to configure a provider with.
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, W::BASE_SUFFIX)
    }

    /// Queues another script.
    pub fn push(&self, script: Script) {
        lock(&self.shared.scripts).push_back(script);
    }

    /// Scripts not used yet.
    pub fn remaining(&self) -> usize {
        lock(&self.shared.scripts).len()
    }

    /// Replaces the model list (`id`, context window).
    pub fn set_models(&self, models: Vec<(String, Option<u64>)>) {
        *lock(&self.shared.models) = models;
    }

    /// Makes every later `/v1/embeddings` request fail with `status` and `message`, as a provider
    /// whose embedding model is down does.
    pub fn fail_embeddings(&self, status: u16, message: impl Into<String>) {
        *lock(&self.shared.embeddings_error) = Some((status, message.into()));
    }

    /// Every request received, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared.requests).clone()
    }

    /// Bodies of the chat requests received, oldest first.
    pub fn bodies(&self) -> Vec<Value> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == W::CHAT_PATH)
            .map(|r| r.body)
            .collect()
    }

    /// How many chat requests arrived (retries included).
    pub fn chat_requests(&self) -> usize {
        self.bodies().len()
    }

    /// How many streamed answers the client dropped before they ended.
    pub fn disconnects(&self) -> usize {
        *self.shared.disconnects.borrow()
    }

    /// Waits until the client has dropped a streamed answer before its end.
    pub async fn wait_for_disconnect(&self) {
        let mut watch = self.shared.disconnects.subscribe();
        // The sender lives in `self`, so the wait cannot fail.
        let _ = watch.wait_for(|n| *n > 0).await;
    }
}

impl<W: Wire> Drop for Scripted<W> {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn record(shared: &Shared, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Value {
    let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let headers = headers
        .iter()
        .map(|(k, v)| {
            let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
            (k.as_str().to_owned(), value)
        })
        .collect();
    lock(&shared.requests).push(Recorded {
        path: uri.path().to_owned(),
        headers,
        body: body.clone(),
    });
    body
}

async fn models<W: Wire>(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    record(&shared, &uri, &headers, b"");
    let body = W::models_body(&lock(&shared.models));
    json_response(StatusCode::OK, &body)
}

/// Path of the OpenAI-compatible embeddings endpoint.
const EMBEDDINGS_PATH: &str = "/v1/embeddings";

/// Length of the scripted embeddings.
pub const EMBEDDING_DIMENSIONS: usize = 16;

/// A deterministic stand-in for an embedding model: each lower-cased word adds to one of
/// [`EMBEDDING_DIMENSIONS`] buckets (by a stable hash), and the vector is normalized. Texts sharing
/// words point the same way, which is all a test of the plumbing needs.
pub fn scripted_embedding(text: &str) -> Vec<f32> {
    let mut vector = vec![0f32; EMBEDDING_DIMENSIONS];
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let hash = word.to_lowercase().bytes().fold(2166136261u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(16777619)
        });
        vector[hash as usize % EMBEDDING_DIMENSIONS] += 1.0;
    }
    let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        vector.iter_mut().for_each(|x| *x /= norm);
    }
    vector
}

/// `POST /v1/embeddings`: `{model, input: string | [string]}` answered with scripted vectors.
async fn embeddings(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = record(&shared, &uri, &headers, &body);
    if let Some((status, message)) = lock(&shared.embeddings_error).clone() {
        let error = serde_json::json!({"error": {"message": message, "type": "server_error"}});
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return json_response(status, &error);
    }
    let inputs: Vec<String> = match &body["input"] {
        Value::String(text) => vec![text.clone()],
        Value::Array(items) => items
            .iter()
            .map(|item| item.as_str().unwrap_or_default().to_owned())
            .collect(),
        _ => {
            let error = serde_json::json!({"error": {"message": "'input' must be a string or a list of strings", "type": "invalid_request_error"}});
            return json_response(StatusCode::BAD_REQUEST, &error);
        }
    };
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(index, text)| serde_json::json!({"object": "embedding", "index": index, "embedding": scripted_embedding(text)}))
        .collect();
    let answer = serde_json::json!({"object": "list", "data": data, "model": body["model"], "usage": {"prompt_tokens": 0, "total_tokens": 0}});
    json_response(StatusCode::OK, &answer)
}

async fn chat<W: Wire>(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = record(&shared, &uri, &headers, &body);
    let Some(script) = lock(&shared.scripts).pop_front() else {
        let message = "the scripted server has no script left for this request";
        return json_response(StatusCode::BAD_REQUEST, &W::error_body(400, message));
    };
    if let Some(error) = &script.error {
        let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::BAD_REQUEST);
        let body = error
            .body
            .clone()
            .unwrap_or_else(|| W::error_body(error.status, &error.message));
        let mut response = json_response(status, &body);
        if let Some(seconds) = error.retry_after {
            response
                .headers_mut()
                .insert("retry-after", seconds.to_string().parse().expect("digits"));
        }
        return response;
    }
    let model = body["model"].as_str().unwrap_or("scripted-model");
    let frames = W::frames(&script, model);
    Response::builder()
        .header("content-type", "text/event-stream")
        .header("cache-control", "no-cache")
        .body(sse_body(frames, &script, shared.clone()))
        .expect("a valid response")
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("a valid response")
}

/// Counts a disconnect when dropped before the body reached its scripted end.
struct Watch {
    shared: Arc<Shared>,
    ended: bool,
}

impl Drop for Watch {
    fn drop(&mut self) {
        if !self.ended {
            self.shared.disconnects.send_modify(|n| *n += 1);
        }
    }
}

fn sse_body(frames: Vec<String>, script: &Script, shared: Arc<Shared>) -> Body {
    let delay = script.delay;
    let cut = script.ending == Ending::Cut;
    let stall = script.ending == Ending::Stall;
    let watch = Watch {
        shared,
        ended: false,
    };
    let state = (VecDeque::from(frames), watch);
    let frames = stream::unfold(state, move |(mut frames, mut watch)| async move {
        if let Some(frame) = frames.pop_front() {
            if let Some(delay) = delay {
                tokio::time::sleep(delay).await;
            }
            return Some((Ok(Bytes::from(frame)), (frames, watch)));
        }
        if stall {
            // Open and silent until the client drops the connection (and with it this stream,
            // which the watch counts as a disconnect).
            std::future::pending::<()>().await;
        }
        if watch.ended {
            return None;
        }
        watch.ended = true;
        if !cut {
            return None;
        }
        // Give the server a turn to flush what it sent, so the client sees the partial answer before
        // the connection breaks.
        for _ in 0..3 {
            tokio::task::yield_now().await;
        }
        let err = std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "scripted cut");
        Some((Err(err), (frames, watch)))
    });
    Body::from_stream(frames)
}
