//! Real documents through the server: PDFs parsed page by page and searched, attribute filters and
//! score thresholds, a broken PDF failing alone, hybrid search with the built-in embedder finding a
//! paraphrase that keywords miss, and a provider embedder that fails.

use std::sync::Arc;

use hearth_engine::{BuiltinEmbedder, FileSearchQuery, ProviderEmbedder};
use serde_json::{Value, json};

use crate::support::{Server, start, start_with};

/// A test file of the documents crate (written by real PDF writers; see its README).
fn document(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/../documents/tests/files/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|error| panic!("{path} should be readable: {error}"))
}

/// Small chunks, so each page of a short PDF is a chunk of its own.
const SMALL_CHUNKS: &str =
    r#"{"type": "static", "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 0}}"#;

/// A settled vector store holding `file_ids`, chunked small.
async fn store_of(server: &Server, file_ids: &[&str]) -> String {
    let chunking: Value = serde_json::from_str(SMALL_CHUNKS).unwrap();
    let created = server
        .post_ok(
            "/v1/vector_stores",
            &json!({"file_ids": file_ids, "chunking_strategy": chunking}),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    server.settled_store(&id).await;
    id
}

async fn search(server: &Server, store: &str, body: Value) -> (Value, String) {
    let response = server
        .post(&format!("/v1/vector_stores/{store}/search"), &body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "the search should succeed");
    let mode = response.headers()["hearth-search-mode"]
        .to_str()
        .unwrap()
        .to_owned();
    (response.json().await.unwrap(), mode)
}

fn first_text(page: &Value) -> &str {
    page["data"][0]["content"][0]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("the search should find something: {page}"))
}

#[tokio::test]
async fn a_pdf_is_searched_page_by_page() {
    let server = start(vec![]).await;
    let file = server
        .upload_ok("report.pdf", &document("report.pdf"))
        .await;
    let store = store_of(&server, &[&file]).await;
    let attached = server
        .get_ok(&format!("/v1/vector_stores/{store}/files/{file}"))
        .await;
    assert_eq!(attached["status"], "completed", "{attached}");
    assert!(attached["usage_bytes"].as_u64().unwrap() > 0);
    let stored = server.get_ok(&format!("/v1/vector_stores/{store}")).await;
    assert!(
        stored["usage_bytes"].as_u64().unwrap() > 0,
        "the store counts its chunks' bytes: {stored}"
    );

    let (page, mode) = search(
        &server,
        &store,
        json!({"query": "Which crane must be replaced before winter?"}),
    )
    .await;
    assert_eq!(mode, "keyword");
    assert_eq!(page["data"][0]["filename"], "report.pdf");
    assert!(
        first_text(&page).contains("Crane number four is\nout of service"),
        "the results page comes first: {page}"
    );

    // Chunks do not stop at page ends; each knows the page it starts on.
    let book = server.upload_ok("book.pdf", &document("book.pdf")).await;
    let books = store_of(&server, &[&book]).await;
    let hits = server
        .engine
        .search_vector_stores(
            std::slice::from_ref(&books),
            &FileSearchQuery {
                query: "Chapter 17".to_owned(),
                max_num_results: 5,
                score_threshold: 0.0,
            },
        )
        .await
        .unwrap();
    let top = &hits[0];
    assert_eq!(top.filename, "book.pdf");
    assert!(top.text.contains("Chapter 17"), "{top:?}");
    assert!(
        top.page == Some(17) || (top.page == Some(16) && !top.text.starts_with("Chapter 17")),
        "the chunk starts on page 17, or on 16 and runs into 17's heading: {top:?}"
    );

    let content = server
        .get_ok(&format!("/v1/vector_stores/{store}/files/{file}/content"))
        .await;
    let parts = content["data"].as_array().unwrap();
    assert_eq!(parts.len(), 3, "one text part per page: {content}");
    assert!(parts[0]["text"].as_str().unwrap().contains("Introduction"));
    assert!(parts[1]["text"].as_str().unwrap().contains("Left column"));
    assert!(parts[2]["text"].as_str().unwrap().contains("Café Øresund"));
}

#[tokio::test]
async fn filters_and_score_thresholds_narrow_the_results() {
    let server = start(vec![]).await;
    let report = server
        .upload_ok("report.pdf", &document("report.pdf"))
        .await;
    let notes = server.upload_ok("notes.pdf", &document("notes.pdf")).await;
    let store = store_of(&server, &[&report, &notes]).await;
    for (file, kind) in [(&report, "report"), (&notes, "notes")] {
        server
            .post_ok(
                &format!("/v1/vector_stores/{store}/files/{file}"),
                &json!({"attributes": {"kind": kind}}),
            )
            .await;
    }
    let query = "harbour survey surveyors quay tide";
    let (all, _) = search(&server, &store, json!({"query": query})).await;
    let names: Vec<&str> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["filename"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"report.pdf") && names.contains(&"notes.pdf"),
        "both files tell of the survey: {names:?}"
    );

    let (notes_only, _) = search(
        &server,
        &store,
        json!({"query": query, "filters": {"type": "eq", "key": "kind", "value": "notes"}}),
    )
    .await;
    let hits = notes_only["data"].as_array().unwrap();
    assert!(!hits.is_empty(), "the notes match: {notes_only}");
    assert!(
        hits.iter()
            .all(|hit| hit["filename"] == "notes.pdf"
                && hit["attributes"] == json!({"kind": "notes"})),
        "the filter keeps only the notes: {notes_only}"
    );

    let scores: Vec<f64> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["score"].as_f64().unwrap())
        .collect();
    let (best, worst) = (scores[0], scores[scores.len() - 1]);
    assert!(
        best > worst && scores.iter().all(|score| (0.0..=1.0).contains(score)),
        "scores in [0, 1], best first: {scores:?}"
    );
    let threshold = (best + worst) / 2.0;
    let (strict, _) = search(
        &server,
        &store,
        json!({"query": query, "ranking_options": {"score_threshold": threshold}}),
    )
    .await;
    let strict = strict["data"].as_array().unwrap();
    assert!(
        !strict.is_empty() && strict.len() < scores.len(),
        "a threshold between the best and the worst score keeps fewer hits ({} of {})",
        strict.len(),
        scores.len()
    );
    assert!(
        strict
            .iter()
            .all(|hit| hit["score"].as_f64().unwrap() >= threshold),
        "every hit kept scores at least the threshold {threshold}: {strict:?}"
    );
}

#[tokio::test]
async fn a_truncated_pdf_fails_alone_and_says_why() {
    let server = start(vec![]).await;
    let good = server
        .upload_ok("report.pdf", &document("report.pdf"))
        .await;
    let broken = server
        .upload_ok("truncated.pdf", &document("truncated.pdf"))
        .await;
    let store = store_of(&server, &[&good, &broken]).await;
    let counts = server.get_ok(&format!("/v1/vector_stores/{store}")).await["file_counts"].clone();
    assert_eq!(counts["completed"], 1, "{counts}");
    assert_eq!(counts["failed"], 1, "{counts}");
    let failed = server
        .get_ok(&format!("/v1/vector_stores/{store}/files/{broken}"))
        .await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["last_error"]["code"], "invalid_file");
    let message = failed["last_error"]["message"].as_str().unwrap();
    assert!(
        message.contains("truncated.pdf"),
        "the message names the file: {message}"
    );
    let (page, _) = search(&server, &store, json!({"query": "crane moorings"})).await;
    assert!(
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|hit| hit["filename"] == "report.pdf"),
        "the failed file is not searchable: {page}"
    );
}

/// Four notes on unrelated household topics; none uses the words of [`PARAPHRASE`].
const NOTES: [(&str, &str); 4] = [
    (
        "boiler.txt",
        "The boiler in the cellar was serviced by a plumber in March. He bled the radiators and \
         replaced a leaking valve on the hot water pipe.",
    ),
    (
        "garden.txt",
        "Tomatoes and beans grow along the south fence. The roses are pruned in February and fed \
         with compost.",
    ),
    (
        "car.txt",
        "The tyres were changed before the long drive north. Its insurance renews every October.",
    ),
    (
        "receipts.txt",
        "Receipts for donations are kept in the blue folder until the annual return is filed.",
    ),
];

/// Asks about the boiler note in words it does not contain.
const PARAPHRASE: &str = "Who fixed our central heating?";

async fn notes_store(server: &Server) -> String {
    let mut ids = Vec::new();
    for (name, text) in NOTES {
        ids.push(server.upload_ok(name, text.as_bytes()).await);
    }
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    store_of(server, &ids).await
}

#[tokio::test]
async fn the_built_in_embedder_finds_a_paraphrase_keywords_miss() {
    let dir = std::env::var_os("HEARTH_TEST_EMBEDDER").expect(
        "HEARTH_TEST_EMBEDDER must name the built-in embedder's model folder; \
         `source scripts/env.sh` sets it and scripts/embedder-model.sh fills it",
    );
    let embedder = BuiltinEmbedder::load(std::path::Path::new(&dir)).unwrap();

    let keyword_only = start(vec![]).await;
    let store = notes_store(&keyword_only).await;
    let (page, mode) = search(&keyword_only, &store, json!({"query": PARAPHRASE})).await;
    assert_eq!(mode, "keyword");
    assert_eq!(
        page["data"],
        json!([]),
        "no word of the question is in the notes, so keywords find nothing"
    );

    let hybrid = start_with(vec![], |config| config.embedder = Some(Arc::new(embedder))).await;
    let store = notes_store(&hybrid).await;
    let (page, mode) = search(&hybrid, &store, json!({"query": PARAPHRASE})).await;
    assert_eq!(mode, "hybrid; model=all-MiniLM-L6-v2");
    assert_eq!(
        page["data"][0]["filename"], "boiler.txt",
        "the note about the boiler answers the question: {page}"
    );
    assert!(first_text(&page).contains("plumber"));
    // Keywords still count: an exact word finds its note first.
    let (page, _) = search(&hybrid, &store, json!({"query": "donations folder"})).await;
    assert_eq!(page["data"][0]["filename"], "receipts.txt", "{page}");
}

#[tokio::test]
async fn a_failing_embedder_fails_the_file_with_the_providers_answer() {
    let provider = hearth_scripted::ScriptedOpenAi::start(vec![]).await;
    provider.fail_embeddings(503, "the embedding model is still loading");
    let embedder = ProviderEmbedder::new(provider.base_url(), None, "scripted-embedder");
    let server = start_with(vec![], |config| config.embedder = Some(Arc::new(embedder))).await;
    let file = server.upload_ok("boiler.txt", NOTES[0].1.as_bytes()).await;
    let store = store_of(&server, &[&file]).await;
    let failed = server
        .get_ok(&format!("/v1/vector_stores/{store}/files/{file}"))
        .await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["last_error"]["code"], "server_error");
    let message = failed["last_error"]["message"].as_str().unwrap();
    assert!(
        message.contains("scripted-embedder")
            && message.contains("503")
            && message.contains("still loading"),
        "the message says which model failed and how: {message}"
    );
    let stored = server.get_ok(&format!("/v1/vector_stores/{store}")).await;
    assert_eq!(stored["usage_bytes"], 0, "a failed file keeps no chunks");
}
