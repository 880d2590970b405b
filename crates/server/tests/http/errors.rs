//! Error envelopes for everything that can go wrong before the engine does any work.

use std::time::Duration;

use hearth_scripted::Script;
use serde_json::{Value, json};

use crate::support::start;

async fn envelope(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: Value = response.json().await.unwrap();
    let error = body["error"].as_object().expect("an `error` object");
    let mut keys: Vec<&str> = error.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["code", "message", "param", "type"],
        "all four keys, always"
    );
    body["error"].clone()
}

#[tokio::test]
async fn unknown_objects_are_404s_in_the_hosted_words() {
    let server = start(vec![]).await;
    let error = envelope(
        server.get("/v1/assistants/asst_nope").send().await.unwrap(),
        404,
    )
    .await;
    assert_eq!(error["message"], "No assistant found with id 'asst_nope'.");
    assert_eq!(error["type"], "invalid_request_error");
    let error = envelope(
        server.get("/v1/threads/thread_nope").send().await.unwrap(),
        404,
    )
    .await;
    assert_eq!(error["message"], "No thread found with id 'thread_nope'.");
    let error = envelope(
        server.get("/v1/models/no-such-model").send().await.unwrap(),
        404,
    )
    .await;
    assert_eq!(error["code"], "model_not_found");
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_get_envelopes() {
    let server = start(vec![]).await;
    let error = envelope(server.get("/v1/nowhere").send().await.unwrap(), 404).await;
    assert_eq!(error["message"], "Unknown request URL: GET /v1/nowhere.");
    let wrong = server
        .http
        .delete(server.url("/v1/threads"))
        .bearer_auth(crate::support::TOKEN)
        .header("OpenAI-Beta", "assistants=v2")
        .send()
        .await
        .unwrap();
    let error = envelope(wrong, 405).await;
    assert_eq!(
        error["message"],
        "Invalid method for URL (DELETE /v1/threads)."
    );
}

#[tokio::test]
async fn unknown_files_and_vector_stores_are_404s_in_the_hosted_words() {
    let server = start(vec![]).await;
    let error = envelope(server.get("/v1/files/file-nope").send().await.unwrap(), 404).await;
    assert_eq!(error["message"], "No such File object: file-nope");
    let error = envelope(
        server
            .post(
                "/v1/vector_stores/vs_1/files",
                &json!({"file_id": "file-1"}),
            )
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    assert_eq!(error["message"], "No vector store found with id 'vs_1'.");
}

#[tokio::test]
async fn bodies_are_checked_before_anything_happens() {
    let server = start(vec![]).await;
    let malformed = server
        .http
        .post(server.url("/v1/assistants"))
        .bearer_auth(crate::support::TOKEN)
        .header("OpenAI-Beta", "assistants=v2")
        .header("Content-Type", "application/json")
        .body("{\"model\":")
        .send()
        .await
        .unwrap();
    let error = envelope(malformed, 400).await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("We could not parse the JSON body")
    );

    let unknown = server
        .post("/v1/assistants", &json!({"model": "m", "colour": "red"}))
        .send()
        .await
        .unwrap();
    let error = envelope(unknown, 400).await;
    assert_eq!(
        error["message"],
        "Unrecognized request argument supplied: colour"
    );
    assert_eq!(error["param"], "colour");

    // py sends bodiless POSTs with a JSON content type: an empty body is `{}`.
    let empty = server
        .http
        .post(server.url("/v1/threads"))
        .bearer_auth(crate::support::TOKEN)
        .header("OpenAI-Beta", "assistants=v2")
        .header("Content-Type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 200);
}

#[tokio::test]
async fn bad_list_parameters_are_400_envelopes() {
    let server = start(vec![]).await;
    for (query, param) in [
        ("limit=ten", "limit"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("order=sideways", "order"),
    ] {
        let response = server
            .get(&format!("/v1/assistants?{query}"))
            .send()
            .await
            .unwrap();
        let error = envelope(response, 400).await;
        assert_eq!(error["param"], param, "{query} should blame {param}");
    }
}

#[tokio::test]
async fn a_second_run_on_a_busy_thread_is_refused() {
    let slow = Script::text(["a", "b", "c", "d"]).delay(Duration::from_millis(300));
    let server = start(vec![slow]).await;
    let assistant = server.assistant(false).await;
    let thread = server.thread().await;
    let path = format!("/v1/threads/{thread}/runs");
    let first = server
        .post_ok(&path, &json!({"assistant_id": assistant}))
        .await;
    assert_eq!(first["status"], "queued");
    let second = server
        .post(&path, &json!({"assistant_id": assistant, "stream": true}))
        .send()
        .await
        .unwrap();
    let error = envelope(second, 400).await;
    assert_eq!(
        error["message"],
        format!(
            "Thread {thread} already has an active run {}.",
            first["id"].as_str().unwrap()
        )
    );
    let message = server
        .post(
            &format!("/v1/threads/{thread}/messages"),
            &json!({"role": "user", "content": "more"}),
        )
        .send()
        .await
        .unwrap();
    envelope(message, 400).await;
}
