//! A run's events as a server-sent event stream, written as they arrive.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use futures_util::stream::{self, Stream};
use hearth_wire::StreamEvent;
use tokio::sync::mpsc::Receiver;
use tokio::sync::mpsc::error::TryRecvError;

/// How long a stream may stay silent before a comment keeps proxies and SDK timeouts from closing it.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

const KEEP_ALIVE_FRAME: &str = ": keep-alive\n\n";

/// A `200 text/event-stream` response that forwards `events` frame by frame until `done`.
/// If the client goes away the body is dropped, and with it only the receiver: the run goes on.
/// The body is pulled only as fast as the connection takes it, so a client that reads slowly
/// slows its run's events down (the engine bounds how long it waits for one).
pub fn response(events: Receiver<StreamEvent>) -> Response {
    let mut response = Response::new(Body::from_stream(frames(events, KEEP_ALIVE)));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Reverse proxies (nginx) would otherwise hold frames back.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// Most bytes of frames written together when several events are already waiting.
const COALESCE_BYTES: usize = 64 * 1024;

/// The SSE frames of `events`, with a keep-alive comment after every `idle` of silence. Ends after
/// the `done` frame, or when the engine drops its sender. Events already waiting go out in one
/// write: under load, one wake-up and one write carry many tokens.
pub fn frames(
    events: Receiver<StreamEvent>,
    idle: Duration,
) -> impl Stream<Item = Result<Bytes, Infallible>> + Send + 'static {
    stream::unfold(Some(events), move |state| async move {
        let mut events = state?;
        // The timer is only set when nothing waits.
        let first = match events.try_recv() {
            Ok(event) => event,
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => match tokio::time::timeout(idle, events.recv()).await {
                Err(_) => {
                    return Some((
                        Ok(Bytes::from_static(KEEP_ALIVE_FRAME.as_bytes())),
                        Some(events),
                    ));
                }
                Ok(None) => return None,
                Ok(Some(event)) => event,
            },
        };
        let mut done = first == StreamEvent::Done;
        let mut frame = first.to_sse_frame();
        while !done && frame.len() < COALESCE_BYTES {
            let Ok(event) = events.try_recv() else { break };
            done = event == StreamEvent::Done;
            frame.push_str(&event.to_sse_frame());
        }
        Some((Ok(Bytes::from(frame)), (!done).then_some(events)))
    })
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;
    use tokio::sync::mpsc::channel;

    use super::*;

    #[tokio::test]
    async fn frames_end_with_done_and_idle_gaps_get_comments() {
        let (sender, receiver) = channel(4);
        let stream = frames(receiver, Duration::from_millis(20));
        let feeder = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            sender.send(StreamEvent::Done).await.unwrap();
            // Anything after `done` is never written.
            let _ = sender.send(StreamEvent::Done).await;
        });
        let frames: Vec<String> = stream
            .map(|frame| String::from_utf8(frame.unwrap().to_vec()).unwrap())
            .collect()
            .await;
        feeder.await.unwrap();
        assert_eq!(frames.last().unwrap(), "event: done\ndata: [DONE]\n\n");
        assert!(
            frames[..frames.len() - 1]
                .iter()
                .all(|frame| frame == KEEP_ALIVE_FRAME),
            "only keep-alive comments should precede done: {frames:?}"
        );
        assert!(frames.len() >= 2, "a silent gap should produce a comment");
    }

    #[tokio::test]
    async fn events_already_waiting_go_out_in_one_write_and_nothing_after_done() {
        let (sender, receiver) = channel(8);
        let delta = |text: &str| {
            StreamEvent::MessageDelta(
                serde_json::from_value(serde_json::json!({
                    "id": "msg_1", "object": "thread.message.delta",
                    "delta": {"content": [{"index": 0, "type": "text", "text": {"value": text}}]}
                }))
                .unwrap(),
            )
        };
        for text in ["a", "b"] {
            sender.send(delta(text)).await.unwrap();
        }
        sender.send(StreamEvent::Done).await.unwrap();
        sender.send(delta("after")).await.unwrap();
        let frames: Vec<String> = frames(receiver, Duration::from_secs(5))
            .map(|frame| String::from_utf8(frame.unwrap().to_vec()).unwrap())
            .collect()
            .await;
        assert_eq!(frames.len(), 1, "one write: {frames:?}");
        let events: Vec<&str> = frames[0]
            .lines()
            .filter_map(|line| line.strip_prefix("event: "))
            .collect();
        assert_eq!(
            events,
            ["thread.message.delta", "thread.message.delta", "done"]
        );
        assert!(
            frames[0].find("\"a\"") < frames[0].find("\"b\""),
            "in order"
        );
        assert!(!frames[0].contains("after"));
    }
}
