//! A run's events as a server-sent event stream, written as they arrive.

use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use futures_util::stream::{self, Stream};
use hearth_wire::{MessageDeltaContent, StreamEvent};
use tokio::sync::mpsc::Receiver;
use tokio::sync::mpsc::error::TryRecvError;
use tokio::time::Instant;

/// How long a stream may stay silent before a comment keeps proxies and SDK timeouts from closing it.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);

const KEEP_ALIVE_FRAME: &str = ": keep-alive\n\n";

/// A `200 text/event-stream` response that forwards `events` frame by frame until `done`.
/// If the client goes away the body is dropped, and with it only the receiver: the run goes on.
/// The body is pulled only as fast as the connection takes it, so a client that reads slowly
/// slows its run's events down (the engine bounds how long it waits for one).
pub fn response(events: Receiver<StreamEvent>) -> Response {
    let mut response = Response::new(Body::from_stream(frames(events, KEEP_ALIVE, TEXT_HOLD)));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Reverse proxies (nginx) would otherwise hold frames back.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// Most events written together when several are already waiting.
const COALESCE_EVENTS: usize = 256;

/// How long a message's text may wait for the text after it, counted from the last write of text.
/// A fast model (a small local one makes a token every 15 ms on two cores) then sends a few tokens
/// per event instead of one: every event costs a client (the Python SDK about 0.9 ms of CPU: a
/// read, a parse, objects built) on the cores the model computes on, and a model computing on
/// every core loses to it as much as it takes. 50 ms keeps a stream at 20 updates a second or
/// more. The first text after a pause is never held, and anything that is not plain text (a step,
/// a citation, the end) is written at once with what waits before it.
pub const TEXT_HOLD: Duration = Duration::from_millis(50);

/// The SSE frames of `events`, with a keep-alive comment after every `idle` of silence. Ends after
/// the `done` frame, or when the engine drops its sender. Events already waiting go out in one
/// write: under load, one wake-up and one write carry many tokens. Plain text following plain
/// text of the same message part joins it into one event, and waits up to `hold` after the last
/// text written for more (see [`TEXT_HOLD`]).
pub fn frames(
    events: Receiver<StreamEvent>,
    idle: Duration,
    hold: Duration,
) -> impl Stream<Item = Result<Bytes, Infallible>> + Send + 'static {
    let start = Frames {
        events,
        hold,
        last_text: None,
    };
    stream::unfold(Some(start), move |state| async move {
        let mut state = state?;
        // The timer is only set when nothing waits.
        let first = match state.events.try_recv() {
            Ok(event) => event,
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => {
                match tokio::time::timeout(idle, state.events.recv()).await {
                    Err(_) => {
                        return Some((
                            Ok(Bytes::from_static(KEEP_ALIVE_FRAME.as_bytes())),
                            Some(state),
                        ));
                    }
                    Ok(None) => return None,
                    Ok(Some(event)) => event,
                }
            }
        };
        let mut batch = vec![first];
        if let Some(until) = state.hold_until(&batch[0]) {
            // Gather the text that follows until the hold ends or something else comes.
            while let Ok(Some(event)) = tokio::time::timeout_at(until, state.events.recv()).await {
                let text = plain_text(&event).is_some();
                push(&mut batch, event);
                if !text {
                    break;
                }
            }
        }
        let mut done = batch.contains(&StreamEvent::Done);
        while !done && batch.len() < COALESCE_EVENTS {
            let Ok(event) = state.events.try_recv() else {
                break;
            };
            done = event == StreamEvent::Done;
            push(&mut batch, event);
        }
        let frame: String = batch.iter().map(StreamEvent::to_sse_frame).collect();
        if batch.iter().any(|event| plain_text(event).is_some()) {
            state.last_text = Some(Instant::now());
        }
        Some((Ok(Bytes::from(frame)), (!done).then_some(state)))
    })
}

/// A stream's receiver and when it last wrote text.
struct Frames {
    events: Receiver<StreamEvent>,
    hold: Duration,
    last_text: Option<Instant>,
}

impl Frames {
    /// Until when `first` waits for the text after it: only plain text, and only while text was
    /// written less than the hold ago.
    fn hold_until(&self, first: &StreamEvent) -> Option<Instant> {
        plain_text(first)?;
        let until = self.last_text? + self.hold;
        (until > Instant::now()).then_some(until)
    }
}

/// The message id, part index and text of a delta that only adds plain text to one part.
fn plain_text(event: &StreamEvent) -> Option<(&str, u32, &str)> {
    let StreamEvent::MessageDelta(delta) = event else {
        return None;
    };
    if delta.delta.role.is_some() {
        return None;
    }
    match delta.delta.content.as_deref()? {
        [
            MessageDeltaContent::Text {
                index,
                text: Some(text),
            },
        ] if text.annotations.as_ref().is_none_or(Vec::is_empty) => {
            Some((delta.id.as_str(), *index, text.value.as_deref()?))
        }
        _ => None,
    }
}

/// Whether `next` adds plain text to the same message part as `last`.
fn can_join(last: &StreamEvent, next: &StreamEvent) -> bool {
    match (plain_text(last), plain_text(next)) {
        (Some((id, index, _)), Some((next_id, next_index, _))) => {
            id == next_id && index == next_index
        }
        _ => false,
    }
}

/// Adds `event` to `batch`, its text appended to the last event's when both add plain text to the
/// same message part.
fn push(batch: &mut Vec<StreamEvent>, event: StreamEvent) {
    if let Some(last) = batch.last_mut()
        && can_join(last, &event)
        && let Some((_, _, more)) = plain_text(&event)
        && let StreamEvent::MessageDelta(delta) = last
        && let Some(
            [
                MessageDeltaContent::Text {
                    text: Some(text), ..
                },
            ],
        ) = delta.delta.content.as_deref_mut()
        && let Some(value) = text.value.as_mut()
    {
        value.push_str(more);
        return;
    }
    batch.push(event);
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;
    use tokio::sync::mpsc::channel;

    use super::*;

    #[tokio::test]
    async fn frames_end_with_done_and_idle_gaps_get_comments() {
        let (sender, receiver) = channel(4);
        let stream = frames(receiver, Duration::from_millis(20), TEXT_HOLD);
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

    const LONG_HOLD: Duration = Duration::from_secs(2);

    fn delta(id: &str, index: u32, text: &str) -> StreamEvent {
        StreamEvent::MessageDelta(
            serde_json::from_value(serde_json::json!({
                "id": id, "object": "thread.message.delta",
                "delta": {"content": [{"index": index, "type": "text", "text": {"value": text}}]}
            }))
            .unwrap(),
        )
    }

    fn cited(text: &str) -> StreamEvent {
        StreamEvent::MessageDelta(
            serde_json::from_value(serde_json::json!({
                "id": "msg_1", "object": "thread.message.delta",
                "delta": {"content": [{"index": 0, "type": "text", "text": {
                    "value": text,
                    "annotations": [{"index": 0, "type": "file_citation", "text": text,
                        "file_citation": {"file_id": "file-1"}, "start_index": 0, "end_index": 1}]
                }}]}
            }))
            .unwrap(),
        )
    }

    /// Each frame's events, as (event name, data).
    fn events_of(frame: &str) -> Vec<(String, String)> {
        frame
            .split("\n\n")
            .filter(|block| !block.is_empty())
            .map(|block| {
                let mut lines = block.lines();
                let event = lines.next().unwrap().strip_prefix("event: ").unwrap();
                let data = lines.next().unwrap().strip_prefix("data: ").unwrap();
                (event.to_owned(), data.to_owned())
            })
            .collect()
    }

    fn text_of(data: &str) -> String {
        let value: serde_json::Value = serde_json::from_str(data).unwrap();
        value["delta"]["content"][0]["text"]["value"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[tokio::test]
    async fn events_already_waiting_go_out_in_one_write_and_nothing_after_done() {
        let (sender, receiver) = channel(8);
        for text in ["a", "b"] {
            sender.send(delta("msg_1", 0, text)).await.unwrap();
        }
        sender.send(StreamEvent::Done).await.unwrap();
        sender.send(delta("msg_1", 0, "after")).await.unwrap();
        let frames: Vec<String> = frames(receiver, Duration::from_secs(5), TEXT_HOLD)
            .map(|frame| String::from_utf8(frame.unwrap().to_vec()).unwrap())
            .collect()
            .await;
        assert_eq!(frames.len(), 1, "one write: {frames:?}");
        let events = events_of(&frames[0]);
        let names: Vec<&str> = events.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["thread.message.delta", "done"]);
        assert_eq!(text_of(&events[0].1), "ab", "waiting text joins, in order");
        assert!(!frames[0].contains("after"));
    }

    #[tokio::test]
    async fn text_joins_only_plain_text_of_the_same_message_part() {
        let (sender, receiver) = channel(8);
        for event in [
            delta("msg_1", 0, "a"),
            delta("msg_1", 1, "b"),
            delta("msg_2", 1, "c"),
            cited("d"),
            delta("msg_1", 0, "e"),
            delta("msg_1", 0, "f"),
            StreamEvent::Done,
        ] {
            sender.send(event).await.unwrap();
        }
        let frames: Vec<String> = frames(receiver, Duration::from_secs(5), TEXT_HOLD)
            .map(|frame| String::from_utf8(frame.unwrap().to_vec()).unwrap())
            .collect()
            .await;
        let texts: Vec<String> = frames
            .iter()
            .flat_map(|frame| events_of(frame))
            .filter(|(name, _)| name == "thread.message.delta")
            .map(|(_, data)| text_of(&data))
            .collect();
        assert_eq!(texts, ["a", "b", "c", "d", "ef"]);
        assert!(
            frames.concat().contains("file_citation"),
            "the citation is kept"
        );
    }

    #[tokio::test]
    async fn fast_text_waits_briefly_for_more_while_the_first_after_a_pause_does_not() {
        let (sender, receiver) = channel(64);
        // A long hold, so that what is and is not held shows on a busy machine too.
        let mut frames = Box::pin(frames(receiver, Duration::from_secs(5), LONG_HOLD));
        let started = Instant::now();
        sender.send(delta("msg_1", 0, "a")).await.unwrap();
        let first = frames.next().await.unwrap().unwrap();
        assert_eq!(
            text_of(&events_of(std::str::from_utf8(&first).unwrap())[0].1),
            "a"
        );
        assert!(
            started.elapsed() < LONG_HOLD / 2,
            "the first text is not held"
        );

        // Text every 10 ms right after: gathered into fewer events.
        let feeder = tokio::spawn(async move {
            for i in 0..20 {
                sender
                    .send(delta("msg_1", 0, &format!("{i} ")))
                    .await
                    .unwrap();
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            sender.send(StreamEvent::Done).await.unwrap();
        });
        let mut texts = Vec::new();
        while let Some(frame) = frames.next().await {
            let frame = String::from_utf8(frame.unwrap().to_vec()).unwrap();
            texts.extend(
                events_of(&frame)
                    .into_iter()
                    .filter(|(name, _)| name == "thread.message.delta")
                    .map(|(_, data)| text_of(&data)),
            );
        }
        feeder.await.unwrap();
        let expected: String = (0..20).map(|i| format!("{i} ")).collect();
        assert_eq!(texts.concat(), expected, "all the text, in order");
        assert!(
            texts.len() < 20,
            "text 10 ms apart is joined into fewer events: {texts:?}"
        );
    }

    #[tokio::test]
    async fn something_other_than_text_ends_the_wait_at_once() {
        let (sender, receiver) = channel(8);
        let mut frames = Box::pin(frames(receiver, Duration::from_secs(5), LONG_HOLD));
        sender.send(delta("msg_1", 0, "a")).await.unwrap();
        frames.next().await.unwrap().unwrap();
        // Within the hold: text, then the end, which must not wait out the rest of the hold.
        let held = Instant::now();
        sender.send(delta("msg_1", 0, "b")).await.unwrap();
        sender.send(StreamEvent::Done).await.unwrap();
        let frame = frames.next().await.unwrap().unwrap();
        let names: Vec<String> = events_of(std::str::from_utf8(&frame).unwrap())
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(names, ["thread.message.delta", "done"]);
        assert!(held.elapsed() < LONG_HOLD / 2, "the end is not held back");
        assert!(frames.next().await.is_none());
    }
}
