//! Starting the server in-process and talking to it.

use std::sync::Arc;
use std::time::Duration;

use hearth_client::{ApiKey, Client, Config};
use hearth_engine::providers::{OpenAiCompatible, Provider, ProviderConfig};
use hearth_engine::{Engine, EngineConfig};
use hearth_scripted::{Script, ScriptedOpenAi};
use hearth_server::{ServerConfig, Token};
use hearth_store::Store;
use hearth_wire::{Run, RunStatus};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A `hearth-server` process, killed when the test ends, however it ends.
pub struct Running(pub std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the `hearth-server` binary `command` (with its arguments) says, listening on a free
/// loopback port with [`TOKEN`]; the running server and its origin (`http://127.0.0.1:PORT`), once
/// it said where it listens.
pub async fn serve_binary(mut command: std::process::Command) -> (Running, String) {
    let mut child = command
        .args(["--listen", "127.0.0.1:0"])
        .env("HEARTH_TOKEN", TOKEN)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Running(child);
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).unwrap();
        line
    })
    .await
    .unwrap();
    let origin = line
        .trim()
        .strip_prefix("hearth-server listening on ")
        .unwrap_or_else(|| panic!("the server should say where it listens, said {line:?}"))
        .to_owned();
    (server, origin)
}

/// The bearer token every test server expects.
pub const TOKEN: &str = "test-token-0123456789";

/// A running server, its engine and the scripted provider behind it.
pub struct Server {
    /// `http://127.0.0.1:PORT`
    pub origin: String,
    pub engine: Engine,
    pub provider: ScriptedOpenAi,
    pub http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

/// Starts a server whose provider answers with `scripts`, in order.
pub async fn start(scripts: Vec<Script>) -> Server {
    start_with(scripts, |_| {}).await
}

/// Starts a server whose engine settings `configure` changes (files live in the temp folder).
pub async fn start_with(scripts: Vec<Script>, configure: impl FnOnce(&mut EngineConfig)) -> Server {
    start_custom(
        scripts,
        |engine, _| configure(engine),
        |client| Arc::new(client),
    )
    .await
}

/// Starts a server whose engine and server settings `configure` changes, on the provider `wrap`
/// makes of the scripted one.
pub async fn start_custom(
    scripts: Vec<Script>,
    configure: impl FnOnce(&mut EngineConfig, &mut ServerConfig),
    wrap: impl FnOnce(OpenAiCompatible) -> Arc<dyn Provider>,
) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("hearth.db")).unwrap();
    let provider = ScriptedOpenAi::start(scripts).await;
    let client =
        OpenAiCompatible::new(ProviderConfig::new(provider.base_url()).max_retries(0)).unwrap();
    let mut config = EngineConfig {
        files_dir: Some(dir.path().join("files")),
        ..EngineConfig::default()
    };
    let mut server_config = ServerConfig::new(Token::new(TOKEN));
    configure(&mut config, &mut server_config);
    let engine = Engine::new(store, wrap(client), config);
    engine.recover().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(hearth_server::serve(
        engine.clone(),
        server_config,
        listener,
        async move {
            let _ = stopped.await;
        },
    ));
    Server {
        origin,
        engine,
        provider,
        http: reqwest::Client::new(),
        stop: Some(stop),
        task: Some(task),
        _dir: dir,
    }
}

impl Server {
    /// The server's database file.
    pub fn db_path(&self) -> std::path::PathBuf {
        self._dir.path().join("hearth.db")
    }

    /// The folder the server keeps uploaded bytes in.
    pub fn files_dir(&self) -> std::path::PathBuf {
        self._dir.path().join("files")
    }

    /// Uploads `bytes` as `name` with `purpose` through a real multipart request.
    pub async fn upload(&self, name: &str, bytes: &[u8], purpose: &str) -> reqwest::Response {
        let part = reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned());
        let form = reqwest::multipart::Form::new()
            .text("purpose", purpose.to_owned())
            .part("file", part);
        self.http
            .post(self.url("/v1/files"))
            .bearer_auth(TOKEN)
            .multipart(form)
            .send()
            .await
            .unwrap()
    }

    /// Uploads and returns the new file's id.
    pub async fn upload_ok(&self, name: &str, bytes: &[u8]) -> String {
        let response = self.upload(name, bytes, "assistants").await;
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, 200, "the upload of {name} should succeed: {body}");
        body["id"].as_str().unwrap().to_owned()
    }

    /// The JSON of a 200 answer to GET `path`.
    pub async fn get_ok(&self, path: &str) -> Value {
        let response = self.get(path).send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, 200, "GET {path} should succeed: {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// Polls vector store `id` until none of its files is being indexed; returns it.
    pub async fn settled_store(&self, id: &str) -> Value {
        for _ in 0..400 {
            let store = self.get_ok(&format!("/v1/vector_stores/{id}")).await;
            if store["file_counts"]["in_progress"] == 0 {
                return store;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("vector store {id} never finished indexing");
    }

    /// The full URL of `path` (which starts with `/v1`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.origin)
    }

    /// A GET with the token and the beta header, as the SDKs send it.
    pub fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.http
            .get(self.url(path))
            .bearer_auth(TOKEN)
            .header("OpenAI-Beta", "assistants=v2")
    }

    /// A POST of `body` with the token and the beta header.
    pub fn post(&self, path: &str, body: &Value) -> reqwest::RequestBuilder {
        self.http
            .post(self.url(path))
            .bearer_auth(TOKEN)
            .header("OpenAI-Beta", "assistants=v2")
            .json(body)
    }

    /// POSTs `body` and returns the JSON of a 200 answer.
    pub async fn post_ok(&self, path: &str, body: &Value) -> Value {
        let response = self.post(path, body).send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, 200, "POST {path} should succeed: {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// A typed client for this server, without retries so failures show at once.
    pub fn client(&self) -> Client {
        Client::new(
            Config::new(self.url("/v1"))
                .api_key(ApiKey::new(TOKEN))
                .max_retries(0),
        )
        .unwrap()
    }

    /// An assistant on the scripted model, optionally with the weather function.
    pub async fn assistant(&self, with_tool: bool) -> String {
        let mut body = json!({"model": "scripted-model", "instructions": "Be terse."});
        if with_tool {
            body["tools"] = json!([{"type": "function", "function": {
                "name": "get_weather",
                "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}
            }}]);
        }
        self.post_ok("/v1/assistants", &body).await["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A thread holding one user message.
    pub async fn thread(&self) -> String {
        let body = json!({"messages": [{"role": "user", "content": "Hello?"}]});
        self.post_ok("/v1/threads", &body).await["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Polls the run until it has `wanted` status.
    pub async fn wait_for(&self, thread_id: &str, run_id: &str, wanted: RunStatus) -> Run {
        for _ in 0..400 {
            let run = self.engine.get_run(thread_id, run_id).unwrap();
            if run.status == wanted {
                return run;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("run {run_id} never reached {wanted}");
    }

    /// Resolves the shutdown future and waits for `serve` to return.
    pub async fn shut_down(&mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let task = self.task.take().expect("the server is shut down once");
        tokio::time::timeout(Duration::from_secs(20), task)
            .await
            .expect("serve should return within its shutdown grace")
            .unwrap()
    }
}

/// The text of every `thread.message.delta` among `frames`, joined in order; each must carry text.
pub fn streamed_text(frames: &[(String, String)]) -> String {
    frames
        .iter()
        .filter(|(event, _)| event == "thread.message.delta")
        .map(|(_, data)| {
            let delta: serde_json::Value = serde_json::from_str(data).unwrap();
            delta["delta"]["content"][0]["text"]["value"]
                .as_str()
                .unwrap_or_else(|| panic!("a text delta without text: {data}"))
                .to_owned()
        })
        .collect()
}

/// The frames of an SSE body, each checked to be `event: NAME\ndata: ONE LINE` (comments skipped).
pub fn sse_frames(body: &str) -> Vec<(String, String)> {
    assert!(
        body.ends_with("\n\n"),
        "the body should end with a frame end"
    );
    body.trim_end_matches("\n\n")
        .split("\n\n")
        .filter(|frame| !frame.starts_with(':'))
        .map(|frame| {
            let lines: Vec<&str> = frame.split('\n').collect();
            assert_eq!(lines.len(), 2, "a frame should be two lines: {frame:?}");
            let event = lines[0]
                .strip_prefix("event: ")
                .unwrap_or_else(|| panic!("the first line should name the event: {frame:?}"));
            let data = lines[1]
                .strip_prefix("data: ")
                .unwrap_or_else(|| panic!("the second line should carry data: {frame:?}"));
            (event.to_owned(), data.to_owned())
        })
        .collect()
}
