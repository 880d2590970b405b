//! What hearth-server adds on top of the model provider, measured end to end over loopback HTTP.
//! Run on demand, in release, and read the table:
//!
//! ```text
//! cargo run --release -p hearth-server --example server-bench [-- SEQUENTIAL_RUNS CONCURRENT_RUNS]
//! ```
//!
//! (a) Sequential streamed runs through hearth-server versus the same scripted provider called
//!     directly (a raw chat-completions stream): time to the first text and to the end of the stream.
//! (b) Many streamed runs at once, each on its own thread: do they all complete, and how long does a
//!     chunk take from leaving the provider to reaching the client as a `thread.message.delta`?
//!
//! Everything runs in this one process (provider, server, clients), so all times come from one
//! monotonic clock; the price is that they share the same cores, as they would on a laptop.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::response::Response;
use axum::routing::{get, post};
use futures_util::StreamExt;
use hearth_engine::providers::{OpenAiCompatible, ProviderConfig};
use hearth_engine::{Engine, EngineConfig};
use hearth_scripted::{Script, ScriptedOpenAi};
use hearth_server::{ServerConfig, Token, serve};
use hearth_store::Store;
use serde_json::{Value, json};

const TOKEN: &str = "bench-token";
/// Text chunks per answer and the provider's pause before each, like a fast hosted model.
const CHUNKS: usize = 40;
const CHUNK_GAP: Duration = Duration::from_millis(2);
/// Runs before measuring, so connection set-up and the model-list cache are not counted.
const WARM_UP: usize = 5;

/// The clock every timestamp in this process is read against.
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn micros_since_epoch() -> u64 {
    u64::try_from(epoch().elapsed().as_micros()).unwrap_or(u64::MAX)
}

#[tokio::main]
async fn main() {
    epoch();
    let mut args = std::env::args().skip(1);
    let sequential: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let concurrent: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let http = reqwest::Client::new();

    println!("## hearth-server overhead\n");
    println!(
        "{CHUNKS} text chunks per answer, {} ms before each provider frame; {sequential} sequential runs, \
         {concurrent} concurrent runs\n",
        CHUNK_GAP.as_millis()
    );

    let (ttft, total) = sequential_runs(&http, sequential).await;
    let concurrency = concurrent_runs(&http, concurrent).await;

    println!(
        "| measure | direct p50 | direct p95 | via Hearth p50 | via Hearth p95 | overhead (p50) | target |"
    );
    println!("|---|---|---|---|---|---|---|");
    let ttft_overhead = ttft.1.p(50.0) - ttft.0.p(50.0);
    println!(
        "| time to first text (ms) | {:.2} | {:.2} | {:.2} | {:.2} | {:+.2} ms | ≤ 5 ms: {} |",
        ttft.0.p(50.0),
        ttft.0.p(95.0),
        ttft.1.p(50.0),
        ttft.1.p(95.0),
        ttft_overhead,
        verdict(ttft_overhead <= 5.0)
    );
    let ratio = total.1.p(50.0) / total.0.p(50.0);
    println!(
        "| total time (ms) | {:.2} | {:.2} | {:.2} | {:.2} | ×{ratio:.3} | ≤ ×1.02: {} |",
        total.0.p(50.0),
        total.0.p(95.0),
        total.1.p(50.0),
        total.1.p(95.0),
        verdict(ratio <= 1.02)
    );
    println!();
    println!("| {concurrent} concurrent streamed runs | value | target |");
    println!("|---|---|---|");
    println!(
        "| completed | {} / {concurrent} | all: {} |",
        concurrency.completed,
        verdict(concurrency.completed == concurrent)
    );
    if let Some(failure) = &concurrency.first_failure {
        println!("| first failure | {failure} | |");
    }
    println!("| wall time (ms) | {:.0} | |", concurrency.wall_ms);
    println!(
        "| chunk → client delay p50 / p95 / p99 / max (ms) | {:.2} / {:.2} / {:.2} / {:.2} | |",
        concurrency.delays.p(50.0),
        concurrency.delays.p(95.0),
        concurrency.delays.p(99.0),
        concurrency.delays.p(100.0)
    );
    println!(
        "| chunks matched | {} / {} | |",
        concurrency.delays.0.len(),
        concurrent * CHUNKS
    );
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**missed**" }
}

/// Samples in milliseconds.
struct Samples(Vec<f64>);

impl Samples {
    /// Nearest-rank percentile; NaN when there are no samples.
    fn p(&self, percentile: f64) -> f64 {
        if self.0.is_empty() {
            return f64::NAN;
        }
        let mut sorted = self.0.clone();
        sorted.sort_by(f64::total_cmp);
        let rank = ((percentile / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// hearth-server on `provider_url`, in this process, with a fresh database; returns its base URL.
async fn start_hearth(provider_url: String, dir: &tempfile::TempDir) -> String {
    let store = Store::open(dir.path().join("hearth.db")).expect("a fresh database should open");
    let provider = OpenAiCompatible::new(ProviderConfig::new(provider_url).max_retries(0))
        .expect("the provider client should build");
    let engine = Engine::new(store, Arc::new(provider), EngineConfig::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port should be free");
    let url = format!(
        "http://{}/v1",
        listener
            .local_addr()
            .expect("a bound socket has an address")
    );
    let config = ServerConfig::new(Token::new(TOKEN));
    tokio::spawn(serve(engine, config, listener, std::future::pending()));
    url
}

/// A hearth-server API call with the headers the SDKs send.
async fn api(http: &reqwest::Client, url: String, body: Value) -> reqwest::Response {
    http.post(url)
        .bearer_auth(TOKEN)
        .header("OpenAI-Beta", "assistants=v2")
        .json(&body)
        .send()
        .await
        .expect("hearth-server should answer")
}

async fn create(http: &reqwest::Client, url: String, body: Value) -> String {
    let response = api(http, url, body).await;
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON body");
    assert!(status.is_success(), "create failed with {status}: {body}");
    body["id"]
        .as_str()
        .expect("the object has an id")
        .to_owned()
}

/// Splits a server-sent event stream into (event name, data) frames.
#[derive(Default)]
struct SseReader {
    buffer: String,
}

impl SseReader {
    fn feed(&mut self, bytes: &[u8]) -> Vec<(String, String)> {
        self.buffer.push_str(&String::from_utf8_lossy(bytes));
        let mut frames = Vec::new();
        while let Some(end) = self.buffer.find("\n\n") {
            let frame: String = self.buffer.drain(..end + 2).collect();
            let mut event = String::new();
            let mut data = String::new();
            for line in frame.lines() {
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name.to_owned();
                } else if let Some(payload) = line.strip_prefix("data: ") {
                    data.push_str(payload);
                }
            }
            frames.push((event, data));
        }
        frames
    }
}

/// When a streamed run showed its first text and ended, from the request being sent; the texts
/// of its `thread.message.delta` events with the instant each arrived; its last run event.
struct Observed {
    first_text: Option<Duration>,
    total: Duration,
    deltas: Vec<(Instant, String)>,
    final_event: String,
}

/// Streams a run on `thread_id` and records what the client sees.
async fn stream_run(
    http: &reqwest::Client,
    hearth: &str,
    assistant: &str,
    thread_id: &str,
) -> Observed {
    let started = Instant::now();
    let body = json!({"assistant_id": assistant, "stream": true});
    let response = api(http, format!("{hearth}/threads/{thread_id}/runs"), body).await;
    assert!(
        response.status().is_success(),
        "create run answered {}",
        response.status()
    );
    let mut reader = SseReader::default();
    let mut observed = Observed {
        first_text: None,
        total: Duration::ZERO,
        deltas: Vec::new(),
        final_event: String::new(),
    };
    let mut body = response.bytes_stream();
    'read: while let Some(bytes) = body.next().await {
        let bytes = bytes.expect("the stream should not break");
        let arrived = Instant::now();
        for (event, data) in reader.feed(&bytes) {
            match event.as_str() {
                "thread.message.delta" => {
                    observed.first_text.get_or_insert(arrived - started);
                    let delta: Value = serde_json::from_str(&data).expect("a JSON delta");
                    let text = delta["delta"]["content"][0]["text"]["value"]
                        .as_str()
                        .unwrap_or("");
                    observed.deltas.push((arrived, text.to_owned()));
                }
                "done" => break 'read,
                name if name.starts_with("thread.run.") => observed.final_event = name.to_owned(),
                _ => {}
            }
        }
    }
    observed.total = started.elapsed();
    observed
}

/// Streams one chat completion straight from the provider: (first text, end).
async fn stream_direct(http: &reqwest::Client, provider: &str) -> (Duration, Duration) {
    let started = Instant::now();
    let body = json!({
        "model": "scripted-model",
        "stream": true,
        "stream_options": {"include_usage": true},
        "messages": [{"role": "user", "content": "go"}],
    });
    let response = http
        .post(format!("{provider}/chat/completions"))
        .json(&body)
        .send()
        .await
        .expect("the provider should answer");
    let mut reader = SseReader::default();
    let mut first_text = None;
    let mut body = response.bytes_stream();
    'read: while let Some(bytes) = body.next().await {
        let bytes = bytes.expect("the stream should not break");
        for (_, data) in reader.feed(&bytes) {
            if data == "[DONE]" {
                break 'read;
            }
            let chunk: Value = serde_json::from_str(&data).expect("a JSON chunk");
            let content = chunk["choices"][0]["delta"]["content"]
                .as_str()
                .unwrap_or("");
            if !content.is_empty() {
                first_text.get_or_insert(started.elapsed());
            }
        }
    }
    (
        first_text.expect("the answer should have text"),
        started.elapsed(),
    )
}

fn bench_script() -> Script {
    Script::text((0..CHUNKS).map(|i| format!("word{i} ")))
        .usage(20, CHUNKS as u64)
        .delay(CHUNK_GAP)
}

/// (a): returns (direct, via Hearth) for time to first text and total time.
async fn sequential_runs(
    http: &reqwest::Client,
    runs: usize,
) -> ((Samples, Samples), (Samples, Samples)) {
    let total_runs = runs + WARM_UP;
    // One script per direct call and one per run through Hearth.
    let provider =
        ScriptedOpenAi::start((0..2 * total_runs).map(|_| bench_script()).collect()).await;
    let dir = tempfile::tempdir().expect("a temp folder");
    let hearth = start_hearth(provider.base_url(), &dir).await;
    let assistant = create(
        http,
        format!("{hearth}/assistants"),
        json!({"model": "scripted-model"}),
    )
    .await;

    let (mut direct_first, mut direct_total) = (Vec::new(), Vec::new());
    let (mut hearth_first, mut hearth_total) = (Vec::new(), Vec::new());
    for i in 0..total_runs {
        // Alternating keeps slow drift (other processes, thermal) from favouring either side.
        let (first, total) = stream_direct(http, &provider.base_url()).await;
        // A fresh thread per run keeps the prompt the same size for every run.
        let thread = create(
            http,
            format!("{hearth}/threads"),
            json!({"messages": [{"role": "user", "content": "go"}]}),
        )
        .await;
        let observed = stream_run(http, &hearth, &assistant, &thread).await;
        assert_eq!(
            observed.final_event, "thread.run.completed",
            "run {i} did not complete"
        );
        if i < WARM_UP {
            continue;
        }
        direct_first.push(ms(first));
        direct_total.push(ms(total));
        hearth_first.push(ms(observed.first_text.expect("the run streamed text")));
        hearth_total.push(ms(observed.total));
    }
    (
        (Samples(direct_first), Samples(hearth_first)),
        (Samples(direct_total), Samples(hearth_total)),
    )
}

struct Concurrency {
    completed: usize,
    first_failure: Option<String>,
    wall_ms: f64,
    delays: Samples,
}

/// (b): `runs` streamed runs at once through Hearth on a provider that stamps each chunk.
///
/// How the delay is measured: the provider below writes into each chunk's text its sequence number
/// and the instant it hands the frame to the HTTP stack (`<seq>@<µs since epoch>;`). Hearth passes
/// text through unchanged, so every `thread.message.delta` the client receives carries the stamps of
/// the chunks it contains (one or several, should the server ever merge them); the delay of a chunk is
/// the client's receive instant minus its stamp. Provider, server and client share this process's
/// monotonic clock, so there is no clock skew. `ScriptedOpenAi` is not used here because its text is
/// fixed before the answer starts and it keeps no send times.
async fn concurrent_runs(http: &reqwest::Client, runs: usize) -> Concurrency {
    let provider = start_stamping_provider().await;
    let dir = tempfile::tempdir().expect("a temp folder");
    let hearth = start_hearth(provider, &dir).await;
    let assistant = create(
        http,
        format!("{hearth}/assistants"),
        json!({"model": "stamped-model"}),
    )
    .await;
    let mut threads = Vec::new();
    for _ in 0..runs {
        let body = json!({"messages": [{"role": "user", "content": "go"}]});
        threads.push(create(http, format!("{hearth}/threads"), body).await);
    }

    let started = Instant::now();
    let tasks: Vec<_> = threads
        .into_iter()
        .map(|thread| {
            let (http, hearth, assistant) = (http.clone(), hearth.clone(), assistant.clone());
            tokio::spawn(async move {
                tokio::time::timeout(
                    Duration::from_secs(120),
                    stream_run(&http, &hearth, &assistant, &thread),
                )
                .await
            })
        })
        .collect();
    let mut result = Concurrency {
        completed: 0,
        first_failure: None,
        wall_ms: 0.0,
        delays: Samples(Vec::new()),
    };
    for task in tasks {
        let outcome = match task.await {
            Ok(Ok(observed)) => Ok(observed),
            Ok(Err(_)) => Err("timed out after 120 s".to_owned()),
            Err(panic) => Err(format!("client task failed: {panic}")),
        };
        match outcome {
            Ok(observed) if observed.final_event == "thread.run.completed" => {
                result.completed += 1;
                for (arrived, text) in &observed.deltas {
                    for stamp in text.split(';').filter(|s| !s.is_empty()) {
                        let sent = stamp
                            .split_once('@')
                            .and_then(|(_, at)| at.parse::<u64>().ok())
                            .expect("every chunk carries its send stamp");
                        let sent = epoch() + Duration::from_micros(sent);
                        result
                            .delays
                            .0
                            .push(ms(arrived.saturating_duration_since(sent)));
                    }
                }
            }
            Ok(observed) => {
                result
                    .first_failure
                    .get_or_insert(format!("ended with {}", observed.final_event));
            }
            Err(failure) => {
                result.first_failure.get_or_insert(failure);
            }
        }
    }
    result.wall_ms = ms(started.elapsed());
    result
}

/// A chat-completions server whose every text chunk carries the instant it was sent; returns its
/// base URL.
async fn start_stamping_provider() -> String {
    let router = Router::new()
        .route("/v1/chat/completions", post(stamped_answer))
        .route(
            "/v1/models",
            get(|| async {
                axum::Json(json!({"object": "list", "data": [
                    {"id": "stamped-model", "object": "model", "created": 0, "owned_by": "bench"}
                ]}))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port should be free");
    let url = format!(
        "http://{}/v1",
        listener
            .local_addr()
            .expect("a bound socket has an address")
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

fn chunk_frame(delta: Value, finish: Option<&str>) -> Bytes {
    let chunk = json!({
        "id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 0, "model": "stamped-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    });
    Bytes::from(format!("data: {chunk}\n\n"))
}

async fn stamped_answer() -> Response {
    // Frame n: 0 opens the message, 1..=CHUNKS are stamped text, then finish, usage and [DONE].
    let frames = futures_util::stream::unfold(0usize, |n| async move {
        let frame = match n {
            0 => chunk_frame(json!({"role": "assistant", "content": ""}), None),
            n if n <= CHUNKS => {
                tokio::time::sleep(CHUNK_GAP).await;
                // Stamped after the pause, right before the frame goes to the HTTP stack.
                chunk_frame(
                    json!({"content": format!("{n}@{};", micros_since_epoch())}),
                    None,
                )
            }
            n if n == CHUNKS + 1 => chunk_frame(json!({}), Some("stop")),
            n if n == CHUNKS + 2 => {
                let usage = json!({
                    "id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 0,
                    "model": "stamped-model", "choices": [],
                    "usage": {"prompt_tokens": 20, "completion_tokens": CHUNKS, "total_tokens": 20 + CHUNKS},
                });
                Bytes::from(format!("data: {usage}\n\n"))
            }
            n if n == CHUNKS + 3 => Bytes::from_static(b"data: [DONE]\n\n"),
            _ => return None,
        };
        Some((Ok::<_, std::io::Error>(frame), n + 1))
    });
    Response::builder()
        .header("content-type", "text/event-stream")
        .body(Body::from_stream(frames))
        .expect("a valid response")
}
