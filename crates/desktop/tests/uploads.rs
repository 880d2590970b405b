//! Documents dropped on the window, through both kinds of profile: uploaded from their path with
//! progress, indexed in the thread's or the assistant's vector store (made when missing), retried
//! after a failure, sent as message attachments, and taken back out. Real SQLite, real files, a
//! real `hearth-server` on loopback for the remote profile.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hearth_desktop::knowledge::KnowledgeBackend;
use hearth_desktop::remote::RemoteBackend;
use hearth_desktop::{Backend, BackendError, Hearth, Paths, UploadProgressView};
use hearth_engine::providers::{OpenAiCompatible, ProviderConfig};
use hearth_engine::{Engine, EngineConfig};
use hearth_scripted::ScriptedOpenAi;
use hearth_server::{ServerConfig, Token};
use hearth_store::Store;
use hearth_wire::{
    AssistantTool, AttachmentTool, CreateAssistantRequest, CreateVectorStoreRequest,
    MessageAttachment, VectorStoreFile, VectorStoreFileStatus,
};
use tokio::net::TcpListener;

const TOKEN: &str = "uploads-test-token";

fn open(dir: &Path) -> Hearth {
    Hearth::open(Paths {
        data_dir: dir.join("data"),
        settings_file: dir.join("config").join("settings.json"),
    })
    .expect("Hearth should open on a fresh folder")
}

/// A document of about `bytes` bytes naming `topic`, written where a person keeps documents.
fn document(dir: &Path, name: &str, topic: &str, bytes: usize) -> std::path::PathBuf {
    let sentence = format!("The {topic} report says the harvest grew by a third this year. ");
    let text: String = sentence.repeat(bytes / sentence.len() + 1);
    let path = dir.join(name);
    std::fs::write(&path, &text[..bytes]).unwrap();
    path
}

/// Progress reports collected from an upload.
fn recorder() -> (
    Arc<Mutex<Vec<UploadProgressView>>>,
    impl Fn(UploadProgressView) + Send + Sync + 'static,
) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    (seen, move |progress| sink.lock().unwrap().push(progress))
}

/// Asks about the file until its indexing is over.
async fn settled(hearth: &Hearth, file: &VectorStoreFile) -> VectorStoreFile {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let now = hearth
            .indexing_status(&file.vector_store_id, &file.id)
            .await
            .unwrap();
        if now.status != VectorStoreFileStatus::InProgress {
            return now;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "indexing should finish within a minute"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_dropped_document_uploads_with_progress_and_is_indexed_in_the_threads_store() {
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    let docs = dir.path().join("Documents");
    std::fs::create_dir(&docs).unwrap();
    let report = document(&docs, "harvest.md", "harvest", 700_000);
    let notes = document(&docs, "notes.txt", "orchard", 2_000);

    let described = hearth
        .describe_local_files(vec![report.clone(), docs.clone()])
        .await;
    assert_eq!(described.files[0].name, "harvest.md");
    assert_eq!(described.files[0].bytes, 700_000);
    assert!(!described.files[0].folder);
    assert!(described.files[1].folder, "a folder is said to be one");
    assert_eq!(
        described.upload_limit,
        Some(512 * 1024 * 1024),
        "this computer says its limit"
    );

    let (seen, progress) = recorder();
    let uploaded = hearth.upload_local_file(&report, progress).await.unwrap();
    assert_eq!(uploaded.filename, "harvest.md");
    assert_eq!(uploaded.bytes, 700_000);
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.len() >= 3,
        "a 700 kB upload reports progress along the way: {seen:?}"
    );
    assert!(seen.windows(2).all(|pair| pair[0].sent <= pair[1].sent));
    assert_eq!(
        seen.last().unwrap(),
        &UploadProgressView {
            sent: 700_000,
            total: 700_000
        }
    );
    let (_, quiet) = recorder();
    let second = hearth.upload_local_file(&notes, quiet).await.unwrap();

    // Both files are dropped together on a new thread: they share one store, made for it.
    let thread = hearth.create_thread().await.unwrap();
    let (a, b) = tokio::join!(
        hearth.index_for_thread(&thread.id, &uploaded.id),
        hearth.index_for_thread(&thread.id, &second.id)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        a.vector_store_id, b.vector_store_id,
        "files dropped together go into one store"
    );
    let backend = hearth.backend().unwrap();
    let stored = backend.thread(&thread.id).await.unwrap();
    assert_eq!(
        stored
            .tool_resources
            .unwrap()
            .file_search
            .unwrap()
            .vector_store_ids,
        vec![a.vector_store_id.clone()],
        "the thread records its new store"
    );
    assert_eq!(
        settled(&hearth, &a).await.status,
        VectorStoreFileStatus::Completed
    );
    assert_eq!(
        settled(&hearth, &b).await.status,
        VectorStoreFileStatus::Completed
    );

    // Sending the message attaches the indexed file and the notes for the code interpreter.
    let attachments = vec![
        MessageAttachment {
            file_id: uploaded.id.clone(),
            tools: vec![AttachmentTool::FileSearch],
        },
        MessageAttachment {
            file_id: second.id.clone(),
            tools: vec![AttachmentTool::CodeInterpreter],
        },
    ];
    let message = hearth
        .add_message_with_attachments(&thread.id, "What grew?", attachments.clone())
        .await
        .unwrap();
    assert_eq!(message.attachments, Some(attachments));
    let after = backend.thread(&thread.id).await.unwrap();
    assert_eq!(
        after
            .tool_resources
            .unwrap()
            .file_search
            .unwrap()
            .vector_store_ids,
        vec![a.vector_store_id.clone()],
        "sending reuses the store the drop made"
    );

    // A chip switched to the code interpreter takes its file out of the store; a removed one is
    // deleted.
    hearth
        .unindex(&a.vector_store_id, &second.id)
        .await
        .unwrap();
    let gone = hearth
        .indexing_status(&a.vector_store_id, &second.id)
        .await
        .unwrap_err();
    assert!(matches!(gone, BackendError::NotFound(_)), "{gone:?}");
    hearth.discard_upload(&uploaded.id).await.unwrap();
    assert!(matches!(
        hearth.file(&uploaded.id).await,
        Err(BackendError::NotFound(_))
    ));
}

#[tokio::test]
async fn unusable_drops_are_refused_by_name_before_anything_is_uploaded() {
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    let empty = dir.path().join("empty.pdf");
    std::fs::write(&empty, b"").unwrap();
    let folder = dir.path().join("binaries");
    std::fs::create_dir(&folder).unwrap();

    for (path, expected) in [
        (
            &empty,
            "'empty.pdf' is empty: there is nothing in it to read.",
        ),
        (
            &folder,
            "'binaries' is a folder; drop the files inside it instead.",
        ),
    ] {
        let (seen, progress) = recorder();
        let error = hearth.upload_local_file(path, progress).await.unwrap_err();
        assert_eq!(error, BackendError::Invalid(expected.to_owned()));
        assert!(seen.lock().unwrap().is_empty(), "nothing was sent");
    }
    let files = hearth
        .engine()
        .list_files(&Default::default())
        .unwrap()
        .data;
    assert!(files.is_empty(), "no file was made: {files:?}");
}

#[tokio::test]
async fn documents_dropped_on_an_assistant_go_into_its_own_store_and_turn_on_file_search() {
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    let backend = hearth.backend().unwrap();
    let assistant = backend
        .create_assistant(CreateAssistantRequest {
            model: "gpt-4o-mini".into(),
            name: Some("Farm analyst".into()),
            tools: vec![AssistantTool::CodeInterpreter],
            ..Default::default()
        })
        .await
        .unwrap();
    let report = document(dir.path(), "harvest.md", "harvest", 5_000);
    let (_, progress) = recorder();
    let uploaded = hearth.upload_local_file(&report, progress).await.unwrap();

    let indexed = hearth
        .index_for_assistant(&assistant.id, &uploaded.id)
        .await
        .unwrap();
    assert_eq!(
        settled(&hearth, &indexed).await.status,
        VectorStoreFileStatus::Completed
    );
    let changed = backend.assistant(&assistant.id).await.unwrap();
    assert!(
        changed.tools.contains(&AssistantTool::CodeInterpreter)
            && changed
                .tools
                .iter()
                .any(|tool| matches!(tool, AssistantTool::FileSearch { .. })),
        "file_search is turned on beside the tools it had: {:?}",
        changed.tools
    );
    let stores = changed
        .tool_resources
        .unwrap()
        .file_search
        .unwrap()
        .vector_store_ids;
    assert_eq!(stores, vec![indexed.vector_store_id.clone()]);

    // A file its readers cannot take fails with the reason, and a retry indexes it anew.
    let binary = dir.path().join("data.txt");
    std::fs::write(&binary, [0u8, 159, 146, 150, 0, 1, 2, 3].repeat(64)).unwrap();
    let (_, progress) = recorder();
    let broken = hearth.upload_local_file(&binary, progress).await.unwrap();
    let first = hearth
        .index_for_assistant(&assistant.id, &broken.id)
        .await
        .unwrap();
    assert_eq!(
        first.vector_store_id, indexed.vector_store_id,
        "a second drop reuses the assistant's store"
    );
    let failed = settled(&hearth, &first).await;
    assert_eq!(failed.status, VectorStoreFileStatus::Failed);
    let reason = failed.last_error.expect("a failure says why").message;
    assert!(
        reason.contains("data.txt"),
        "the reason names the file: {reason}"
    );

    let again = hearth
        .index_for_assistant(&assistant.id, &broken.id)
        .await
        .unwrap();
    assert_eq!(
        again.status,
        VectorStoreFileStatus::InProgress,
        "a retry indexes the file again rather than answering the old failure"
    );
    assert_eq!(
        settled(&hearth, &again).await.status,
        VectorStoreFileStatus::Failed
    );
}

#[tokio::test]
async fn a_remote_profile_uploads_from_disk_with_progress_and_indexes_on_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    std::fs::create_dir(&data).unwrap();
    let provider = ScriptedOpenAi::start(Vec::new()).await;
    let model =
        OpenAiCompatible::new(ProviderConfig::new(provider.base_url()).max_retries(0)).unwrap();
    let engine = Engine::new(
        Store::open(data.join("server.db")).unwrap(),
        Arc::new(model),
        EngineConfig {
            files_dir: Some(data.join("files")),
            ..EngineConfig::default()
        },
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(hearth_server::serve(
        engine.clone(),
        ServerConfig::new(Token::new(TOKEN)),
        listener,
        std::future::pending::<()>(),
    ));
    let mirror = dir.path().join("profiles").join("team.db");
    std::fs::create_dir_all(mirror.parent().unwrap()).unwrap();
    let remote = RemoteBackend::open(
        &format!("http://{addr}/v1"),
        Some(hearth_client::ApiKey::new(TOKEN)),
        &mirror,
    )
    .unwrap();

    let report = document(dir.path(), "harvest.md", "harvest", 600_000);
    let sent = Arc::new(Mutex::new(Vec::new()));
    let sink = sent.clone();
    let file = remote
        .upload_document(
            &report,
            "harvest.md",
            Arc::new(move |bytes| sink.lock().unwrap().push(bytes)),
        )
        .await
        .unwrap();
    assert_eq!(file.bytes, 600_000);
    assert_eq!(sent.lock().unwrap().last(), Some(&600_000));
    assert_eq!(
        engine.get_file(&file.id).unwrap().filename,
        "harvest.md",
        "the server has the file"
    );

    let store = remote
        .create_vector_store(CreateVectorStoreRequest::default())
        .await
        .unwrap();
    remote
        .add_vector_store_file(&store.id, &file.id)
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while remote
        .vector_store_file(&store.id, &file.id)
        .await
        .unwrap()
        .status
        == VectorStoreFileStatus::InProgress
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "indexing should end"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        remote
            .vector_store_file(&store.id, &file.id)
            .await
            .unwrap()
            .status,
        VectorStoreFileStatus::Completed
    );
    remote
        .remove_vector_store_file(&store.id, &file.id)
        .await
        .unwrap();
    assert!(matches!(
        remote.vector_store_file(&store.id, &file.id).await,
        Err(BackendError::NotFound(_))
    ));
    remote.delete_file(&file.id).await.unwrap();
    assert!(engine.get_file(&file.id).is_err(), "the server deleted it");
    server.abort();
}
