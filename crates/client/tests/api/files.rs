//! Uploads streamed from disk with progress, downloads streamed to disk.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hearth_client::{Error, FileUpload};
use serde_json::json;

use crate::fixtures;
use crate::server::{Reply, TestServer};

fn file_object(bytes: usize) -> Reply {
    Reply::json(200, fixtures::file("file-abc", bytes))
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn upload_streams_the_file_and_reports_progress_up_to_the_total() {
    let content = pattern(300_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.bin");
    std::fs::write(&path, &content).unwrap();
    let server = TestServer::start(|req, _| file_object(req.body.len())).await;
    let (client, _) = server.client();
    let seen: Arc<Mutex<Vec<(u64, u64)>>> = Arc::default();
    let sink = seen.clone();
    let upload = FileUpload::new(&path, "assistants")
        .expires_after(3600)
        .on_progress(move |sent, total| {
            sink.lock().unwrap().push((sent, total));
        });
    let file = client.upload_file(&upload).await.unwrap();
    assert_eq!(file.id, "file-abc");

    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.len() > 1,
        "a 300 kB file should report progress more than once"
    );
    assert_eq!(
        seen.last(),
        Some(&(300_000, 300_000)),
        "progress must reach the total"
    );
    assert!(
        seen.windows(2).all(|w| w[0].0 < w[1].0),
        "progress must only grow"
    );

    let req = &server.requests()[0];
    assert!(
        req.header("content-type")
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    assert_eq!(req.header("openai-beta"), None, "files take no beta header");
    assert!(
        contains(&req.body, b"filename=\"data.bin\""),
        "the part carries the file name"
    );
    assert!(contains(
        &req.body,
        b"name=\"purpose\"\r\n\r\nassistants\r\n"
    ));
    assert!(contains(
        &req.body,
        b"name=\"expires_after[anchor]\"\r\n\r\ncreated_at\r\n"
    ));
    assert!(contains(
        &req.body,
        b"name=\"expires_after[seconds]\"\r\n\r\n3600\r\n"
    ));
    assert!(
        contains(&req.body, &content),
        "the whole file is in the body, unchanged"
    );
}

#[tokio::test]
async fn upload_is_resent_whole_on_retry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("retry.txt");
    std::fs::write(&path, b"resend me").unwrap();
    let server = TestServer::start(|req, n| {
        if n == 0 {
            Reply::raw(503, "busy")
        } else {
            file_object(req.body.len())
        }
    })
    .await;
    let (client, _) = server.client();
    client
        .upload_file(&FileUpload::new(&path, "assistants").file_name("custom.txt"))
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        contains(&requests[1].body, b"resend me"),
        "the retry must carry the file from its start"
    );
    assert!(
        contains(&requests[1].body, b"filename=\"custom.txt\""),
        "the override name is used"
    );
}

#[tokio::test]
async fn upload_of_a_missing_file_names_the_path() {
    let server = TestServer::start(|_, _| file_object(0)).await;
    let (client, _) = server.client();
    let missing = std::path::Path::new("/nonexistent/hearth/file.bin");
    match client
        .upload_file(&FileUpload::new(missing, "assistants"))
        .await
    {
        Err(Error::Io { path, .. }) => assert_eq!(path, missing),
        other => panic!("expected an I/O error, got {other:?}"),
    }
    assert!(
        server.requests().is_empty(),
        "nothing is sent when the file cannot be read"
    );
}

#[tokio::test]
async fn download_streams_to_disk() {
    let content = pattern(1 << 20);
    let served = content.clone();
    let server = TestServer::start(move |_, _| Reply {
        status: 200,
        headers: vec![("content-type".into(), "application/octet-stream".into())],
        chunks: served.chunks(100_000).map(<[u8]>::to_vec).collect(),
        delay: Duration::ZERO,
    })
    .await;
    let (client, _) = server.client();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out.bin");
    let written = client.download_file("file-abc", &dest).await.unwrap();
    assert_eq!(written, content.len() as u64);
    assert_eq!(
        std::fs::read(&dest).unwrap(),
        content,
        "the file on disk equals what was served"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["out.bin"], "no temporary file is left behind");
    let req = &server.requests()[0];
    assert_eq!(req.path, "/v1/files/file-abc/content");
    assert_eq!(req.header("accept"), Some("application/binary"));
}

#[tokio::test]
async fn failed_download_leaves_no_file() {
    let server = TestServer::start(|_, _| {
        Reply::json(404, json!({"error": {"message": "No such File object: file-x", "type": "invalid_request_error", "param": "id", "code": null}}))
    })
    .await;
    let (client, _) = server.client();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out.bin");
    let e = client.download_file("file-x", &dest).await.unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(404));
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing may be written on failure"
    );
}
