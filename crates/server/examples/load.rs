//! hearth-server under load and under faults: the real binary in its own process, driven over
//! loopback HTTP, answering from a scripted model provider. Run on demand and read the table:
//!
//! ```text
//! scripts/load-test.sh [--debug] [RUNS]   # builds hearth-server and this example, then runs it
//! ```
//!
//! Each scenario gets a fresh data folder, provider and server:
//! 1. **load**: RUNS streamed runs at once (default 500), each on its own thread.
//! 2. **stalled provider**: a tenth of the runs get a provider that stops mid-answer and keeps the
//!    connection open; the client cancels them, while the runs beside them go on.
//! 3. **429 then 500**: the provider refuses with 429, then fails with 500; the runs fail with
//!    `rate_limit_exceeded` and `server_error`.
//! 4. **a client that stops reading**: it reads the first event of each stream, then nothing; the
//!    runs still complete and are stored whole.
//! 5. **kill -9 under load**: the server is killed while runs stream, then started again on the
//!    same folder; every run it had accepted is found, ended.
//!
//! Per scenario: runs completed, failed with the expected code, cancelled, refused (429 from
//! Hearth itself), and lost — accepted but never ended, or missing after the restart; lost must be
//! 0. Also the server's peak memory (VmHWM) and the p99 delay of a chunk: the gap between two
//! `thread.message.delta` events a client receives, less the provider's own pause between them.
//! The provider and the clients share this process, and the machine's cores with the server.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::future::join_all;
use hearth_http::{SseEvent, SseParser};
use hearth_scripted::{Script, ScriptedOpenAi};
use serde_json::{Value, json};

/// Text chunks per answer and the provider's pause before each.
const CHUNKS: usize = 20;
const CHUNK_GAP: Duration = Duration::from_millis(20);
/// How long a run may take to end after its stream closed, before it counts as lost.
const SETTLE: Duration = Duration::from_secs(30);
const TOKEN: &str = "hearth-load-test-token-0123456789";
/// Requests hearth-server makes for a run whose provider keeps refusing: the first and two retries.
const PROVIDER_ATTEMPTS: usize = 3;

#[tokio::main]
async fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(500);
    let binary = server_binary();
    println!("## hearth-server under load and faults\n");
    println!(
        "{runs} runs in the load scenario; {CHUNKS} chunks per answer, {} ms before each; server: {}\n",
        CHUNK_GAP.as_millis(),
        binary.display()
    );
    let rows = vec![
        load(&binary, runs).await,
        stalled_provider(&binary, runs / 10).await,
        refused_by_provider(&binary, 20).await,
        client_stops_reading(&binary, 50).await,
        killed_under_load(&binary, runs / 5).await,
    ];
    println!(
        "| scenario | runs | completed | failed as expected | cancelled | refused (429) | lost | peak memory | chunk delay p50 / p99 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for row in &rows {
        println!("{row}");
    }
    let lost: usize = rows.iter().map(|row| row.lost).sum();
    println!("\nlost in all: {lost} (must be 0)");
    if lost > 0 {
        std::process::exit(1);
    }
}

/// `hearth-server` next to this example's folder (`target/<profile>/examples/..`), unless
/// `HEARTH_SERVER_BIN` says where.
fn server_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("HEARTH_SERVER_BIN") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("the example knows where it is");
    let beside = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("hearth-server"))
        .expect("the example lives under target/<profile>/examples");
    assert!(
        beside.exists(),
        "no hearth-server at {}: build it first (scripts/load-test.sh does)",
        beside.display()
    );
    beside
}

/// A running hearth-server process.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn start(binary: &Path, data_dir: &Path, provider_url: &str) -> Self {
        let mut child = Command::new(binary)
            .args(["--listen", "127.0.0.1:0", "--provider", "openai"])
            .arg("--data-dir")
            .arg(data_dir)
            .args(["--provider-base-url", provider_url])
            .env("HEARTH_TOKEN", TOKEN)
            .env("HEARTH_PROVIDER_KEY", "scripted-key")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("hearth-server starts");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout is piped")).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("hearth-server says where it listens")
                .expect("its output is text");
            if let Some(address) = line.strip_prefix("hearth-server listening on ") {
                break format!("{}/v1", address.trim().trim_end_matches('/'));
            }
        };
        // Keep reading, so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Self { child, url }
    }

    /// The most memory the process has held, in MB.
    fn peak_memory_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|rest| {
                rest.trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse::<f64>()
                    .ok()
            })
            .map_or(f64::NAN, |kb| kb / 1024.0)
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The v2 API of one server, as the load test calls it.
#[derive(Clone)]
struct Api {
    http: reqwest::Client,
    url: String,
}

impl Api {
    fn new(url: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .expect("a client"),
            url: url.to_owned(),
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(TOKEN)
            .header("OpenAI-Beta", "assistants=v2");
        if let Some(body) = body {
            request = request.json(&body);
        }
        match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                (status, response.json().await.unwrap_or(Value::Null))
            }
            Err(_) => (0, Value::Null),
        }
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }

    async fn assistant(&self) -> String {
        let (status, assistant) = self
            .post("/assistants", json!({"model": "gpt-load", "name": "Load"}))
            .await;
        assert_eq!(status, 200, "the assistant is created: {assistant}");
        assistant["id"].as_str().unwrap().to_owned()
    }

    /// `count` threads, each holding one question.
    async fn threads(&self, count: usize) -> Vec<String> {
        let mut ids = Vec::with_capacity(count);
        for chunk in (0..count).collect::<Vec<_>>().chunks(50) {
            let made = join_all(chunk.iter().map(|i| {
                self.post(
                    "/threads",
                    json!({"messages": [{"role": "user", "content": format!("Question {i}")}]}),
                )
            }))
            .await;
            for (status, thread) in made {
                assert_eq!(status, 200, "a thread is created: {thread}");
                ids.push(thread["id"].as_str().unwrap().to_owned());
            }
        }
        ids
    }
}

/// What one streamed run showed its client.
#[derive(Debug, Default)]
struct Streamed {
    /// The HTTP status of the create-run request (0: no answer).
    status: u16,
    run_id: Option<String>,
    /// The last `thread.run.*` event's name.
    last_run_event: Option<String>,
    /// When each message delta arrived.
    deltas: Vec<Instant>,
}

/// How a client reads its stream.
#[derive(Clone, Copy, PartialEq)]
enum Reading {
    Whole,
    /// Stops after the first event and holds the connection, reading nothing.
    FirstEventOnly,
    /// Reads until the answer starts, then asks for the run to be cancelled and reads the rest.
    CancelAfterFirstDelta,
}

async fn stream_run(api: Api, thread: String, assistant: String, reading: Reading) -> Streamed {
    let mut streamed = Streamed::default();
    let response = api
        .http
        .post(format!("{}/threads/{thread}/runs", api.url))
        .bearer_auth(TOKEN)
        .header("OpenAI-Beta", "assistants=v2")
        .json(&json!({"assistant_id": assistant, "stream": true}))
        .send()
        .await;
    let Ok(response) = response else {
        return streamed;
    };
    streamed.status = response.status().as_u16();
    if streamed.status != 200 {
        return streamed;
    }
    let mut body = response.bytes_stream();
    let mut parser = SseParser::new();
    let mut events: Vec<SseEvent> = Vec::new();
    let mut cancelled = false;
    while let Some(Ok(bytes)) = body.next().await {
        if parser.feed(&bytes, &mut events).is_err() {
            break;
        }
        for event in events.drain(..) {
            let name = event.event.unwrap_or_default();
            if name == "thread.run.created" {
                let run: Value = serde_json::from_str(&event.data).unwrap_or(Value::Null);
                streamed.run_id = run["id"].as_str().map(str::to_owned);
            }
            if name.starts_with("thread.run.") && !name.starts_with("thread.run.step") {
                streamed.last_run_event = Some(name.clone());
            }
            if name == "thread.message.delta" {
                streamed.deltas.push(Instant::now());
                if reading == Reading::CancelAfterFirstDelta && !cancelled {
                    cancelled = true;
                    if let Some(run_id) = &streamed.run_id {
                        let api = api.clone();
                        let path = format!("/threads/{thread}/runs/{run_id}/cancel");
                        tokio::spawn(async move { api.post(&path, json!({})).await });
                    }
                }
            }
        }
        if reading == Reading::FirstEventOnly && streamed.run_id.is_some() {
            // Holds the connection open without reading until the run is over.
            tokio::time::sleep(CHUNK_GAP * (CHUNKS as u32) * 3).await;
            return streamed;
        }
    }
    streamed
}

/// A scenario's line of the table.
struct Row {
    scenario: &'static str,
    runs: usize,
    completed: usize,
    failed_as_expected: usize,
    cancelled: usize,
    refused: usize,
    lost: usize,
    peak_memory_mb: f64,
    delays_ms: Vec<f64>,
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let delay = if self.delays_ms.is_empty() {
            "—".to_owned()
        } else {
            format!(
                "{:.1} / {:.1} ms",
                percentile(&self.delays_ms, 50.0),
                percentile(&self.delays_ms, 99.0)
            )
        };
        write!(
            f,
            "| {} | {} | {} | {} | {} | {} | {} | {:.0} MB | {} |",
            self.scenario,
            self.runs,
            self.completed,
            self.failed_as_expected,
            self.cancelled,
            self.refused,
            self.lost,
            self.peak_memory_mb,
            delay
        )
    }
}

fn percentile(values: &[f64], p: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// The delay each chunk picked up on its way: the gaps between deltas less the provider's pause.
fn chunk_delays(streams: &[Streamed]) -> Vec<f64> {
    streams
        .iter()
        .flat_map(|s| s.deltas.windows(2))
        .map(|pair| {
            let gap = pair[1].duration_since(pair[0]).as_secs_f64() * 1000.0;
            (gap - CHUNK_GAP.as_secs_f64() * 1000.0).max(0.0)
        })
        .collect()
}

fn answer(run: usize) -> Script {
    Script::text((0..CHUNKS).map(|i| format!("r{run}c{i} ")))
        .usage(12, CHUNKS as u64)
        .delay(CHUNK_GAP)
}

/// Every run a client started, read back from the server once it had time to end: how each ended
/// (status and error code), and the accepted runs that did not end (lost).
async fn outcomes(
    api: &Api,
    threads: &[String],
    streams: &[Streamed],
) -> (Vec<(String, String)>, usize) {
    let deadline = Instant::now() + SETTLE;
    let mut ended = Vec::new();
    let mut lost = 0;
    for (thread, stream) in threads.iter().zip(streams) {
        let Some(run_id) = &stream.run_id else {
            continue;
        };
        loop {
            let (status, run) = api.get(&format!("/threads/{thread}/runs/{run_id}")).await;
            let state = run["status"].as_str().unwrap_or("missing").to_owned();
            let over = matches!(
                state.as_str(),
                "completed" | "failed" | "cancelled" | "expired" | "incomplete"
            );
            if status == 200 && over {
                let code = run["last_error"]["code"].as_str().unwrap_or("").to_owned();
                ended.push((state, code));
                break;
            }
            if Instant::now() > deadline {
                lost += 1;
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    (ended, lost)
}

fn count(ended: &[(String, String)], status: &str, code: Option<&str>) -> usize {
    ended
        .iter()
        .filter(|(s, c)| s == status && code.is_none_or(|code| c == code))
        .count()
}

async fn start_runs(
    api: &Api,
    assistant: &str,
    threads: &[String],
    reading: Reading,
) -> Vec<Streamed> {
    gathered(start_runs_in_background(api, assistant, threads, reading)).await
}

/// What each client task saw, once all have ended.
async fn gathered(tasks: Vec<tokio::task::JoinHandle<Streamed>>) -> Vec<Streamed> {
    join_all(tasks)
        .await
        .into_iter()
        .map(|joined| joined.expect("a client task ends"))
        .collect()
}

fn refused(streams: &[Streamed]) -> usize {
    streams.iter().filter(|s| s.status == 429).count()
}

/// Runs whose create request got neither a stream nor a refusal: lost before they began.
fn unanswered(streams: &[Streamed]) -> usize {
    streams
        .iter()
        .filter(|s| s.status != 429 && s.run_id.is_none())
        .count()
}

async fn load(binary: &Path, runs: usize) -> Row {
    let dir = tempfile::tempdir().unwrap();
    let provider = ScriptedOpenAi::start((0..runs).map(answer).collect()).await;
    let server = Server::start(binary, dir.path(), &provider.base_url());
    let api = Api::new(&server.url);
    let assistant = api.assistant().await;
    let threads = api.threads(runs).await;
    let streams = start_runs(&api, &assistant, &threads, Reading::Whole).await;
    let (ended, lost) = outcomes(&api, &threads, &streams).await;
    Row {
        scenario: "load",
        runs,
        completed: count(&ended, "completed", None),
        failed_as_expected: 0,
        cancelled: count(&ended, "cancelled", None),
        refused: refused(&streams),
        lost: lost + unanswered(&streams),
        peak_memory_mb: server.peak_memory_mb(),
        delays_ms: chunk_delays(&streams),
    }
}

async fn stalled_provider(binary: &Path, stalled: usize) -> Row {
    let stalled = stalled.max(1);
    let healthy = stalled * 9;
    let dir = tempfile::tempdir().unwrap();
    // Which run gets which script depends on the order requests reach the provider, so the
    // stalled answers are all started first and the healthy ones after.
    let stalling = (0..stalled).map(|i| {
        Script::text((0..3).map(|c| format!("s{i}c{c} ")))
            .delay(CHUNK_GAP)
            .stall()
    });
    let provider = ScriptedOpenAi::start(stalling.collect()).await;
    let server = Server::start(binary, dir.path(), &provider.base_url());
    let api = Api::new(&server.url);
    let assistant = api.assistant().await;
    let stalled_threads = api.threads(stalled).await;
    let stalled_runs = start_runs_in_background(
        &api,
        &assistant,
        &stalled_threads,
        Reading::CancelAfterFirstDelta,
    );
    while provider.chat_requests() < stalled {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for i in 0..healthy {
        provider.push(answer(i));
    }
    let healthy_threads = api.threads(healthy).await;
    let healthy_streams = start_runs(&api, &assistant, &healthy_threads, Reading::Whole).await;
    let stalled_streams = gathered(stalled_runs).await;
    let threads: Vec<String> = stalled_threads.into_iter().chain(healthy_threads).collect();
    let streams: Vec<Streamed> = stalled_streams.into_iter().chain(healthy_streams).collect();
    let (ended, lost) = outcomes(&api, &threads, &streams).await;
    Row {
        scenario: "stalled provider (a tenth, cancelled)",
        runs: stalled + healthy,
        completed: count(&ended, "completed", None),
        failed_as_expected: 0,
        cancelled: count(&ended, "cancelled", None),
        refused: refused(&streams),
        lost: lost + unanswered(&streams),
        peak_memory_mb: server.peak_memory_mb(),
        delays_ms: chunk_delays(&streams[stalled..]),
    }
}

/// Runs started and read by tasks of their own, for the caller to do something meanwhile.
fn start_runs_in_background(
    api: &Api,
    assistant: &str,
    threads: &[String],
    reading: Reading,
) -> Vec<tokio::task::JoinHandle<Streamed>> {
    threads
        .iter()
        .map(|thread| {
            tokio::spawn(stream_run(
                api.clone(),
                thread.clone(),
                assistant.to_owned(),
                reading,
            ))
        })
        .collect()
}

async fn refused_by_provider(binary: &Path, runs: usize) -> Row {
    let dir = tempfile::tempdir().unwrap();
    let provider = ScriptedOpenAi::start(Vec::new()).await;
    let server = Server::start(binary, dir.path(), &provider.base_url());
    let api = Api::new(&server.url);
    let assistant = api.assistant().await;
    let threads = api.threads(runs).await;
    let (first, second) = threads.split_at(runs / 2);
    let mut streams = Vec::new();
    let mut expected = 0;
    let mut lost = 0;
    let mut ended = Vec::new();
    for (part, status, code) in [
        (first, 429, "rate_limit_exceeded"),
        (second, 500, "server_error"),
    ] {
        for _ in 0..part.len() * PROVIDER_ATTEMPTS {
            provider.push(Script::error(status, format!("scripted {status}")));
        }
        let part_streams = start_runs(&api, &assistant, part, Reading::Whole).await;
        let (part_ended, part_lost) = outcomes(&api, part, &part_streams).await;
        assert_eq!(
            provider.remaining(),
            0,
            "each run should have asked the provider {PROVIDER_ATTEMPTS} times"
        );
        expected += count(&part_ended, "failed", Some(code));
        lost += part_lost;
        ended.extend(part_ended);
        streams.extend(part_streams);
    }
    Row {
        scenario: "provider answers 429, then 500",
        runs,
        completed: count(&ended, "completed", None),
        failed_as_expected: expected,
        cancelled: count(&ended, "cancelled", None),
        refused: refused(&streams),
        lost: lost + unanswered(&streams),
        peak_memory_mb: server.peak_memory_mb(),
        delays_ms: Vec::new(),
    }
}

async fn client_stops_reading(binary: &Path, runs: usize) -> Row {
    let dir = tempfile::tempdir().unwrap();
    let provider = ScriptedOpenAi::start((0..runs).map(answer).collect()).await;
    let server = Server::start(binary, dir.path(), &provider.base_url());
    let api = Api::new(&server.url);
    let assistant = api.assistant().await;
    let threads = api.threads(runs).await;
    let streams = start_runs(&api, &assistant, &threads, Reading::FirstEventOnly).await;
    let (ended, lost) = outcomes(&api, &threads, &streams).await;
    // Completed and stored whole: the last message of each thread holds every chunk.
    let mut whole = 0;
    for thread in &threads {
        let (_, messages) = api
            .get(&format!("/threads/{thread}/messages?limit=1"))
            .await;
        let text = messages["data"][0]["content"][0]["text"]["value"]
            .as_str()
            .unwrap_or("");
        if text.split_whitespace().count() == CHUNKS {
            whole += 1;
        }
    }
    Row {
        scenario: "client stops reading (answers stored whole)",
        runs,
        completed: count(&ended, "completed", None).min(whole),
        failed_as_expected: 0,
        cancelled: count(&ended, "cancelled", None),
        refused: refused(&streams),
        lost: lost + unanswered(&streams),
        peak_memory_mb: server.peak_memory_mb(),
        delays_ms: Vec::new(),
    }
}

async fn killed_under_load(binary: &Path, runs: usize) -> Row {
    let dir = tempfile::tempdir().unwrap();
    // Slow answers, so the kill lands while every run streams.
    let slow = (0..runs)
        .map(|run| Script::text((0..CHUNKS * 5).map(|i| format!("r{run}c{i} "))).delay(CHUNK_GAP));
    let provider = ScriptedOpenAi::start(slow.collect()).await;
    let mut server = Server::start(binary, dir.path(), &provider.base_url());
    let api = Api::new(&server.url);
    let assistant = api.assistant().await;
    let threads = api.threads(runs).await;
    let running = start_runs_in_background(&api, &assistant, &threads, Reading::Whole);
    while provider.chat_requests() < runs {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(CHUNK_GAP * 10).await;
    let peak = server.peak_memory_mb();
    server.kill();
    let streams: Vec<Streamed> = gathered(running).await;
    let restarted = Server::start(binary, dir.path(), &provider.base_url());
    let api = Api::new(&restarted.url);
    let (ended, lost) = outcomes(&api, &threads, &streams).await;
    Row {
        scenario: "kill -9 while streaming, then restart (runs end failed)",
        runs,
        completed: count(&ended, "completed", None),
        failed_as_expected: count(&ended, "failed", Some("server_error")),
        cancelled: count(&ended, "cancelled", None),
        refused: refused(&streams),
        lost: lost + unanswered(&streams),
        peak_memory_mb: peak,
        delays_ms: Vec::new(),
    }
}
