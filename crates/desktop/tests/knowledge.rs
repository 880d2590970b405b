//! Files and vector stores as the window works with them, through both kinds of profile: a real
//! data folder for "this computer", a real `hearth-server` on loopback for a remote profile, and
//! real files on disk uploaded from their paths.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hearth_desktop::knowledge::{AssistantFileTool, KnowledgeBackend};
use hearth_desktop::remote::RemoteBackend;
use hearth_desktop::{BackendError, Hearth, Paths};
use hearth_engine::providers::{OpenAiCompatible, ProviderConfig};
use hearth_engine::{Engine, EngineConfig};
use hearth_scripted::ScriptedOpenAi;
use hearth_server::{ServerConfig, Token};
use hearth_store::Store;
use hearth_wire::{
    AttributeValue, CreateAssistantRequest, CreateVectorStoreFileRequest, CreateVectorStoreRequest,
    FileObject, FilePurpose, VectorStoreFileStatus,
};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const TOKEN: &str = "knowledge-test-token";

const NOTES: &str = "# Heating\n\nThe boiler was serviced in March by the plumber.\n\n# Garden\n\nThe apple tree was pruned in February.\n";

fn open(dir: &Path) -> Hearth {
    Hearth::open(Paths {
        data_dir: dir.join("data"),
        settings_file: dir.join("config").join("settings.json"),
    })
    .expect("Hearth should open on a fresh folder")
}

/// Writes `text` to a file named `name` in a folder of its own, as a person's document.
fn document(dir: &Path, name: &str, text: &str) -> PathBuf {
    let folder = dir.join("Documents");
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Waits until no file of the store is being indexed.
async fn settled(
    hearth: &Hearth,
    store_id: &str,
) -> Vec<hearth_desktop::knowledge::NamedStoreFile> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let files = hearth.vector_store_files(store_id).await.unwrap();
        if files
            .iter()
            .all(|file| file.attachment.status != VectorStoreFileStatus::InProgress)
        {
            return files;
        }
        assert!(Instant::now() < deadline, "indexing should end within 30 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn assistant_request(name: &str) -> CreateAssistantRequest {
    serde_json::from_value(serde_json::json!({"model": "scripted", "name": name})).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn files_added_to_an_assistant_are_indexed_listed_searched_and_placed() {
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    let backend = hearth.backend().unwrap();
    let assistant = backend
        .create_assistant(assistant_request("Researcher"))
        .await
        .unwrap();

    let notes = hearth
        .upload_file(&document(dir.path(), "notes.md", NOTES))
        .await
        .unwrap();
    assert_eq!(notes.filename, "notes.md");
    assert_eq!(notes.bytes, NOTES.len() as u64);
    let with_store = hearth
        .add_assistant_file(&assistant.id, &notes.id, AssistantFileTool::FileSearch)
        .await
        .unwrap();
    let store_id = with_store
        .tool_resources
        .as_ref()
        .and_then(|resources| resources.file_search.as_ref())
        .map(|search| search.vector_store_ids[0].clone())
        .expect("the assistant should have been given a vector store");
    assert!(
        with_store
            .tools
            .iter()
            .any(|tool| matches!(tool, hearth_wire::AssistantTool::FileSearch { .. })),
        "an assistant given a document searches it: {:?}",
        with_store.tools
    );

    let data = hearth
        .upload_file(&document(
            dir.path(),
            "sales.csv",
            "month,total\nMarch,12\n",
        ))
        .await
        .unwrap();
    let with_code = hearth
        .add_assistant_file(&assistant.id, &data.id, AssistantFileTool::CodeInterpreter)
        .await
        .unwrap();
    let resources = with_code.tool_resources.unwrap();
    assert_eq!(
        resources.code_interpreter.unwrap().file_ids,
        [data.id.as_str()]
    );
    assert_eq!(
        resources.file_search.unwrap().vector_store_ids,
        [store_id.as_str()],
        "adding a code file keeps the vector store"
    );

    let files = settled(&hearth, &store_id).await;
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].filename, "notes.md");
    assert_eq!(files[0].attachment.status, VectorStoreFileStatus::Completed);

    let overview = hearth.knowledge_overview().await.unwrap();
    let listed = |id: &str| {
        overview
            .files
            .iter()
            .find(|entry| entry.file.id == id)
            .unwrap()
    };
    assert_eq!(listed(&notes.id).vector_store_ids, [store_id.as_str()]);
    assert_eq!(listed(&notes.id).assistants[0].name, "Researcher");
    assert_eq!(listed(&data.id).assistants[0].id, assistant.id);
    let store = &overview.vector_stores[0];
    assert_eq!(store.store.name, "Researcher files");
    assert_eq!(store.store.file_counts.completed, 1);
    assert!(store.store.usage_bytes > 0);

    let found = hearth
        .search_vector_store(&store_id, "when was the boiler serviced")
        .await
        .unwrap();
    assert!(
        !found.is_empty(),
        "the search should find the boiler passage"
    );
    assert_eq!(found[0].filename, "notes.md");
    assert!(found[0].text.contains("serviced in March"));
    assert!(found[0].score > 0.0);
    let place = found[0]
        .place
        .clone()
        .expect("this computer knows the place");
    assert_eq!(place.heading.as_deref(), Some("Heating"));
    assert_eq!(
        hearth
            .passage_place(&notes.id, &found[0].text)
            .await
            .unwrap(),
        Some(place),
        "a cited passage is placed as the search placed it"
    );
    assert_eq!(
        hearth
            .passage_place(&notes.id, "text no chunk has")
            .await
            .unwrap(),
        None
    );

    let again = hearth
        .reindex_vector_store_file(&store_id, &notes.id)
        .await
        .unwrap();
    assert_eq!(again.attachment.status, VectorStoreFileStatus::InProgress);
    assert_eq!(
        settled(&hearth, &store_id).await[0].attachment.status,
        VectorStoreFileStatus::Completed
    );

    hearth
        .remove_assistant_file(&assistant.id, &data.id, AssistantFileTool::CodeInterpreter)
        .await
        .unwrap();
    hearth.delete_file(&notes.id).await.unwrap();
    let overview = hearth.knowledge_overview().await.unwrap();
    assert_eq!(overview.files.len(), 1, "only the CSV is left");
    assert!(
        overview.files[0].assistants.is_empty(),
        "the CSV is no longer given to the assistant"
    );
    assert!(
        overview.vector_stores[0].files.is_empty(),
        "the deleted file left its store"
    );

    hearth
        .set_assistant_vector_store(&assistant.id, None)
        .await
        .unwrap();
    hearth.delete_vector_store(&store_id).await.unwrap();
    assert!(
        hearth
            .knowledge_overview()
            .await
            .unwrap()
            .vector_stores
            .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unusable_uploads_and_searches_say_what_was_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    let empty = document(dir.path(), "empty.txt", "");
    let refused = hearth.upload_file(&empty).await.unwrap_err();
    assert!(matches!(refused, BackendError::Invalid(_)));
    assert!(
        refused.to_string().contains("'empty.txt' is empty"),
        "{refused}"
    );

    let folder = dir.path().join("Documents");
    let refused = hearth.upload_file(&folder).await.unwrap_err();
    assert!(
        refused.to_string().contains("'Documents' is a folder"),
        "{refused}"
    );

    let refused = hearth
        .upload_file(&folder.join("missing.pdf"))
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("'missing.pdf' cannot be read"),
        "{refused}"
    );

    let backend = hearth.backend().unwrap();
    let store = backend
        .create_vector_store(CreateVectorStoreRequest::default())
        .await
        .unwrap();
    let refused = hearth
        .search_vector_store(&store.id, "   ")
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("Type something"), "{refused}");
    let missing = hearth
        .search_vector_store("vs_missing", "boiler")
        .await
        .unwrap_err();
    assert!(matches!(missing, BackendError::NotFound(_)), "{missing}");
}

/// A `hearth-server` whose engine keeps files, on loopback.
struct Server {
    addr: std::net::SocketAddr,
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
            files_dir: Some(data.join("server-files")),
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

async fn remote_settled(remote: &RemoteBackend, store_id: &str) -> VectorStoreFileStatus {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let files = remote.list_vector_store_files(store_id).await.unwrap();
        let status = files[0].status.clone();
        if status != VectorStoreFileStatus::InProgress {
            return status;
        }
        assert!(Instant::now() < deadline, "indexing should end within 30 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A remote profile of `server`, its mirror in `dir`.
fn remote_profile(server: &Server, dir: &Path) -> RemoteBackend {
    RemoteBackend::open(
        &format!("http://{}/v1", server.addr),
        Some(hearth_client::ApiKey::new(TOKEN)),
        &dir.join("mirror.db"),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_remote_profile_uploads_searches_and_indexes_again_through_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path()).await;
    let remote = remote_profile(&server, dir.path());

    let path = document(dir.path(), "notes.md", NOTES);
    let file = remote
        .upload_file(&path, FilePurpose::Assistants)
        .await
        .unwrap();
    assert_eq!(
        server.engine.get_file(&file.id).unwrap().filename,
        "notes.md"
    );
    let refused = remote
        .upload_file(
            &document(dir.path(), "empty.txt", ""),
            FilePurpose::Assistants,
        )
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("'empty.txt' is empty"),
        "{refused}"
    );

    let store = remote
        .create_vector_store(CreateVectorStoreRequest::default())
        .await
        .unwrap();
    // Attached with an attribute, which indexing again must keep.
    let attributes = std::collections::BTreeMap::from([(
        "room".to_owned(),
        AttributeValue::String("cellar".into()),
    )]);
    server
        .engine
        .create_vector_store_file(
            &store.id,
            CreateVectorStoreFileRequest {
                file_id: file.id.clone(),
                chunking_strategy: None,
                attributes: Some(attributes.clone()),
            },
        )
        .unwrap();
    assert_eq!(
        remote_settled(&remote, &store.id).await,
        VectorStoreFileStatus::Completed
    );

    let found = remote
        .search_vector_store(&store.id, "apple tree pruned", 5)
        .await
        .unwrap();
    assert!(found[0].text.contains("pruned in February"), "{found:?}");
    assert_eq!(found[0].filename, "notes.md");
    assert_eq!(
        found[0].place, None,
        "the protocol's search results do not say where a passage sits"
    );
    let place = remote
        .passage_place(&file.id, &found[0].text)
        .await
        .unwrap()
        .expect("hearth-server says where a cited passage sits");
    assert_eq!(place.heading.as_deref(), Some("Heating"));
    assert_eq!(
        remote
            .passage_place(&file.id, "text no chunk has")
            .await
            .unwrap(),
        None
    );

    let again = remote
        .reindex_vector_store_file(&store.id, &file.id)
        .await
        .unwrap();
    assert_eq!(again.attributes, Some(attributes), "attributes are kept");
    assert_eq!(
        remote_settled(&remote, &store.id).await,
        VectorStoreFileStatus::Completed
    );

    let files = remote.list_files().await.unwrap();
    assert_eq!(files.len(), 1);
    remote.delete_file(&file.id).await.unwrap();
    assert!(remote.list_files().await.unwrap().is_empty());
    remote.delete_vector_store(&store.id).await.unwrap();
    assert!(remote.list_vector_stores().await.unwrap().is_empty());

    server.stop().await;
    let offline = remote
        .create_vector_store(CreateVectorStoreRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(offline, BackendError::Offline { .. }), "{offline}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_remote_profiles_files_and_stores_are_listed_offline_as_last_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(dir.path()).await;
    let remote = remote_profile(&server, dir.path());
    let file = remote
        .upload_file(
            &document(dir.path(), "notes.md", NOTES),
            FilePurpose::Assistants,
        )
        .await
        .unwrap();
    let store = remote
        .create_vector_store(CreateVectorStoreRequest {
            name: Some("House notes".into()),
            file_ids: Some(vec![file.id.clone()]),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        remote_settled(&remote, &store.id).await,
        VectorStoreFileStatus::Completed
    );
    let files = remote.list_files().await.unwrap();
    let stores = remote.list_vector_stores().await.unwrap();
    let attached = remote.list_vector_store_files(&store.id).await.unwrap();

    server.stop().await;
    let names = |files: Vec<FileObject>| files.into_iter().map(|f| f.filename).collect::<Vec<_>>();
    assert_eq!(names(remote.list_files().await.unwrap()), names(files));
    let offline_stores = remote.list_vector_stores().await.unwrap();
    assert_eq!(offline_stores.len(), 1);
    assert_eq!(offline_stores[0].name, stores[0].name);
    assert_eq!(offline_stores[0].file_counts.completed, 1);
    let offline_attached = remote.list_vector_store_files(&store.id).await.unwrap();
    assert_eq!(offline_attached.len(), attached.len());
    assert_eq!(offline_attached[0].status, VectorStoreFileStatus::Completed);
    let never_read = remote
        .list_vector_store_files("vs_never_listed")
        .await
        .unwrap_err();
    assert!(
        matches!(never_read, BackendError::Offline { .. }),
        "a list never read has nothing to show: {never_read}"
    );
}
