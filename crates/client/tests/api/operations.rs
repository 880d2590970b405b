//! Every operation sends the right method, path, headers and body.

use hearth_client::{Client, FileUpload, INCLUDE_FILE_SEARCH_CONTENT, ListQuery};
use serde_json::json;

use crate::fixtures::answer_for;
use crate::server::{Recorded, Reply, TOKEN, TestServer};

/// What a conforming server answers to this request.
fn conforming(req: &Recorded) -> Reply {
    Reply::json(200, answer_for(&req.method, &req.path)).header("x-request-id", "req_ok")
}

/// Calls every operation once, in a fixed order.
async fn call_everything(c: &Client, upload_path: &std::path::Path, download_to: &std::path::Path) {
    let body = json!({"k": "v"});
    let q = ListQuery::default();
    c.create_assistant(&body).await.unwrap();
    c.retrieve_assistant("asst_1").await.unwrap();
    c.modify_assistant("asst_1", &body).await.unwrap();
    c.delete_assistant("asst_1").await.unwrap();
    c.list_assistants(&q).await.unwrap();
    c.create_thread(&body).await.unwrap();
    c.retrieve_thread("thread_1").await.unwrap();
    c.modify_thread("thread_1", &body).await.unwrap();
    c.delete_thread("thread_1").await.unwrap();
    c.create_thread_and_run(&body).await.unwrap();
    c.create_message("thread_1", &body).await.unwrap();
    c.retrieve_message("thread_1", "msg_1").await.unwrap();
    c.modify_message("thread_1", "msg_1", &body).await.unwrap();
    c.delete_message("thread_1", "msg_1").await.unwrap();
    c.list_messages("thread_1", &q.clone().param("run_id", "run_1"))
        .await
        .unwrap();
    c.create_run("thread_1", &body, &[INCLUDE_FILE_SEARCH_CONTENT])
        .await
        .unwrap();
    c.retrieve_run("thread_1", "run_1").await.unwrap();
    c.modify_run("thread_1", "run_1", &body).await.unwrap();
    c.cancel_run("thread_1", "run_1").await.unwrap();
    c.submit_tool_outputs("thread_1", "run_1", &body)
        .await
        .unwrap();
    c.list_runs("thread_1", &q).await.unwrap();
    c.retrieve_run_step("thread_1", "run_1", "step_1", &[])
        .await
        .unwrap();
    c.list_run_steps("thread_1", "run_1", &q).await.unwrap();
    c.upload_file(&FileUpload::new(upload_path, "assistants"))
        .await
        .unwrap();
    c.retrieve_file("file-1").await.unwrap();
    c.delete_file("file-1").await.unwrap();
    c.list_files(&q).await.unwrap();
    c.download_file("file-1", download_to).await.unwrap();
    c.create_vector_store(&body).await.unwrap();
    c.retrieve_vector_store("vs_1").await.unwrap();
    c.modify_vector_store("vs_1", &body).await.unwrap();
    c.delete_vector_store("vs_1").await.unwrap();
    c.list_vector_stores(&q).await.unwrap();
    c.search_vector_store("vs_1", &body).await.unwrap();
    c.create_vector_store_file("vs_1", &body).await.unwrap();
    c.retrieve_vector_store_file("vs_1", "file-1")
        .await
        .unwrap();
    c.update_vector_store_file("vs_1", "file-1", &body)
        .await
        .unwrap();
    c.delete_vector_store_file("vs_1", "file-1").await.unwrap();
    c.list_vector_store_files("vs_1", &q).await.unwrap();
    c.vector_store_file_content("vs_1", "file-1").await.unwrap();
    c.create_file_batch("vs_1", &body).await.unwrap();
    c.retrieve_file_batch("vs_1", "vsfb_1").await.unwrap();
    c.cancel_file_batch("vs_1", "vsfb_1").await.unwrap();
    c.list_file_batch_files("vs_1", "vsfb_1", &q).await.unwrap();
    c.list_models().await.unwrap();
    c.retrieve_model("gpt-4o").await.unwrap();
    c.delete_model("ft:gpt-4o:me").await.unwrap();
}

/// (method, path, beta header expected, JSON body expected)
const EXPECTED: &[(&str, &str, bool, bool)] = &[
    ("POST", "/v1/assistants", true, true),
    ("GET", "/v1/assistants/asst_1", true, false),
    ("POST", "/v1/assistants/asst_1", true, true),
    ("DELETE", "/v1/assistants/asst_1", true, false),
    ("GET", "/v1/assistants", true, false),
    ("POST", "/v1/threads", true, true),
    ("GET", "/v1/threads/thread_1", true, false),
    ("POST", "/v1/threads/thread_1", true, true),
    ("DELETE", "/v1/threads/thread_1", true, false),
    ("POST", "/v1/threads/runs", true, true),
    ("POST", "/v1/threads/thread_1/messages", true, true),
    ("GET", "/v1/threads/thread_1/messages/msg_1", true, false),
    ("POST", "/v1/threads/thread_1/messages/msg_1", true, true),
    ("DELETE", "/v1/threads/thread_1/messages/msg_1", true, false),
    ("GET", "/v1/threads/thread_1/messages", true, false),
    ("POST", "/v1/threads/thread_1/runs", true, true),
    ("GET", "/v1/threads/thread_1/runs/run_1", true, false),
    ("POST", "/v1/threads/thread_1/runs/run_1", true, true),
    (
        "POST",
        "/v1/threads/thread_1/runs/run_1/cancel",
        true,
        false,
    ),
    (
        "POST",
        "/v1/threads/thread_1/runs/run_1/submit_tool_outputs",
        true,
        true,
    ),
    ("GET", "/v1/threads/thread_1/runs", true, false),
    (
        "GET",
        "/v1/threads/thread_1/runs/run_1/steps/step_1",
        true,
        false,
    ),
    ("GET", "/v1/threads/thread_1/runs/run_1/steps", true, false),
    ("POST", "/v1/files", false, false),
    ("GET", "/v1/files/file-1", false, false),
    ("DELETE", "/v1/files/file-1", false, false),
    ("GET", "/v1/files", false, false),
    ("GET", "/v1/files/file-1/content", false, false),
    ("POST", "/v1/vector_stores", true, true),
    ("GET", "/v1/vector_stores/vs_1", true, false),
    ("POST", "/v1/vector_stores/vs_1", true, true),
    ("DELETE", "/v1/vector_stores/vs_1", true, false),
    ("GET", "/v1/vector_stores", true, false),
    ("POST", "/v1/vector_stores/vs_1/search", true, true),
    ("POST", "/v1/vector_stores/vs_1/files", true, true),
    ("GET", "/v1/vector_stores/vs_1/files/file-1", true, false),
    ("POST", "/v1/vector_stores/vs_1/files/file-1", true, true),
    ("DELETE", "/v1/vector_stores/vs_1/files/file-1", true, false),
    ("GET", "/v1/vector_stores/vs_1/files", true, false),
    (
        "GET",
        "/v1/vector_stores/vs_1/files/file-1/content",
        true,
        false,
    ),
    ("POST", "/v1/vector_stores/vs_1/file_batches", true, true),
    (
        "GET",
        "/v1/vector_stores/vs_1/file_batches/vsfb_1",
        true,
        false,
    ),
    (
        "POST",
        "/v1/vector_stores/vs_1/file_batches/vsfb_1/cancel",
        true,
        false,
    ),
    (
        "GET",
        "/v1/vector_stores/vs_1/file_batches/vsfb_1/files",
        true,
        false,
    ),
    ("GET", "/v1/models", false, false),
    ("GET", "/v1/models/gpt-4o", false, false),
    ("DELETE", "/v1/models/ft%3Agpt-4o%3Ame", false, false),
];

fn check(i: usize, got: &Recorded) {
    let (method, path, beta, json_body) = EXPECTED[i];
    let what = format!("call {i} ({method} {path})");
    assert_eq!(
        (got.method.as_str(), got.path.as_str()),
        (method, path),
        "{what}: wrong method or path"
    );
    assert_eq!(
        got.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str()),
        "{what}: bearer"
    );
    let expected_beta = beta.then_some("assistants=v2");
    assert_eq!(
        got.header("openai-beta"),
        expected_beta,
        "{what}: beta header only where the protocol wants it"
    );
    if json_body {
        assert_eq!(
            got.header("content-type"),
            Some("application/json"),
            "{what}: JSON content type"
        );
        assert_eq!(got.json(), json!({"k": "v"}), "{what}: body sent unchanged");
    } else if method != "POST" || path.ends_with("/cancel") {
        assert!(got.body.is_empty(), "{what}: no body expected");
    }
}

#[tokio::test]
async fn every_operation_hits_its_endpoint_with_the_right_headers() {
    let server = TestServer::start(|req, _| {
        if req.path == "/v1/files/file-1/content" {
            Reply::raw(200, "bytes")
        } else {
            conforming(req)
        }
    })
    .await;
    let (client, _) = server.client();
    let dir = tempfile::tempdir().unwrap();
    let upload = dir.path().join("notes.txt");
    std::fs::write(&upload, "hello").unwrap();
    call_everything(&client, &upload, &dir.path().join("out.bin")).await;
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        EXPECTED.len(),
        "one request per operation, no retries"
    );
    for (i, got) in requests.iter().enumerate() {
        check(i, got);
    }
    let create_run = &requests[15];
    assert_eq!(
        create_run.query_param("include[]").as_deref(),
        Some(INCLUDE_FILE_SEARCH_CONTENT)
    );
    assert_eq!(
        requests[14].query_param("run_id").as_deref(),
        Some("run_1"),
        "message list filter"
    );
}

#[tokio::test]
async fn organization_and_project_headers_only_when_configured() {
    let server = TestServer::start(|req, _| conforming(req)).await;
    let (plain, _) = server.client();
    plain.retrieve_model("m").await.unwrap();
    let (scoped, _) = server.client_with(|c| c.organization("org_1").project("proj_1"));
    scoped.retrieve_model("m").await.unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].header("openai-organization"), None);
    assert_eq!(requests[0].header("openai-project"), None);
    assert_eq!(requests[1].header("openai-organization"), Some("org_1"));
    assert_eq!(requests[1].header("openai-project"), Some("proj_1"));
}

#[tokio::test]
async fn streaming_variants_send_stream_true() {
    let server =
        TestServer::start(|_, _| Reply::sse(vec![b"event: done\ndata: [DONE]\n\n".to_vec()])).await;
    let (client, _) = server.client();
    let body = json!({"assistant_id": "asst_1"});
    client
        .create_run_stream("thread_1", &body, &[])
        .await
        .unwrap();
    client.create_thread_and_run_stream(&body).await.unwrap();
    client
        .submit_tool_outputs_stream("thread_1", "run_1", &json!({"tool_outputs": []}))
        .await
        .unwrap();
    let requests = server.requests();
    let paths: Vec<_> = requests.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/v1/threads/thread_1/runs",
            "/v1/threads/runs",
            "/v1/threads/thread_1/runs/run_1/submit_tool_outputs"
        ]
    );
    for r in &requests {
        assert_eq!(r.json()["stream"], true, "{} must ask for a stream", r.path);
        assert_eq!(r.header("openai-beta"), Some("assistants=v2"));
    }
    assert_eq!(
        requests[0].json()["assistant_id"],
        "asst_1",
        "the caller's fields are kept"
    );
}
