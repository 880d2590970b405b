//! A remote profile against a real `hearth-server` on loopback (real SQLite on both sides, a
//! scripted model behind the server): what it mirrors, what it shows offline, how it comes back,
//! and what a broken or refusing server looks like.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use hearth_client::{ApiKey, Config};
use hearth_desktop::remote::RemoteBackend;
use hearth_desktop::{Backend, BackendError, RunEvents};
use hearth_engine::providers::{OpenAiCompatible, ProviderConfig};
use hearth_engine::{Engine, EngineConfig};
use hearth_scripted::{Script, ScriptedOpenAi};
use hearth_server::{ServerConfig, Token};
use hearth_store::{MessageAnchor, Store};
use hearth_wire::{Message, MessageRole, RunStatus, StreamEvent};
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const TOKEN: &str = "remote-test-token";

/// A `hearth-server` serving an engine over the database in `data`.
struct Server {
    addr: SocketAddr,
    engine: Engine,
    _provider: ScriptedOpenAi,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Server {
    /// Starts a server on `listener` whose model answers with `scripts`, in order.
    async fn start(listener: TcpListener, data: &Path, scripts: Vec<Script>) -> Self {
        let store = Store::open(data.join("server.db")).unwrap();
        let provider = ScriptedOpenAi::start(scripts).await;
        let model =
            OpenAiCompatible::new(ProviderConfig::new(provider.base_url()).max_retries(0)).unwrap();
        let engine = Engine::new(store, Arc::new(model), EngineConfig::default());
        engine.recover().unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(hearth_server::serve(
            engine.clone(),
            ServerConfig::new(Token::new(TOKEN)),
            listener,
            async move {
                let _ = stopped.await;
            },
        ));
        Self {
            addr,
            engine,
            _provider: provider,
            stop: Some(stop),
            task: Some(task),
        }
    }

    fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Triggers the shutdown and waits until the server has stopped.
    async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let task = self.task.take().expect("the server is stopped once");
        tokio::time::timeout(Duration::from_secs(20), task)
            .await
            .expect("the server should stop within its grace")
            .unwrap()
            .unwrap();
    }
}

async fn loopback() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").await.unwrap()
}

/// A backend for `base_url` without retries, so an unreachable server shows at once.
fn backend(base_url: &str, token: &str, mirror: &Path) -> RemoteBackend {
    let config = Config::new(base_url)
        .api_key(ApiKey::new(token))
        .max_retries(0)
        .timeout(Duration::from_secs(10));
    RemoteBackend::with_config(config, mirror).unwrap()
}

fn from<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).unwrap()
}

/// Every event of a run, failing the test on an error.
async fn drain(mut events: RunEvents) -> Vec<StreamEvent> {
    let mut all = Vec::new();
    while let Some(event) = events.next().await {
        all.push(event.expect("the run's stream should not fail"));
    }
    all
}

/// A thread's messages as the app opens it: its latest ones.
async fn latest_messages(
    remote: &RemoteBackend,
    thread_id: &str,
) -> Result<Vec<Message>, BackendError> {
    let window = remote
        .message_window(thread_id, &MessageAnchor::Latest, 100)
        .await?;
    Ok(window.messages)
}

fn mirror_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("mirror.db")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_remote_profile_mirrors_what_it_sees_reads_it_offline_and_refreshes_on_reconnect() {
    let server_dir = tempfile::tempdir().unwrap();
    let app_dir = tempfile::tempdir().unwrap();
    let listener = loopback().await;
    let addr = listener.local_addr().unwrap();
    let mut server = Server::start(
        listener,
        server_dir.path(),
        vec![Script::text(["The walrus sleeps ", "on the sea ice."])],
    )
    .await;
    let url = server.base_url();
    let remote = backend(&url, TOKEN, &mirror_path(&app_dir));
    assert!(remote.check_connection().await, "the server should answer");

    let assistant = remote
        .create_assistant(from(
            json!({"model": "scripted-model", "name": "Zoologist"}),
        ))
        .await
        .unwrap();
    let thread = remote.create_thread(Default::default()).await.unwrap();
    remote
        .create_message(
            &thread.id,
            from(json!({"role": "user", "content": "Where does the walrus sleep?"})),
        )
        .await
        .unwrap();
    let events = drain(
        remote
            .create_run(&thread.id, from(json!({"assistant_id": assistant.id})))
            .await
            .unwrap(),
    )
    .await;
    let text: String = events
        .iter()
        .filter_map(|event| match event {
            StreamEvent::MessageDelta(delta) => delta.delta.content.as_ref(),
            _ => None,
        })
        .flatten()
        .filter_map(|part| serde_json::to_value(part).ok())
        .filter_map(|part| part["text"]["value"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        text, "The walrus sleeps on the sea ice.",
        "the deltas should pass through unchanged"
    );
    let run = events
        .iter()
        .find_map(|event| match event {
            StreamEvent::RunCompleted(run) => Some(run.clone()),
            _ => None,
        })
        .expect("the run should complete");

    // The mirror holds what the stream carried, without any list call.
    let mirror = remote.store();
    let summaries = mirror.thread_summaries(None).unwrap();
    assert_eq!(summaries.len(), 1, "the new thread should be in the list");
    assert_eq!(summaries[0].id, thread.id);
    assert_eq!(
        summaries[0].title, "Where does the walrus sleep?",
        "the title is the first user message"
    );
    assert_eq!(
        summaries[0].assistant_id.as_deref(),
        Some(assistant.id.as_str())
    );
    let hits = mirror.search_messages("sea ice", None, 10).unwrap();
    assert_eq!(hits.len(), 1, "search should find the streamed answer");
    assert_eq!(hits[0].thread_id, thread.id);
    assert_eq!(
        mirror.get_run(&thread.id, &run.id).unwrap().unwrap().status,
        RunStatus::Completed
    );
    assert!(
        !mirror.run_steps(&run.id).unwrap().is_empty(),
        "the run's steps should be mirrored"
    );
    let online_messages = latest_messages(&remote, &thread.id).await.unwrap();
    assert_eq!(online_messages.len(), 2);
    assert_eq!(remote.list_runs(&thread.id).await.unwrap().len(), 1);

    server.stop().await;

    let assistants = remote.list_assistants().await.unwrap();
    assert!(!remote.is_online(), "a refused connection means offline");
    assert_eq!(
        assistants.iter().map(|a| &a.id).collect::<Vec<_>>(),
        [&assistant.id],
        "offline, the assistants come from the mirror"
    );
    let offline_messages = latest_messages(&remote, &thread.id).await.unwrap();
    assert_eq!(
        offline_messages, online_messages,
        "offline, the thread reads as it was last seen"
    );
    assert_eq!(offline_messages[1].role, MessageRole::Assistant);
    assert_eq!(remote.list_runs(&thread.id).await.unwrap().len(), 1);
    assert_eq!(
        remote
            .list_run_steps(&thread.id, &run.id)
            .await
            .unwrap()
            .len(),
        mirror.run_steps(&run.id).unwrap().len()
    );
    assert_eq!(
        remote
            .store()
            .search_messages("walrus", None, 10)
            .unwrap()
            .len(),
        2,
        "search works offline"
    );
    match remote
        .create_assistant(from(json!({"model": "scripted-model"})))
        .await
    {
        Err(BackendError::Offline {
            url: offline_url,
            detail,
        }) => {
            assert_eq!(offline_url, url, "the error should name the server");
            assert!(!detail.is_empty(), "the error should say what failed");
        }
        other => panic!("creating offline should fail as Offline, got {other:?}"),
    }
    let shown = remote
        .create_run(&thread.id, from(json!({"assistant_id": assistant.id})))
        .await
        .err()
        .expect("a run needs the server")
        .to_string();
    assert!(shown.contains(&url), "the message names the URL: {shown}");
    assert!(!remote.check_connection().await);

    // The server comes back on the same port with what it had, and one assistant more.
    let mut server = Server::start(
        TcpListener::bind(addr).await.unwrap(),
        server_dir.path(),
        Vec::new(),
    )
    .await;
    let added = server
        .engine
        .create_assistant(from(json!({"model": "scripted-model", "name": "Added"})))
        .unwrap();
    let refreshed = remote.list_assistants().await.unwrap();
    assert!(
        remote.is_online(),
        "the first call that gets through is online"
    );
    assert_eq!(refreshed.len(), 2, "the list should come from the server");
    assert!(
        remote.store().get_assistant(&added.id).unwrap().is_some(),
        "what the server listed should now be in the mirror"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn what_the_server_no_longer_has_leaves_the_mirror() {
    let server_dir = tempfile::tempdir().unwrap();
    let app_dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(loopback().await, server_dir.path(), Vec::new()).await;
    let remote = backend(&server.base_url(), TOKEN, &mirror_path(&app_dir));

    let kept = remote
        .create_assistant(from(json!({"model": "scripted-model", "name": "Kept"})))
        .await
        .unwrap();
    let gone = remote
        .create_assistant(from(json!({"model": "scripted-model", "name": "Gone"})))
        .await
        .unwrap();
    let thread = remote
        .create_thread(from(
            json!({"messages": [{"role": "user", "content": "Hello there"}]}),
        ))
        .await
        .unwrap();
    assert_eq!(
        remote.store().thread_summaries(None).unwrap()[0].title,
        "Hello there",
        "a thread created with messages is titled at once"
    );

    // Someone else deletes them on the server.
    server.engine.delete_assistant(&gone.id).unwrap();
    server.engine.delete_thread(&thread.id).unwrap();

    let listed = remote.list_assistants().await.unwrap();
    assert_eq!(listed.iter().map(|a| &a.id).collect::<Vec<_>>(), [&kept.id]);
    assert_eq!(remote.store().get_assistant(&gone.id).unwrap(), None);
    assert!(matches!(
        latest_messages(&remote, &thread.id).await,
        Err(BackendError::NotFound(_))
    ));
    assert_eq!(
        remote.store().get_thread(&thread.id).unwrap(),
        None,
        "a thread the server answers 404 for should leave the mirror"
    );
    assert!(remote.store().thread_summaries(None).unwrap().is_empty());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_token_is_reported_as_refused() {
    let server_dir = tempfile::tempdir().unwrap();
    let app_dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(loopback().await, server_dir.path(), Vec::new()).await;
    let remote = backend(&server.base_url(), "not-the-token", &mirror_path(&app_dir));
    match remote.list_assistants().await {
        Err(BackendError::Invalid(message)) => {
            assert!(
                message.contains("refused the token"),
                "the message should say the token was refused: {message}"
            );
            assert!(
                !message.contains("not-the-token"),
                "the token must not be shown"
            );
        }
        other => panic!("a wrong token should be refused, got {other:?}"),
    }
    assert!(remote.is_online(), "a refusal is still an answer");
    server.stop().await;
}

/// A server that answers like a broken one: lists that are not lists, and a run stream with an
/// event whose data is not JSON.
async fn broken_server() -> (String, oneshot::Sender<()>) {
    use axum::Router;
    use axum::http::header::CONTENT_TYPE;
    use axum::routing::{get, post};

    const THREAD: &str = r#"{"id": "thread_b", "object": "thread", "created_at": 1,
                             "tool_resources": null, "metadata": {}}"#;
    let router = Router::new()
        .route(
            "/v1/assistants",
            get(|| async {
                (
                    [(CONTENT_TYPE, "application/json")],
                    r#"{"nonsense": true}"#,
                )
            }),
        )
        .route(
            "/v1/models",
            get(|| async { ([(CONTENT_TYPE, "application/json")], "<html>oops") }),
        )
        .route(
            "/v1/threads/thread_b",
            get(|| async { ([(CONTENT_TYPE, "application/json")], THREAD) }),
        )
        .route(
            "/v1/threads/thread_b/runs",
            post(|| async {
                (
                    [(CONTENT_TYPE, "text/event-stream")],
                    "event: thread.run.created\ndata: {\"id\": broken\n\n\
                     event: done\ndata: [DONE]\n\n",
                )
            }),
        );
    let listener = loopback().await;
    let url = format!("http://{}/v1", listener.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
    });
    (url, stop)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_answer_is_a_server_error_that_says_what_was_wrong() {
    let app_dir = tempfile::tempdir().unwrap();
    let (url, _stop) = broken_server().await;
    let remote = backend(&url, TOKEN, &mirror_path(&app_dir));

    match remote.list_assistants().await {
        Err(BackendError::Server(message)) => {
            assert!(message.contains(&url), "names the server: {message}");
            assert!(
                message.contains("listing the assistants"),
                "names the request: {message}"
            );
            assert!(
                message.contains("missing field `data`"),
                "says what was wrong: {message}"
            );
            assert!(
                message.contains(r#"{"nonsense": true}"#),
                "quotes the answer: {message}"
            );
        }
        other => panic!("a body that is not a list should be a server error, got {other:?}"),
    }
    assert!(remote.is_online(), "the server did answer");

    match remote.list_models().await {
        Err(BackendError::Server(message)) => {
            assert!(
                message.contains("<html>oops"),
                "quotes the answer: {message}"
            )
        }
        other => panic!("a body that is not JSON should be a server error, got {other:?}"),
    }

    let mut events = remote
        .create_run("thread_b", from(json!({"assistant_id": "asst_x"})))
        .await
        .unwrap();
    match events.next().await {
        Some(Err(BackendError::Server(message))) => {
            assert!(
                message.contains("streaming the run"),
                "names the request: {message}"
            );
            assert!(
                message.contains("{\"id\": broken"),
                "quotes the event: {message}"
            );
        }
        other => panic!("a broken event should be a server error, got {other:?}"),
    }
    assert!(
        events.next().await.is_none(),
        "the stream should end after its error"
    );
}
