//! Files in answers through both kinds of profile: the bytes the window shows and saves are the
//! file's own, a remote profile keeps the ones it read for offline reading, and "Save as…"
//! leaves either the whole file or nothing.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hearth_desktop::remote::RemoteBackend;
use hearth_desktop::{Backend, BackendError, Hearth, Paths};
use hearth_engine::providers::{OpenAiCompatible, ProviderConfig};
use hearth_engine::{Engine, EngineConfig};
use hearth_scripted::ScriptedOpenAi;
use hearth_server::{ServerConfig, Token};
use hearth_store::Store;
use hearth_wire::{FileObject, FilePurpose};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const TOKEN: &str = "files-test-token";

/// Bytes that look like a chart: a PNG signature and a body with every byte value.
fn chart_bytes() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..=255u8).cycle().take(70_000));
    bytes
}

/// Makes a file the way a code_interpreter call does (purpose `assistants_output`).
async fn make_output_file(engine: &Engine, name: &str, bytes: &[u8]) -> FileObject {
    let body =
        futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(bytes.to_vec()))]);
    engine
        .create_output_file(name, body)
        .await
        .expect("the engine should keep the file")
}

fn open(dir: &Path) -> Hearth {
    Hearth::open(Paths {
        data_dir: dir.join("data"),
        settings_file: dir.join("config").join("settings.json"),
    })
    .expect("Hearth should open on a fresh folder")
}

fn names_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn this_computer_shows_and_saves_a_chart_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    let bytes = chart_bytes();
    let made = make_output_file(hearth.engine(), "chart-1.png", &bytes).await;

    let file = hearth.file(&made.id).await.unwrap();
    assert_eq!(file.filename, "chart-1.png");
    assert_eq!(
        file.bytes,
        bytes.len() as u64,
        "the chip shows the file's size"
    );
    assert_eq!(file.purpose, FilePurpose::AssistantsOutput);
    assert_eq!(hearth.file_content(&made.id).await.unwrap(), bytes);
    assert_eq!(hearth_desktop::suggested_file_name(&file), "chart-1.png");

    let saved_dir = dir.path().join("Pictures");
    std::fs::create_dir(&saved_dir).unwrap();
    let target = saved_dir.join("chart-1.png");
    hearth.save_file(&made.id, &target).await.unwrap();
    assert_eq!(
        std::fs::read(&target).unwrap(),
        bytes,
        "the saved bytes are the file's"
    );
    assert_eq!(names_in(&saved_dir), ["chart-1.png"]);

    let missing = hearth.file_content("file-nope").await.unwrap_err();
    assert!(matches!(missing, BackendError::NotFound(_)), "{missing:?}");
}

#[tokio::test]
async fn a_save_that_fails_says_why_and_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    let made = make_output_file(hearth.engine(), "data.csv", b"a,b\n1,2\n").await;
    let saved_dir = dir.path().join("Documents");
    std::fs::create_dir(&saved_dir).unwrap();

    // A folder where the file should go: the bytes are written, then the rename fails.
    let in_the_way = saved_dir.join("data.csv");
    std::fs::create_dir(&in_the_way).unwrap();
    let error = hearth.save_file(&made.id, &in_the_way).await.unwrap_err();
    assert!(
        error.to_string().contains("data.csv") && error.to_string().contains("folder"),
        "the message should name the file and the problem: {error}"
    );
    assert_eq!(
        names_in(&saved_dir),
        ["data.csv"],
        "no temporary file may remain"
    );
    assert!(in_the_way.is_dir());

    // A folder that does not exist.
    let nowhere = saved_dir.join("gone").join("data.csv");
    let error = hearth.save_file(&made.id, &nowhere).await.unwrap_err();
    assert!(error.to_string().contains("does not exist"), "{error}");
    assert!(!nowhere.exists());
}

/// A `hearth-server` whose engine keeps files, on loopback.
struct Server {
    addr: SocketAddr,
    engine: Engine,
    _provider: ScriptedOpenAi,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl Server {
    async fn start(data: &Path) -> Self {
        let store = Store::open(data.join("server.db")).unwrap();
        let provider = ScriptedOpenAi::start(Vec::new()).await;
        let model =
            OpenAiCompatible::new(ProviderConfig::new(provider.base_url()).max_retries(0)).unwrap();
        let config = EngineConfig {
            files_dir: Some(data.join("files")),
            ..EngineConfig::default()
        };
        let engine = Engine::new(store, Arc::new(model), config);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
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

#[tokio::test]
async fn a_remote_profile_reads_files_through_the_server_and_keeps_them_for_offline() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path()).await;
    let bytes = chart_bytes();
    let chart = make_output_file(&server.engine, "chart-1.png", &bytes).await;
    let unread = make_output_file(&server.engine, "later.csv", b"x\n1\n").await;

    let mirror = dir.path().join("profiles").join("team.db");
    std::fs::create_dir_all(mirror.parent().unwrap()).unwrap();
    let remote = RemoteBackend::open(
        &format!("http://{}/v1", server.addr),
        Some(hearth_client::ApiKey::new(TOKEN)),
        &mirror,
    )
    .unwrap();

    let file = remote.file(&chart.id).await.unwrap();
    assert_eq!(file.filename, "chart-1.png");
    assert_eq!(file.bytes, bytes.len() as u64);
    assert_eq!(
        remote.file_content(&chart.id).await.unwrap(),
        bytes,
        "the bytes equal the server's files.content"
    );
    let kept = dir
        .path()
        .join("profiles")
        .join("team.files")
        .join(&chart.id);
    assert_eq!(
        std::fs::read(&kept).unwrap(),
        bytes,
        "a copy is kept beside the mirror"
    );

    server.stop().await;
    assert_eq!(
        remote.file_content(&chart.id).await.unwrap(),
        bytes,
        "a chart seen once is shown offline"
    );
    assert_eq!(
        remote.file(&chart.id).await.unwrap().filename,
        "chart-1.png"
    );
    let offline = remote.file_content(&unread.id).await.unwrap_err();
    assert!(
        matches!(offline, BackendError::Offline { .. }),
        "{offline:?}"
    );

    let refused = remote.file_content("../team.db").await.unwrap_err();
    assert!(matches!(refused, BackendError::Invalid(_)), "{refused:?}");
}

/// A completed run with one file_search step that found `passage` in `report.pdf`, stored on the
/// server as the engine would have left it.
fn store_search_run(engine: &Engine, passage: &str) -> (String, String) {
    let thread = engine
        .create_thread(hearth_wire::CreateThreadRequest::default())
        .unwrap();
    let run: hearth_wire::Run = serde_json::from_value(serde_json::json!({
        "id": "run_search", "object": "thread.run", "created_at": 1, "thread_id": thread.id,
        "assistant_id": "asst_1", "status": "completed", "required_action": null,
        "last_error": null, "expires_at": null, "started_at": 1, "cancelled_at": null,
        "failed_at": null, "completed_at": 2, "incomplete_details": null, "model": "m",
        "instructions": "", "tools": [{"type": "file_search"}], "metadata": {}, "usage": null,
        "temperature": null, "top_p": null, "max_prompt_tokens": null,
        "max_completion_tokens": null,
        "truncation_strategy": {"type": "auto", "last_messages": null},
        "tool_choice": "auto", "parallel_tool_calls": true, "response_format": "auto"
    }))
    .expect("a run object");
    engine.store().put_run(&run).unwrap();
    let step: hearth_wire::RunStep = serde_json::from_value(serde_json::json!({
        "id": "step_search", "object": "thread.run.step", "created_at": 1,
        "assistant_id": "asst_1", "thread_id": thread.id, "run_id": run.id,
        "type": "tool_calls", "status": "completed",
        "step_details": {"type": "tool_calls", "tool_calls": [{
            "id": "call_1", "type": "file_search", "file_search": {
                "ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.0},
                "results": [{"file_id": "file-report", "file_name": "report.pdf", "score": 0.9,
                             "content": [{"type": "text", "text": passage}]}]
            }
        }]},
        "last_error": null, "expired_at": null, "cancelled_at": null, "failed_at": null,
        "completed_at": 2, "metadata": {}, "usage": null
    }))
    .expect("a run step object");
    engine.store().insert_run_step(&step).unwrap();
    (thread.id, run.id)
}

#[tokio::test]
async fn a_remote_profile_reads_run_steps_with_the_passages_citations_open() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path()).await;
    let (thread_id, run_id) = store_search_run(&server.engine, "Revenue grew 4% in 2025.");
    let mirror = dir.path().join("team.db");
    let remote = RemoteBackend::open(
        &format!("http://{}/v1", server.addr),
        Some(hearth_client::ApiKey::new(TOKEN)),
        &mirror,
    )
    .unwrap();

    let passage = |steps: Vec<hearth_wire::RunStep>| -> Option<String> {
        let json = serde_json::to_value(&steps).unwrap();
        json[0]["step_details"]["tool_calls"][0]["file_search"]["results"][0]["content"][0]["text"]
            .as_str()
            .map(str::to_owned)
    };
    let steps = remote.list_run_steps(&thread_id, &run_id).await.unwrap();
    assert_eq!(
        passage(steps).as_deref(),
        Some("Revenue grew 4% in 2025."),
        "the steps are read with include[] so a citation can show its passage"
    );
    server.stop().await;
    let offline = remote.list_run_steps(&thread_id, &run_id).await.unwrap();
    assert_eq!(
        passage(offline).as_deref(),
        Some("Revenue grew 4% in 2025."),
        "the mirror keeps the passages for offline reading"
    );
}

/// Stores on the server a thread whose answer shows `chart` (as a code_interpreter run leaves it).
fn store_thread_with_chart(engine: &Engine, chart: &FileObject) -> String {
    let thread = engine
        .create_thread(hearth_wire::CreateThreadRequest::default())
        .unwrap();
    for message in [
        serde_json::json!({"id": "msg_q", "object": "thread.message", "created_at": 1,
            "thread_id": thread.id, "status": "completed", "incomplete_details": null,
            "completed_at": 1, "incomplete_at": null, "role": "user",
            "content": [{"type": "text", "text": {"value": "Chart the signups", "annotations": []}}],
            "assistant_id": null, "run_id": null, "attachments": [], "metadata": {}}),
        serde_json::json!({"id": "msg_a", "object": "thread.message", "created_at": 2,
            "thread_id": thread.id, "status": "completed", "incomplete_details": null,
            "completed_at": 2, "incomplete_at": null, "role": "assistant",
            "content": [{"type": "image_file", "image_file": {"file_id": chart.id}},
                        {"type": "text", "text": {"value": "Here it is.", "annotations": []}}],
            "assistant_id": null, "run_id": null, "attachments": [], "metadata": {}}),
    ] {
        let message: hearth_wire::Message = serde_json::from_value(message).unwrap();
        engine.store().put_message(&message).unwrap();
    }
    thread.id
}

#[tokio::test]
async fn opening_a_remote_thread_keeps_its_charts_so_it_reads_offline_unscrolled() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path()).await;
    let bytes = chart_bytes();
    let chart = make_output_file(&server.engine, "chart-7.png", &bytes).await;
    let thread_id = store_thread_with_chart(&server.engine, &chart);
    let remote = RemoteBackend::open(
        &format!("http://{}/v1", server.addr),
        Some(hearth_client::ApiKey::new(TOKEN)),
        &dir.path().join("team.db"),
    )
    .unwrap();

    // Only the thread is opened; the window never asked for the image (it was never in view).
    let window = remote
        .message_window(&thread_id, &hearth_store::MessageAnchor::Latest, 50)
        .await
        .unwrap();
    assert_eq!(window.messages.len(), 2);
    remote.wait_for_file_copies().await;

    server.stop().await;
    assert_eq!(
        remote.file_content(&chart.id).await.unwrap(),
        bytes,
        "offline, the chart of a thread opened once is there"
    );
    assert_eq!(
        remote.file(&chart.id).await.unwrap().filename,
        "chart-7.png",
        "and so is its name, for the caption and Save as"
    );
    let offline = remote
        .message_window(&thread_id, &hearth_store::MessageAnchor::Latest, 50)
        .await
        .unwrap();
    assert_eq!(
        offline.messages, window.messages,
        "the thread reads as it was"
    );
}
