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
    let body = futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(
        bytes.to_vec(),
    ))]);
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
    assert_eq!(file.bytes, bytes.len() as u64, "the chip shows the file's size");
    assert_eq!(file.purpose, FilePurpose::AssistantsOutput);
    assert_eq!(hearth.file_content(&made.id).await.unwrap(), bytes);
    assert_eq!(hearth_desktop::suggested_file_name(&file), "chart-1.png");

    let saved_dir = dir.path().join("Pictures");
    std::fs::create_dir(&saved_dir).unwrap();
    let target = saved_dir.join("chart-1.png");
    hearth.save_file(&made.id, &target).await.unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), bytes, "the saved bytes are the file's");
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
    assert_eq!(names_in(&saved_dir), ["data.csv"], "no temporary file may remain");
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
    let kept = dir.path().join("profiles").join("team.files").join(&chart.id);
    assert_eq!(std::fs::read(&kept).unwrap(), bytes, "a copy is kept beside the mirror");

    server.stop().await;
    assert_eq!(
        remote.file_content(&chart.id).await.unwrap(),
        bytes,
        "a chart seen once is shown offline"
    );
    assert_eq!(remote.file(&chart.id).await.unwrap().filename, "chart-1.png");
    let offline = remote.file_content(&unread.id).await.unwrap_err();
    assert!(matches!(offline, BackendError::Offline { .. }), "{offline:?}");

    let refused = remote.file_content("../team.db").await.unwrap_err();
    assert!(matches!(refused, BackendError::Invalid(_)), "{refused:?}");
}
