//! `/v1/files` over real multipart uploads: the object, listing, content, deletion, identical bytes
//! kept once, the size limit and uploads that break off.

use std::io::{Read, Write};

use hearth_client::FileUpload;
use serde_json::{Value, json};

use crate::support::{TOKEN, start, start_with};

fn count_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| entries.count())
        .unwrap_or(0)
}

#[tokio::test]
async fn an_upload_is_listed_retrieved_read_back_and_deleted() {
    let server = start(vec![]).await;
    let text = b"# Notes\n\nThe lighthouse keeper logs the weather at dawn.\n";
    let response = server.upload("notes.md", text, "assistants").await;
    assert_eq!(response.status(), 200);
    let file: Value = response.json().await.unwrap();
    assert_eq!(file["object"], "file");
    assert_eq!(file["bytes"], text.len());
    assert_eq!(file["filename"], "notes.md");
    assert_eq!(file["purpose"], "assistants");
    assert_eq!(file["status"], "processed");
    let id = file["id"].as_str().unwrap();
    assert!(id.starts_with("file-"), "file ids start with file-: {id}");

    let listed = server.get_ok("/v1/files?purpose=assistants").await;
    assert_eq!(listed["object"], "list");
    assert_eq!(listed["data"][0]["id"], id);
    let other = server.get_ok("/v1/files?purpose=batch").await;
    assert_eq!(
        other["data"],
        json!([]),
        "the purpose filter leaves other files out"
    );
    assert_eq!(server.get_ok(&format!("/v1/files/{id}")).await, file);

    let content = server
        .get(&format!("/v1/files/{id}/content"))
        .send()
        .await
        .unwrap();
    assert_eq!(content.status(), 200);
    assert_eq!(content.headers()["content-type"], "text/markdown");
    assert_eq!(content.bytes().await.unwrap().as_ref(), text);

    let deleted: Value = server
        .http
        .delete(server.url(&format!("/v1/files/{id}")))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        deleted,
        json!({"id": id, "object": "file", "deleted": true})
    );
    let gone = server.get(&format!("/v1/files/{id}")).send().await.unwrap();
    assert_eq!(gone.status(), 404);
    assert_eq!(
        count_in(&server.files_dir().join("blobs")),
        0,
        "the bytes went with the file"
    );
}

#[tokio::test]
async fn identical_bytes_are_stored_once_and_kept_while_a_file_uses_them() {
    let server = start(vec![]).await;
    let first = server.upload_ok("a.txt", b"same words").await;
    let second = server.upload_ok("b.txt", b"same words").await;
    assert_ne!(first, second, "each upload is its own file");
    let blobs = server.files_dir().join("blobs");
    assert_eq!(count_in(&blobs), 1, "identical bytes should be kept once");
    server
        .http
        .delete(server.url(&format!("/v1/files/{first}")))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    let content = server
        .get(&format!("/v1/files/{second}/content"))
        .send()
        .await
        .unwrap();
    assert_eq!(content.bytes().await.unwrap().as_ref(), b"same words");
    assert_eq!(count_in(&blobs), 1);
}

#[tokio::test]
async fn an_upload_past_the_limit_is_a_413_naming_the_limit_and_leaves_nothing() {
    let server = start_with(vec![], |config| config.upload_limit = 1024).await;
    let response = server.upload("big.bin", &[7u8; 8192], "assistants").await;
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.unwrap();
    let error = &body["error"];
    assert_eq!(error["type"], "invalid_request_error");
    assert_eq!(error["code"], "file_too_large");
    assert_eq!(error["param"], "file");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("big.bin") && message.contains("1024 bytes"),
        "the message should name the file and the limit: {message}"
    );
    assert_eq!(server.get_ok("/v1/files").await["data"], json!([]));
    assert_eq!(
        count_in(&server.files_dir().join("tmp")),
        0,
        "no partial bytes are left"
    );
}

#[tokio::test]
async fn an_upload_that_breaks_off_leaves_nothing_listed() {
    let server = start(vec![]).await;
    let address = server.origin.trim_start_matches("http://").to_owned();
    let head = format!(
        "POST /v1/files HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: multipart/form-data; boundary=XYZ\r\nContent-Length: 100000\r\n\r\n\
         --XYZ\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nassistants\r\n\
         --XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.txt\"\r\n\r\n\
         only the first part of the bytes"
    );
    tokio::task::spawn_blocking(move || {
        let mut socket = std::net::TcpStream::connect(address).unwrap();
        socket.write_all(head.as_bytes()).unwrap();
        socket.flush().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(200));
        // Closing mid-body is what a crash or a lost connection looks like to the server.
        drop(socket);
    })
    .await
    .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(server.get_ok("/v1/files").await["data"], json!([]));
    assert_eq!(
        count_in(&server.files_dir().join("tmp")),
        0,
        "the partial upload is removed"
    );
    assert_eq!(count_in(&server.files_dir().join("blobs")), 0);
}

#[tokio::test]
async fn purposes_are_checked_and_assistants_output_is_hearths_own() {
    let server = start(vec![]).await;
    let response = server.upload("x.txt", b"x", "assistants_output").await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["param"], "purpose");
    let response = server.upload("x.txt", b"x", "pictures").await;
    assert_eq!(response.status(), 400);
    let listed = server.get_ok("/v1/files").await;
    assert_eq!(listed["data"], json!([]), "refused uploads are not kept");
    assert_eq!(count_in(&server.files_dir().join("tmp")), 0);
}

#[tokio::test]
async fn lists_page_with_after_and_order_up_to_ten_thousand() {
    let server = start(vec![]).await;
    let mut ids = Vec::new();
    for index in 0..3 {
        ids.push(
            server
                .upload_ok(&format!("{index}.txt"), format!("file {index}").as_bytes())
                .await,
        );
    }
    let page = server.get_ok("/v1/files?order=asc&limit=2").await;
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    assert_eq!(page["has_more"], true);
    let after = page["last_id"].as_str().unwrap();
    let rest = server
        .get_ok(&format!("/v1/files?order=asc&after={after}"))
        .await;
    assert_eq!(rest["data"][0]["id"], ids[2]);
    assert_eq!(
        server.get_ok("/v1/files?limit=10000").await["data"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let too_many = server.get("/v1/files?limit=10001").send().await.unwrap();
    assert_eq!(too_many.status(), 400);
}

#[tokio::test]
async fn the_client_uploads_lists_and_downloads_against_the_server() {
    let server = start(vec![]).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.txt");
    std::fs::write(&path, "Quarterly report: revenue rose by a tenth.").unwrap();
    let client = server.client();
    let file = client
        .upload_file(&FileUpload::new(&path, "assistants"))
        .await
        .unwrap();
    assert_eq!(file.filename, "report.txt");
    let page = client.list_files(&Default::default()).await.unwrap();
    assert_eq!(page.data[0].id, file.id);
    let bytes = client.file_content(&file.id).await.unwrap();
    assert_eq!(
        bytes.as_ref(),
        b"Quarterly report: revenue rose by a tenth."
    );
    let target = dir.path().join("copy.txt");
    client.download_file(&file.id, &target).await.unwrap();
    let mut copy = String::new();
    std::fs::File::open(&target)
        .unwrap()
        .read_to_string(&mut copy)
        .unwrap();
    assert_eq!(copy, "Quarterly report: revenue rose by a tenth.");
    let store = client
        .create_vector_store(&json!({"name": "reports", "file_ids": [file.id]}))
        .await
        .unwrap();
    assert_eq!(store.file_counts.total, 1);
    let settled = server.settled_store(&store.id).await;
    assert_eq!(settled["file_counts"]["completed"], 1);
    let results = client
        .search_vector_store(&store.id, &json!({"query": "revenue"}))
        .await
        .unwrap();
    assert_eq!(results.search_query, vec!["revenue"]);
    client.delete_file(&file.id).await.unwrap();
    let store = client.retrieve_vector_store(&store.id).await.unwrap();
    assert_eq!(store.file_counts.total, 0, "deleting the file detaches it");
}
