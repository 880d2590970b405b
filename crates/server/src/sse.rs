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

/// The SSE frames of `events`, with a keep-alive comment after every `idle` of silence. Ends after
/// the `done` frame, or when the engine drops its sender.
pub fn frames(
    events: Receiver<StreamEvent>,
    idle: Duration,
) -> impl Stream<Item = Result<Bytes, Infallible>> + Send + 'static {
    stream::unfold(Some(events), move |state| async move {
        let mut events = state?;
        match tokio::time::timeout(idle, events.recv()).await {
            Err(_) => Some((
                Ok(Bytes::from_static(KEEP_ALIVE_FRAME.as_bytes())),
                Some(events),
            )),
            Ok(None) => None,
            Ok(Some(event)) => {
                let frame = Bytes::from(event.to_sse_frame());
                let next = (event != StreamEvent::Done).then_some(events);
                Some((Ok(frame), next))
            }
        }
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
}
