//! Files and vector stores in the engine: a real database and files folder in a temp directory;
//! restarts are a second engine on the same folder.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use hearth_engine::providers::{OpenAiCompatible, ProviderConfig};
use hearth_engine::{Engine, EngineConfig, FileSearchQuery};
use hearth_scripted::ScriptedOpenAi;
use hearth_store::Store;
use hearth_wire::{
    CreateVectorStoreFileBatchRequest, CreateVectorStoreFileRequest, CreateVectorStoreRequest,
    FilePurpose, UpdateVectorStoreRequest, UploadFileParams, VectorStoreFileStatus,
    VectorStoreStatus,
};

/// An engine over the database and files in `dir`, indexing `workers` files at once.
async fn engine_in(dir: &Path, workers: usize) -> (Engine, ScriptedOpenAi) {
    let store = Store::open(dir.join("hearth.db")).unwrap();
    let provider = ScriptedOpenAi::start(vec![]).await;
    let client =
        OpenAiCompatible::new(ProviderConfig::new(provider.base_url()).max_retries(0)).unwrap();
    let config = EngineConfig {
        files_dir: Some(dir.join("files")),
        indexing_workers: workers,
        ..EngineConfig::default()
    };
    let engine = Engine::new(store, Arc::new(client), config);
    engine.recover().unwrap();
    (engine, provider)
}

async fn upload(engine: &Engine, name: &str, text: &str) -> String {
    let body =
        futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(text.to_owned()))]);
    let staged = engine.stage_upload(name, body).await.unwrap();
    let params = UploadFileParams {
        purpose: FilePurpose::Assistants,
        expires_after: None,
    };
    engine.create_file(staged, name, params).unwrap().id
}

fn with_files(file_ids: &[String]) -> CreateVectorStoreRequest {
    CreateVectorStoreRequest {
        file_ids: Some(file_ids.to_vec()),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_file_left_in_progress_is_resumed_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let store_id = {
        // No workers: the file is accepted but never indexed, as when the process dies first.
        let (engine, _provider) = engine_in(dir.path(), 0).await;
        let file = upload(&engine, "log.txt", "The boiler was serviced in March.").await;
        let store = engine.create_vector_store(with_files(&[file])).unwrap();
        assert_eq!(store.status, VectorStoreStatus::InProgress);
        assert_eq!(store.file_counts.in_progress, 1);
        store.id
    };
    let (engine, _provider) = engine_in(dir.path(), 2).await;
    engine
        .vector_stores_settled(std::slice::from_ref(&store_id), Duration::from_secs(10))
        .await
        .unwrap();
    let store = engine.get_vector_store(&store_id).unwrap();
    assert_eq!(
        store.file_counts.completed, 1,
        "the restart should finish the file"
    );
    assert_eq!(store.status, VectorStoreStatus::Completed);
}

#[tokio::test]
async fn cancelling_a_batch_stops_its_pending_files() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, _provider) = engine_in(dir.path(), 0).await;
    let first = upload(&engine, "a.txt", "alpha").await;
    let second = upload(&engine, "b.txt", "beta").await;
    let store = engine
        .create_vector_store(CreateVectorStoreRequest::default())
        .unwrap();
    let batch = engine
        .create_file_batch(
            &store.id,
            CreateVectorStoreFileBatchRequest {
                file_ids: Some(vec![first.clone(), second]),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(batch.status, VectorStoreFileStatus::InProgress);
    let cancelled = engine.cancel_file_batch(&store.id, &batch.id).unwrap();
    assert_eq!(cancelled.status, VectorStoreFileStatus::Cancelled);
    assert_eq!(cancelled.file_counts.cancelled, 2);
    assert_eq!(cancelled.file_counts.in_progress, 0);
    let file = engine.get_vector_store_file(&store.id, &first).unwrap();
    assert_eq!(file.status, VectorStoreFileStatus::Cancelled);
    let store = engine.get_vector_store(&store.id).unwrap();
    assert_eq!(
        store.status,
        VectorStoreStatus::Completed,
        "nothing is left in progress"
    );
    assert_eq!(store.file_counts.cancelled, 2);
}

#[tokio::test]
async fn a_cancelled_file_stays_cancelled_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (store_id, file) = {
        let (engine, _provider) = engine_in(dir.path(), 0).await;
        let file = upload(&engine, "a.txt", "alpha").await;
        let store = engine
            .create_vector_store(CreateVectorStoreRequest::default())
            .unwrap();
        let batch = engine
            .create_file_batch(
                &store.id,
                CreateVectorStoreFileBatchRequest {
                    file_ids: Some(vec![file.clone()]),
                    ..Default::default()
                },
            )
            .unwrap();
        engine.cancel_file_batch(&store.id, &batch.id).unwrap();
        (store.id, file)
    };
    let (engine, _provider) = engine_in(dir.path(), 2).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let attached = engine.get_vector_store_file(&store_id, &file).unwrap();
    assert_eq!(attached.status, VectorStoreFileStatus::Cancelled);
}

#[tokio::test]
async fn an_unused_store_expires_and_cannot_be_searched() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, _provider) = engine_in(dir.path(), 2).await;
    let request: CreateVectorStoreRequest = serde_json::from_value(serde_json::json!({
        "name": "short-lived", "expires_after": {"anchor": "last_active_at", "days": 1}
    }))
    .unwrap();
    let store = engine.create_vector_store(request).unwrap();
    assert_eq!(
        store.expires_at,
        Some(store.created_at + 86_400),
        "expiry counts from the last activity"
    );
    // Two days pass without use.
    let mut stale = store.clone();
    stale.last_active_at = Some(store.created_at - 2 * 86_400);
    stale.expires_at = Some(store.created_at - 86_400);
    engine.store().update_vector_store(&stale).unwrap();
    let expired = engine.get_vector_store(&store.id).unwrap();
    assert_eq!(expired.status, VectorStoreStatus::Expired);
    let listed = engine.list_vector_stores(&Default::default()).unwrap();
    assert_eq!(listed.data[0].status, VectorStoreStatus::Expired);
    let request = serde_json::from_value(serde_json::json!({"query": "anything"})).unwrap();
    let error = engine
        .search_vector_store(&store.id, request)
        .await
        .unwrap_err();
    assert_eq!(error.status(), 400);
    assert!(error.to_string().contains("expired"), "{error}");
    let file = upload(&engine, "late.txt", "too late").await;
    let error = engine
        .create_vector_store_file(
            &store.id,
            CreateVectorStoreFileRequest {
                file_id: file,
                ..Default::default()
            },
        )
        .unwrap_err();
    assert!(error.to_string().contains("expired"), "{error}");
}

#[tokio::test]
async fn use_moves_the_expiry_forward() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, _provider) = engine_in(dir.path(), 2).await;
    let store = engine
        .create_vector_store(CreateVectorStoreRequest::default())
        .unwrap();
    assert_eq!(store.expires_at, None, "no policy, no expiry");
    let mut earlier = store.clone();
    earlier.last_active_at = Some(store.created_at - 1000);
    engine.store().update_vector_store(&earlier).unwrap();
    let policy: UpdateVectorStoreRequest = serde_json::from_value(
        serde_json::json!({"expires_after": {"anchor": "last_active_at", "days": 7}}),
    )
    .unwrap();
    let modified = engine.modify_vector_store(&store.id, policy).unwrap();
    let last = modified.last_active_at.unwrap();
    assert!(last >= store.created_at, "setting a policy counts as use");
    assert_eq!(modified.expires_at, Some(last + 7 * 86_400));
    engine
        .search_vector_stores(
            std::slice::from_ref(&store.id),
            &FileSearchQuery {
                query: "anything".into(),
                max_num_results: 5,
                score_threshold: 0.0,
            },
        )
        .await
        .unwrap();
    let searched = engine.get_vector_store(&store.id).unwrap();
    assert!(
        searched.last_active_at.unwrap() >= last,
        "a search is activity"
    );
}

#[tokio::test]
async fn partial_uploads_left_by_a_crash_are_removed_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let kept = {
        let (engine, _provider) = engine_in(dir.path(), 2).await;
        upload(&engine, "kept.txt", "kept").await
    };
    let tmp = dir.path().join("files").join("tmp");
    std::fs::write(tmp.join("upload-crashed.part"), b"half an upl").unwrap();
    let orphan = dir.path().join("files").join("blobs").join("0".repeat(64));
    std::fs::write(&orphan, b"renamed but never recorded").unwrap();
    let (engine, _provider) = engine_in(dir.path(), 2).await;
    assert_eq!(
        std::fs::read_dir(&tmp).unwrap().count(),
        0,
        "partial uploads are removed"
    );
    assert!(!orphan.exists(), "bytes no file points at are removed");
    let (_file, path) = engine.file_content(&kept).unwrap();
    assert_eq!(
        std::fs::read(path).unwrap(),
        b"kept",
        "recorded files keep their bytes"
    );
}

#[tokio::test]
async fn without_a_files_folder_uploads_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("hearth.db")).unwrap();
    let provider = ScriptedOpenAi::start(vec![]).await;
    let client =
        OpenAiCompatible::new(ProviderConfig::new(provider.base_url()).max_retries(0)).unwrap();
    let engine = Engine::new(store, Arc::new(client), EngineConfig::default());
    let body =
        futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"x"))]);
    let error = engine.stage_upload("x.txt", body).await.unwrap_err();
    assert!(error.to_string().contains("no folder for files"), "{error}");
}

#[tokio::test]
async fn provider_embeddings_come_from_an_openai_compatible_endpoint() {
    use hearth_engine::{Embedder, ProviderEmbedder};
    let provider = ScriptedOpenAi::start(vec![]).await;
    let embedder = ProviderEmbedder::new(provider.base_url(), None, "scripted-embedder");
    let texts = vec![
        "red apples".to_owned(),
        "apples red".to_owned(),
        "blue sea".to_owned(),
    ];
    let vectors = embedder.embed(&texts).await.unwrap();
    assert_eq!(vectors.len(), 3);
    assert_eq!(vectors[0].len(), hearth_scripted::EMBEDDING_DIMENSIONS);
    assert_eq!(
        vectors[0], vectors[1],
        "the same words give the same vector"
    );
    assert_ne!(vectors[0], vectors[2]);
    assert_eq!(
        vectors[0],
        hearth_scripted::scripted_embedding("red apples")
    );
    let sent: Vec<_> = provider
        .requests()
        .into_iter()
        .filter(|request| request.path == "/v1/embeddings")
        .collect();
    assert_eq!(sent.len(), 1, "one call embeds all three texts");
    assert_eq!(sent[0].body["model"], "scripted-embedder");
    assert_eq!(sent[0].body["input"], serde_json::json!(texts));
}

fn search_for(text: &str) -> FileSearchQuery {
    FileSearchQuery {
        query: text.to_owned(),
        max_num_results: 5,
        score_threshold: 0.0,
    }
}

#[tokio::test]
async fn a_file_that_was_never_indexed_becomes_searchable_when_indexed_again() {
    let dir = tempfile::tempdir().unwrap();
    let (store_id, file_id) = {
        // No workers: the batch is cancelled before its file is read.
        let (engine, _provider) = engine_in(dir.path(), 0).await;
        let file = upload(&engine, "boiler.txt", "The boiler was serviced in March.").await;
        let store = engine
            .create_vector_store(CreateVectorStoreRequest::default())
            .unwrap();
        let batch = engine
            .create_file_batch(
                &store.id,
                CreateVectorStoreFileBatchRequest {
                    file_ids: Some(vec![file.clone()]),
                    ..Default::default()
                },
            )
            .unwrap();
        engine.cancel_file_batch(&store.id, &batch.id).unwrap();
        (store.id, file)
    };
    let (engine, _provider) = engine_in(dir.path(), 2).await;
    let ids = [store_id.clone()];
    let before = engine
        .search_vector_stores(&ids, &search_for("boiler serviced"))
        .await
        .unwrap();
    assert!(before.is_empty(), "a cancelled file has no chunks to find");

    let restarted = engine
        .reindex_vector_store_file(&store_id, &file_id)
        .unwrap();
    assert_eq!(restarted.status, VectorStoreFileStatus::InProgress);
    assert_eq!(
        engine
            .get_vector_store(&store_id)
            .unwrap()
            .file_counts
            .in_progress,
        1,
        "the store counts the file as being indexed"
    );
    engine
        .vector_stores_settled(&ids, Duration::from_secs(20))
        .await
        .unwrap();
    let file = engine.get_vector_store_file(&store_id, &file_id).unwrap();
    assert_eq!(file.status, VectorStoreFileStatus::Completed);
    assert!(file.usage_bytes > 0, "the file's chunks count in its size");
    let store = engine.get_vector_store(&store_id).unwrap();
    assert_eq!(store.file_counts.completed, 1);
    assert_eq!(store.file_counts.cancelled, 0);
    let after = engine
        .search_vector_stores(&ids, &search_for("boiler serviced"))
        .await
        .unwrap();
    assert_eq!(after.len(), 1, "the passage is found once indexed");
    assert!(after[0].text.contains("serviced in March"));
}

#[tokio::test]
async fn indexing_again_keeps_attributes_and_chunking_and_refuses_a_file_still_in_progress() {
    use hearth_wire::{AttributeValue, ChunkingStrategy, ChunkingStrategyRequest, StaticChunking};
    let dir = tempfile::tempdir().unwrap();
    let (engine, _provider) = engine_in(dir.path(), 2).await;
    let file_id = upload(
        &engine,
        "notes.md",
        "# Heating\n\nThe boiler was serviced in March.",
    )
    .await;
    let store = engine
        .create_vector_store(CreateVectorStoreRequest::default())
        .unwrap();
    let sizes = StaticChunking {
        max_chunk_size_tokens: 200,
        chunk_overlap_tokens: 50,
    };
    let attributes = std::collections::BTreeMap::from([(
        "room".to_owned(),
        AttributeValue::String("cellar".into()),
    )]);
    engine
        .create_vector_store_file(
            &store.id,
            CreateVectorStoreFileRequest {
                file_id: file_id.clone(),
                chunking_strategy: Some(ChunkingStrategyRequest::Static { static_: sizes }),
                attributes: Some(attributes.clone()),
            },
        )
        .unwrap();
    let ids = [store.id.clone()];
    engine
        .vector_stores_settled(&ids, Duration::from_secs(20))
        .await
        .unwrap();
    let first = engine
        .search_vector_stores(&ids, &search_for("boiler"))
        .await
        .unwrap();

    engine
        .reindex_vector_store_file(&store.id, &file_id)
        .unwrap();
    let refused = engine
        .reindex_vector_store_file(&store.id, &file_id)
        .unwrap_err();
    assert!(
        refused.to_string().contains("still being indexed"),
        "a second request while indexing says why: {refused}"
    );
    engine
        .vector_stores_settled(&ids, Duration::from_secs(20))
        .await
        .unwrap();
    let file = engine.get_vector_store_file(&store.id, &file_id).unwrap();
    assert_eq!(file.status, VectorStoreFileStatus::Completed);
    assert_eq!(file.attributes, Some(attributes), "attributes are kept");
    assert_eq!(
        file.chunking_strategy,
        Some(ChunkingStrategy::Static { static_: sizes }),
        "the chunking strategy is kept"
    );
    let again = engine
        .search_vector_stores(&ids, &search_for("boiler"))
        .await
        .unwrap();
    assert_eq!(
        again, first,
        "the same passages are found, page and heading too"
    );
    assert_eq!(again[0].heading.as_deref(), Some("Heating"));

    let missing = engine
        .reindex_vector_store_file(&store.id, "file-nope")
        .unwrap_err();
    assert_eq!(missing.status(), 404, "{missing}");
}

/// The built-in embedder's model folder the scripts fill.
fn test_embedder() -> hearth_engine::BuiltinEmbedder {
    let dir = std::env::var_os("HEARTH_TEST_EMBEDDER").expect(
        "HEARTH_TEST_EMBEDDER must name the built-in embedder's model folder; \
         `source scripts/env.sh` sets it and scripts/embedder-model.sh fills it",
    );
    hearth_engine::BuiltinEmbedder::load(Path::new(&dir)).unwrap()
}

#[tokio::test]
async fn an_embedder_set_up_while_running_gives_existing_files_vectors() {
    let dir = tempfile::tempdir().unwrap();
    let (engine, _provider) = engine_in(dir.path(), 2).await;
    let boiler = upload(
        &engine,
        "boiler.txt",
        "The boiler in the cellar was serviced by a plumber in March. He bled the radiators.",
    )
    .await;
    let receipts = upload(
        &engine,
        "receipts.txt",
        "Receipts for donations are kept in the blue folder until the annual return is filed.",
    )
    .await;
    let store = engine
        .create_vector_store(with_files(&[boiler, receipts]))
        .unwrap();
    let ids = std::slice::from_ref(&store.id);
    engine
        .vector_stores_settled(ids, Duration::from_secs(10))
        .await
        .unwrap();
    let search = |query: &str| FileSearchQuery {
        query: query.into(),
        max_num_results: 5,
        score_threshold: 0.0,
    };

    // Without an embedder, search is by keyword, and works.
    assert_eq!(engine.embedding_model(), None);
    let hits = engine
        .search_vector_stores(ids, &search("donations folder"))
        .await
        .unwrap();
    assert_eq!(hits[0].filename, "receipts.txt", "keywords find the note");
    let paraphrase = "Who fixed our central heating?";
    let hits = engine
        .search_vector_stores(ids, &search(paraphrase))
        .await
        .unwrap();
    assert!(hits.is_empty(), "no word of the question is in the notes");

    // Set up while the engine runs: the files get vectors and the paraphrase is found.
    engine.use_embedder(Arc::new(test_embedder())).unwrap();
    assert_eq!(
        engine.embedding_model().as_deref(),
        Some("all-MiniLM-L6-v2")
    );
    engine
        .vector_stores_settled(ids, Duration::from_secs(60))
        .await
        .unwrap();
    let indexed = engine.get_vector_store(&store.id).unwrap();
    assert_eq!(
        indexed.file_counts.completed, 2,
        "both files are indexed again"
    );
    let hits = engine
        .search_vector_stores(ids, &search(paraphrase))
        .await
        .unwrap();
    assert_eq!(
        hits.first().map(|hit| hit.filename.as_str()),
        Some("boiler.txt"),
        "the embedder finds the note about the boiler: {hits:?}"
    );
}
