//! Run streams end to end: awkward chunking, typed events, folding, errors.

use futures_util::StreamExt;
use hearth_client::fold::Snapshots;
use hearth_client::{Error, StreamEvent};
use serde_json::json;

use crate::fixtures;
use crate::server::{Reply, TestServer};

fn frame(event: &str, data: serde_json::Value) -> String {
    format!("event: {event}\r\ndata: {data}\r\n\r\n")
}

/// The canonical plain-text run from the reference, with keep-alives, CRLF line ends and text
/// containing multi-byte characters.
fn canonical_stream() -> Vec<u8> {
    let run = |status: &str| fixtures::run("run_1", status);
    let mut s = String::from(": keep-alive\r\n\r\n");
    s += &frame("thread.run.created", run("queued"));
    s += &frame("thread.run.queued", run("queued"));
    s += &frame("thread.run.in_progress", run("in_progress"));
    s += &frame(
        "thread.run.step.created",
        fixtures::message_creation_step("step_1"),
    );
    s += &frame("thread.message.created", fixtures::message("msg_1", ""));
    s += ": keep-alive\r\n\r\n";
    s += &frame(
        "thread.message.delta",
        json!({"id": "msg_1", "object": "thread.message.delta", "delta": {"content": [{"index": 0, "type": "text", "text": {"value": "Grüß ", "annotations": []}}]}}),
    );
    s += &frame(
        "thread.message.delta",
        json!({"id": "msg_1", "object": "thread.message.delta", "delta": {"content": [{"index": 0, "type": "text", "text": {"value": "dich 🌍"}}]}}),
    );
    s += &frame(
        "thread.message.completed",
        fixtures::message("msg_1", "Grüß dich 🌍"),
    );
    s += &frame("thread.run.new_future_event", json!({"x": 1}));
    s += &frame("thread.run.completed", run("completed"));
    s += "event: done\r\ndata: [DONE]\r\n\r\n";
    s.into_bytes()
}

/// Splits `bytes` into chunks of `size`, so boundaries fall inside lines, CRLFs and characters.
fn chunked(bytes: &[u8], size: usize) -> Vec<Vec<u8>> {
    bytes.chunks(size).map(<[u8]>::to_vec).collect()
}

#[tokio::test]
async fn canonical_run_stream_arrives_typed_and_in_order_whatever_the_chunking() {
    for size in [3, 7, 64, 100_000] {
        let server =
            TestServer::start(move |_, _| Reply::sse(chunked(&canonical_stream(), size))).await;
        let (client, _) = server.client();
        let stream = client
            .create_run_stream("thread_1", &json!({"assistant_id": "asst_1"}), &[])
            .await
            .unwrap();
        let events: Vec<StreamEvent> = stream
            .map(|e| e.expect("every event should decode"))
            .collect()
            .await;
        let names: Vec<&str> = events.iter().map(StreamEvent::name).collect();
        assert_eq!(
            names,
            [
                "thread.run.created",
                "thread.run.queued",
                "thread.run.in_progress",
                "thread.run.step.created",
                "thread.message.created",
                "thread.message.delta",
                "thread.message.delta",
                "thread.message.completed",
                "thread.run.new_future_event",
                "thread.run.completed",
                "done"
            ],
            "chunk size {size} changed the events"
        );
        let mut snapshots = Snapshots::new();
        for e in &events[..7] {
            snapshots.apply(e).unwrap();
        }
        let text = &snapshots.message_json("msg_1").unwrap()["content"][0]["text"]["value"];
        let typed = snapshots
            .message("msg_1")
            .unwrap()
            .expect("the folded message should decode");
        assert_eq!(typed.content.len(), 1, "chunk size {size}: one text part");
        assert_eq!(
            text, "Grüß dich 🌍",
            "chunk size {size}: deltas should fold to the full text"
        );
    }
}

#[tokio::test]
async fn error_event_ends_the_stream_with_an_api_error() {
    let body = format!(
        "{}event: error\ndata: {}\n\n{}",
        frame("thread.run.created", fixtures::run("run_1", "queued")),
        json!({"error": {"message": "engine crashed", "type": "server_error", "param": null, "code": null}}),
        frame("thread.run.completed", fixtures::run("run_1", "completed")),
    );
    let server = TestServer::start(move |_, _| Reply::sse(vec![body.clone().into_bytes()])).await;
    let (client, _) = server.client();
    let items: Vec<_> = client
        .create_thread_and_run_stream(&json!({"assistant_id": "a"}))
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(
        items.len(),
        2,
        "the run event, then the error, then nothing"
    );
    assert!(matches!(items[0], Ok(StreamEvent::RunCreated(_))));
    let api = items[1]
        .as_ref()
        .unwrap_err()
        .api()
        .expect("an API error")
        .clone();
    assert_eq!(api.message, "engine crashed");
    assert_eq!(api.kind.as_deref(), Some("server_error"));
    assert_eq!(
        api.status, None,
        "a mid-stream error has no HTTP status of its own"
    );
}

#[tokio::test]
async fn error_status_before_the_stream_is_a_normal_api_error() {
    let server = TestServer::start(|_, _| {
        Reply::json(400, json!({"error": {"message": "Thread thread_1 already has an active run run_0.", "type": "invalid_request_error", "param": null, "code": null}}))
    })
    .await;
    let (client, _) = server.client();
    let err = client
        .create_run_stream("thread_1", &json!({"assistant_id": "a"}), &[])
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert!(
        err.to_string().contains("already has an active run"),
        "message kept: {err}"
    );
}

#[tokio::test]
async fn stream_closing_without_done_ends_cleanly_and_drops_the_partial_event() {
    let body = format!(
        "{}event: thread.run.completed\ndata: {{\"id\":",
        frame("thread.run.created", fixtures::run("run_1", "queued"))
    );
    let server = TestServer::start(move |_, _| Reply::sse(vec![body.clone().into_bytes()])).await;
    let (client, _) = server.client();
    let items: Vec<_> = client
        .create_run_stream("t", &json!({}), &[])
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 1, "only the complete event is delivered");
    assert!(matches!(items[0], Ok(StreamEvent::RunCreated(_))));
}

#[tokio::test]
async fn undecodable_event_is_reported_and_the_stream_goes_on() {
    let body = format!(
        "event: thread.run.created\ndata: not json\n\n{}",
        frame("thread.run.completed", fixtures::run("run_1", "completed"))
    );
    let server = TestServer::start(move |_, _| Reply::sse(vec![body.clone().into_bytes()])).await;
    let (client, _) = server.client();
    let items: Vec<_> = client
        .create_run_stream("t", &json!({}), &[])
        .await
        .unwrap()
        .collect()
        .await;
    assert!(
        matches!(&items[0], Err(Error::Decode { body, .. }) if body == "not json"),
        "got {:?}",
        items[0]
    );
    assert!(
        matches!(items[1], Ok(StreamEvent::RunCompleted(_))),
        "the stream should continue after a bad event"
    );
}
