//! Holding load: connections and their timeouts, runs queued and refused past their limits,
//! engine calls that never stall the async workers, and runs that never stay stuck.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use hearth_engine::providers::{ChatRequest, ChatStream, ModelInfo, Provider, ProviderError};
use hearth_scripted::Script;
use hearth_wire::RunStatus;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::{Server, TOKEN, start_custom, start_with};

/// Connects and sends `head` (which may stop halfway) without reading anything.
async fn raw_client(server: &Server, head: &str) -> TcpStream {
    let address = server.origin.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream
}

/// GET /v1/models on a fresh client (no pooled connection), within `patience`.
async fn models_within(server: &Server, patience: Duration) -> Result<u16, reqwest::Error> {
    let client = reqwest::Client::builder()
        .timeout(patience)
        .build()
        .unwrap();
    client
        .get(server.url("/v1/models"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .map(|response| response.status().as_u16())
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_loses_its_connection_to_the_next() {
    let server = start_custom(
        vec![],
        |_, config| {
            config.connections.max_connections = 1;
            config.connections.header_read_timeout = Duration::from_millis(600);
        },
        |client| Arc::new(client),
    )
    .await;
    let mut slow = raw_client(&server, "GET /v1/models HTTP/1.1\r\nHost: a\r\n").await;
    // Give the server time to accept it into the only slot.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let status = models_within(&server, Duration::from_secs(10))
        .await
        .expect("the request should be served once the slow client is cut off");
    assert_eq!(status, 200);
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "the request should have waited for the only connection slot ({:?})",
        started.elapsed()
    );
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(2), slow.read_to_end(&mut rest)).await;
    assert!(
        read.is_ok(),
        "the slow client's connection should be closed by the server"
    );
}

#[tokio::test]
async fn connections_past_the_limit_wait_until_one_closes() {
    let server = start_custom(
        vec![],
        |_, config| config.connections.max_connections = 2,
        |client| Arc::new(client),
    )
    .await;
    let first = raw_client(&server, "").await;
    let second = raw_client(&server, "").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        models_within(&server, Duration::from_millis(700))
            .await
            .is_err(),
        "a third connection should not be served while two are open"
    );
    drop(first);
    assert_eq!(
        models_within(&server, Duration::from_secs(10))
            .await
            .unwrap(),
        200,
        "a closed connection should free its slot"
    );
    drop(second);
}

#[tokio::test]
async fn a_request_whose_body_never_arrives_gets_a_408_envelope() {
    let server = start_custom(
        vec![],
        |_, config| config.request_timeout = Duration::from_millis(500),
        |client| Arc::new(client),
    )
    .await;
    let head = format!(
        "POST /v1/threads HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer {TOKEN}\r\n\
         OpenAI-Beta: assistants=v2\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"meta"
    );
    let mut client = raw_client(&server, &head).await;
    let mut answer = vec![0; 4096];
    let read = tokio::time::timeout(Duration::from_secs(5), client.read(&mut answer))
        .await
        .expect("the server should answer within its request timeout")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..read]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    let body: Value = serde_json::from_str(body).unwrap_or_else(|_| panic!("{answer}"));
    assert_eq!(body["error"]["code"], "request_timeout");
    assert_eq!(body["error"]["type"], "invalid_request_error");
}

/// POSTs a run on a new thread and returns the answer's status, headers and JSON.
async fn create_run(server: &Server, assistant: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    let thread = server.thread().await;
    let response = server
        .post(
            &format!("/v1/threads/{thread}/runs"),
            &json!({"assistant_id": assistant}),
        )
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.json().await.unwrap())
}

#[tokio::test]
async fn runs_past_the_running_limit_queue_and_past_the_queue_get_429() {
    let slow = || Script::text(["a", "b", "c", "d"]).delay(Duration::from_millis(250));
    let server = start_with(vec![slow(), slow(), slow()], |config| {
        config.max_running_runs = 1;
        config.max_queued_runs = 1;
    })
    .await;
    let assistant = server.assistant(false).await;
    let (status, _, first) = create_run(&server, &assistant).await;
    assert_eq!(status, 200, "{first}");
    let (status, _, second) = create_run(&server, &assistant).await;
    assert_eq!(status, 200, "{second}");
    let (status, headers, refused) = create_run(&server, &assistant).await;
    assert_eq!(status, 429, "{refused}");
    assert_eq!(headers["retry-after"], "2");
    assert_eq!(refused["error"]["type"], "rate_limit_exceeded");
    assert_eq!(refused["error"]["code"], "rate_limit_exceeded");
    assert!(refused["error"]["param"].is_null());
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Too many runs"),
        "{refused}"
    );

    let id = |run: &Value, key: &str| run[key].as_str().unwrap().to_owned();
    server
        .wait_for(
            &id(&first, "thread_id"),
            &id(&first, "id"),
            RunStatus::InProgress,
        )
        .await;
    let waiting = server
        .get_ok(&format!(
            "/v1/threads/{}/runs/{}",
            id(&second, "thread_id"),
            id(&second, "id")
        ))
        .await;
    assert_eq!(
        waiting["status"], "queued",
        "the second run waits while the first executes"
    );
    for run in [&first, &second] {
        server
            .wait_for(&id(run, "thread_id"), &id(run, "id"), RunStatus::Completed)
            .await;
    }
    let (status, _, third) = create_run(&server, &assistant).await;
    assert_eq!(status, 200, "places free up as runs end: {third}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_request_waiting_on_the_database_does_not_stall_other_requests() {
    let server = start_with(vec![], |_| {}).await;
    let store = server.engine.store().clone();
    // Another writer holds the database for a while (a long commit, a slow disk).
    let (held, release) = std::sync::mpsc::channel::<()>();
    let holder = std::thread::spawn(move || {
        store
            .transaction(|_| {
                held.send(()).unwrap();
                std::thread::sleep(Duration::from_millis(1500));
                Ok::<_, hearth_store::StoreError>(())
            })
            .unwrap();
    });
    release.recv().unwrap();
    let waiting = tokio::spawn({
        let request = server.get("/v1/assistants");
        async move { request.send().await.unwrap().status().as_u16() }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let status = models_within(&server, Duration::from_secs(10))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(
        started.elapsed() < Duration::from_millis(800),
        "a request that needs no database should not wait for one that does ({:?})",
        started.elapsed()
    );
    assert_eq!(waiting.await.unwrap(), 200);
    holder.join().unwrap();
}

#[tokio::test]
async fn errors_are_envelopes_even_from_the_router() {
    let server = start_with(vec![], |_| {}).await;
    // A path parameter that is not UTF-8 once decoded.
    let response = server.get("/v1/threads/%FF%FE").send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Invalid URL"),
        "{body}"
    );

    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(33 * 1024 * 1024));
    let response = server
        .http
        .post(server.url("/v1/assistants"))
        .bearer_auth(TOKEN)
        .header("OpenAI-Beta", "assistants=v2")
        .header("Content-Type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["type"], "invalid_request_error");
}

#[tokio::test]
async fn a_database_failure_is_a_500_without_its_text_and_with_the_request_id() {
    let server = start_with(vec![], |_| {}).await;
    server.assistant(false).await;
    let other = rusqlite::Connection::open(server.db_path()).unwrap();
    other
        .execute_batch("PRAGMA foreign_keys = OFF; DROP TABLE assistants;")
        .unwrap();
    let response = server.get("/v1/assistants").send().await.unwrap();
    assert_eq!(response.status(), 500);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let body: Value = response.json().await.unwrap();
    let message = body["error"]["message"].as_str().unwrap();
    assert_eq!(body["error"]["type"], "server_error");
    assert!(
        !message.contains("no such table") && !message.contains("database"),
        "SQLite's text must stay in the log: {message}"
    );
    assert!(
        message.contains(&request_id),
        "the message should name the request id: {message}"
    );
}

/// A provider whose first call panics (a bug under the run); later calls go to `inner`.
#[derive(Debug)]
struct PanicsOnce {
    inner: Arc<dyn Provider>,
    panicked: AtomicBool,
}

#[async_trait::async_trait]
impl Provider for PanicsOnce {
    async fn stream_chat(&self, request: &ChatRequest) -> Result<ChatStream, ProviderError> {
        if !self.panicked.swap(true, Ordering::SeqCst) {
            panic!("a bug inside the run");
        }
        self.inner.stream_chat(request).await
    }

    async fn list_models(&self) -> Result<Vec<ModelInfo>, ProviderError> {
        self.inner.list_models().await
    }
}

#[tokio::test]
async fn a_run_whose_task_panics_fails_with_server_error_and_frees_its_thread() {
    let server = start_custom(
        vec![Script::text(["Fine now."])],
        |_, _| {},
        |client| {
            Arc::new(PanicsOnce {
                inner: Arc::new(client),
                panicked: AtomicBool::new(false),
            })
        },
    )
    .await;
    let assistant = server.assistant(false).await;
    let thread = server.thread().await;
    let path = format!("/v1/threads/{thread}/runs");
    let body = server
        .post(&path, &json!({"assistant_id": assistant, "stream": true}))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let frames = crate::support::sse_frames(&body);
    let (last_event, _) = frames.last().unwrap();
    assert_eq!(last_event, "done");
    let (failed_event, failed) = &frames[frames.len() - 2];
    assert_eq!(failed_event, "thread.run.failed");
    let failed: Value = serde_json::from_str(failed).unwrap();
    assert_eq!(failed["last_error"]["code"], "server_error");
    let stored = server
        .get_ok(&format!(
            "/v1/threads/{thread}/runs/{}",
            failed["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(stored["status"], "failed");

    let next = server
        .post_ok(&path, &json!({"assistant_id": assistant}))
        .await;
    let next = server
        .wait_for(&thread, next["id"].as_str().unwrap(), RunStatus::Completed)
        .await;
    assert_eq!(
        next.status,
        RunStatus::Completed,
        "the thread is usable again"
    );
}
