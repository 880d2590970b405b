//! `/v1/vector_stores` end to end: lifecycle, file counts and statuses, a bad file failing alone,
//! batches, attributes, parsed content, search requests and deletion cascades.

use serde_json::{Value, json};

use crate::support::{Server, TOKEN, start};

async fn delete(server: &Server, path: &str) -> Value {
    let response = server
        .http
        .delete(server.url(path))
        .bearer_auth(TOKEN)
        .header("OpenAI-Beta", "assistants=v2")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "DELETE {path} should succeed");
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_vector_store_indexes_its_files_and_reports_them() {
    let server = start(vec![]).await;
    let file = server
        .upload_ok(
            "guide.txt",
            b"Water the ferns every Tuesday. Repot them in spring.",
        )
        .await;
    let created = server
        .post_ok(
            "/v1/vector_stores",
            &json!({"name": "garden", "file_ids": [file], "metadata": {"team": "green"},
                    "chunking_strategy": {"type": "static", "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 50}}}),
        )
        .await;
    assert_eq!(created["object"], "vector_store");
    assert_eq!(created["name"], "garden");
    assert_eq!(created["metadata"], json!({"team": "green"}));
    assert_eq!(created["file_counts"]["total"], 1);
    let id = created["id"].as_str().unwrap();
    let store = server.settled_store(id).await;
    assert_eq!(store["status"], "completed");
    assert_eq!(store["file_counts"]["completed"], 1);
    assert!(store["last_active_at"].is_i64());

    let attached = server
        .get_ok(&format!("/v1/vector_stores/{id}/files/{file}"))
        .await;
    assert_eq!(attached["object"], "vector_store.file");
    assert_eq!(attached["status"], "completed");
    assert_eq!(attached["last_error"], Value::Null);
    assert_eq!(
        attached["chunking_strategy"],
        json!({"type": "static", "static": {"max_chunk_size_tokens": 100, "chunk_overlap_tokens": 50}})
    );
    let completed = server
        .get_ok(&format!("/v1/vector_stores/{id}/files?filter=completed"))
        .await;
    assert_eq!(completed["data"][0]["id"], file);
    let failed = server
        .get_ok(&format!("/v1/vector_stores/{id}/files?filter=failed"))
        .await;
    assert_eq!(failed["data"], json!([]));

    let content = server
        .get_ok(&format!("/v1/vector_stores/{id}/files/{file}/content"))
        .await;
    assert_eq!(content["object"], "vector_store.file_content.page");
    assert!(
        content["data"][0]["text"]
            .as_str()
            .unwrap()
            .contains("Repot them in spring"),
        "the parsed text is returned: {content}"
    );

    let updated = server
        .post_ok(
            &format!("/v1/vector_stores/{id}/files/{file}"),
            &json!({"attributes": {"season": "spring", "year": 2024}}),
        )
        .await;
    assert_eq!(
        updated["attributes"],
        json!({"season": "spring", "year": 2024})
    );

    let renamed = server
        .post_ok(
            &format!("/v1/vector_stores/{id}"),
            &json!({"name": "indoor garden"}),
        )
        .await;
    assert_eq!(renamed["name"], "indoor garden");
    assert_eq!(renamed["file_counts"]["completed"], 1);

    let detached = delete(&server, &format!("/v1/vector_stores/{id}/files/{file}")).await;
    assert_eq!(detached["object"], "vector_store.file.deleted");
    let store = server.get_ok(&format!("/v1/vector_stores/{id}")).await;
    assert_eq!(store["file_counts"]["total"], 0);
    assert_eq!(
        server.get_ok(&format!("/v1/files/{file}")).await["id"],
        file,
        "the file stays"
    );

    let gone = delete(&server, &format!("/v1/vector_stores/{id}")).await;
    assert_eq!(
        gone,
        json!({"id": id, "object": "vector_store.deleted", "deleted": true})
    );
    let missing = server
        .get(&format!("/v1/vector_stores/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn a_bad_file_fails_alone_with_its_name_and_reason() {
    let server = start(vec![]).await;
    let good = server
        .upload_ok("good.txt", b"Plain words that index fine.")
        .await;
    let bad = server
        .upload_ok(
            "scan.bin",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06",
        )
        .await;
    let store = server
        .post_ok("/v1/vector_stores", &json!({"name": "mixed"}))
        .await;
    let id = store["id"].as_str().unwrap();
    let batch = server
        .post_ok(
            &format!("/v1/vector_stores/{id}/file_batches"),
            &json!({"file_ids": [good, bad], "attributes": {"source": "upload"}}),
        )
        .await;
    assert_eq!(batch["object"], "vector_store.files_batch");
    assert_eq!(batch["file_counts"]["total"], 2);
    let batch_id = batch["id"].as_str().unwrap();
    let store = server.settled_store(id).await;
    assert_eq!(store["file_counts"]["completed"], 1);
    assert_eq!(store["file_counts"]["failed"], 1);
    assert_eq!(
        store["status"], "completed",
        "one bad file does not fail the store"
    );

    let failed = server
        .get_ok(&format!("/v1/vector_stores/{id}/files/{bad}"))
        .await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["last_error"]["code"], "unsupported_file");
    let message = failed["last_error"]["message"].as_str().unwrap();
    assert!(
        message.contains("scan.bin"),
        "the message names the file: {message}"
    );
    let fine = server
        .get_ok(&format!("/v1/vector_stores/{id}/files/{good}"))
        .await;
    assert_eq!(fine["status"], "completed");
    assert_eq!(fine["attributes"], json!({"source": "upload"}));

    let batch = server
        .get_ok(&format!("/v1/vector_stores/{id}/file_batches/{batch_id}"))
        .await;
    assert_eq!(batch["status"], "completed");
    assert_eq!(batch["file_counts"]["failed"], 1);
    let listed = server
        .get_ok(&format!(
            "/v1/vector_stores/{id}/file_batches/{batch_id}/files?filter=failed"
        ))
        .await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    assert_eq!(listed["data"][0]["id"], bad);
}

#[tokio::test]
async fn deleting_a_file_detaches_it_from_every_store() {
    let server = start(vec![]).await;
    let file = server
        .upload_ok("shared.txt", b"Shared between two stores.")
        .await;
    let one = server
        .post_ok("/v1/vector_stores", &json!({"file_ids": [file]}))
        .await;
    let two = server
        .post_ok("/v1/vector_stores", &json!({"file_ids": [file]}))
        .await;
    let (one, two) = (one["id"].as_str().unwrap(), two["id"].as_str().unwrap());
    server.settled_store(one).await;
    server.settled_store(two).await;
    delete(&server, &format!("/v1/files/{file}")).await;
    for id in [one, two] {
        let store = server.get_ok(&format!("/v1/vector_stores/{id}")).await;
        assert_eq!(
            store["file_counts"]["total"], 0,
            "{id} should no longer count the file"
        );
        assert_eq!(store["usage_bytes"], 0);
        let missing = server
            .get(&format!("/v1/vector_stores/{id}/files/{file}"))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), 404);
    }
}

#[tokio::test]
async fn requests_are_checked_as_hosted() {
    let server = start(vec![]).await;
    let bad_chunking = server
        .post(
            "/v1/vector_stores",
            &json!({"chunking_strategy": {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 500}}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(bad_chunking.status(), 400);
    let body: Value = bad_chunking.json().await.unwrap();
    assert_eq!(
        body["error"]["param"],
        "chunking_strategy.static.chunk_overlap_tokens"
    );

    let unknown_file = server
        .post("/v1/vector_stores", &json!({"file_ids": ["file-missing"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown_file.status(), 404);
    let listed = server.get_ok("/v1/vector_stores").await;
    assert_eq!(
        listed["data"],
        json!([]),
        "a refused create leaves no store"
    );

    let store = server.post_ok("/v1/vector_stores", &json!({})).await;
    let id = store["id"].as_str().unwrap();
    let too_many = server
        .post(
            &format!("/v1/vector_stores/{id}/search"),
            &json!({"query": "x", "max_num_results": 51}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(too_many.status(), 400);
    let bad_filter = server
        .get(&format!("/v1/vector_stores/{id}/files?filter=done"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_filter.status(), 400);
}

#[tokio::test]
async fn search_answers_a_results_page_and_says_how_it_ranked() {
    let server = start(vec![]).await;
    let file = server
        .upload_ok("tides.txt", b"High tide comes twice a day.")
        .await;
    let store = server
        .post_ok("/v1/vector_stores", &json!({"file_ids": [file]}))
        .await;
    let id = store["id"].as_str().unwrap();
    server.settled_store(id).await;
    let response = server
        .post(
            &format!("/v1/vector_stores/{id}/search"),
            &json!({"query": ["tide", "moon"], "rewrite_query": true,
                    "ranking_options": {"score_threshold": 0.2},
                    "filters": {"type": "eq", "key": "kind", "value": "notes"}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["hearth-search-mode"], "keyword");
    let page: Value = response.json().await.unwrap();
    assert_eq!(page["object"], "vector_store.search_results.page");
    assert_eq!(page["search_query"], json!(["tide", "moon"]));
    assert_eq!(page["has_more"], false);
}
