//! Run event streams: server-sent events decoded into `hearth_wire::StreamEvent`.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::{Stream, StreamExt};

use crate::sse::{self, SseEvent};
use crate::{ApiError, Error, StreamEvent};

/// Decodes one server-sent event. An `error` event becomes [`Error::Api`] (both the bare and the
/// `{"error": …}` shape); unknown event names pass through as `StreamEvent::Unknown`.
pub fn decode_event(sse: &SseEvent) -> Result<StreamEvent, Error> {
    let data = sse.data.as_str();
    // py stops at any data starting with `[DONE]`, whatever the event name; do the same.
    if data.starts_with("[DONE]") {
        return Ok(StreamEvent::Done);
    }
    // An SSE event without a name has the spec's default type `message`, which no Assistants
    // event uses: it ends up as Unknown.
    let name = sse.event.as_deref().unwrap_or("message");
    if name == "error" {
        return Err(ApiError::from_stream_event(data).into());
    }
    StreamEvent::from_sse(name, data).map_err(|e| Error::Decode {
        source: e.source,
        body: e.data,
    })
}

/// A run's event stream. Ends after `StreamEvent::Done`, after an `error` event, or when the
/// connection closes; an event whose data does not decode yields an `Err` and the stream goes on.
pub struct EventStream {
    inner: Pin<Box<dyn Stream<Item = Result<SseEvent, Error>> + Send>>,
    finished: bool,
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl EventStream {
    /// Wraps a stream of server-sent events.
    pub fn new(events: impl Stream<Item = Result<SseEvent, Error>> + Send + 'static) -> Self {
        Self {
            inner: Box::pin(events),
            finished: false,
        }
    }

    /// Reads the events of an HTTP response body.
    pub(crate) fn from_response(response: reqwest::Response) -> Self {
        Self::new(sse::events(response.bytes_stream()))
    }
}

impl Stream for EventStream {
    type Item = Result<StreamEvent, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.finished {
            return Poll::Ready(None);
        }
        let item = match self.inner.poll_next_unpin(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(None) => None,
            Poll::Ready(Some(Err(err))) => Some(Err(err)),
            Poll::Ready(Some(Ok(sse))) => Some(decode_event(&sse)),
        };
        // Only a bad event leaves the stream usable; anything else means the transport or the run is over.
        self.finished = match &item {
            None | Some(Ok(StreamEvent::Done)) => true,
            Some(Err(err)) => !matches!(err, Error::Decode { .. }),
            Some(Ok(_)) => false,
        };
        Poll::Ready(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sse(event: &str, data: &str) -> SseEvent {
        SseEvent {
            event: Some(event.into()),
            data: data.into(),
        }
    }

    #[test]
    fn unknown_done_and_error() {
        let unknown = decode_event(&sse("thread.run.new_kind", "{}")).unwrap();
        assert_eq!(
            unknown.name(),
            "thread.run.new_kind",
            "unknown events keep their name"
        );
        assert!(matches!(unknown, StreamEvent::Unknown { .. }));
        assert_eq!(
            decode_event(&sse("done", "[DONE]")).unwrap(),
            StreamEvent::Done
        );
        let unnamed_done = SseEvent {
            event: None,
            data: "[DONE]".into(),
        };
        assert_eq!(
            decode_event(&unnamed_done).unwrap(),
            StreamEvent::Done,
            "py ends at [DONE] data alone"
        );
        let err = decode_event(&sse(
            "error",
            r#"{"error":{"message":"boom","type":"server_error","param":null,"code":null}}"#,
        ))
        .unwrap_err();
        assert_eq!(err.api().map(|a| a.message.as_str()), Some("boom"));
    }

    #[test]
    fn undecodable_data_keeps_body() {
        match decode_event(&sse("thread.run.created", "not json")) {
            Err(Error::Decode { body, .. }) => assert_eq!(body, "not json"),
            other => panic!("expected a decode error, got {other:?}"),
        }
    }

    /// Found by fuzzing: a number with more digits than an f64 holds must read back as the same
    /// number after the event is written out again, which needs correctly rounded float parsing.
    #[test]
    fn a_long_number_in_an_unknown_event_reads_back_unchanged() {
        let data = format!(" {}.{}1", "8".repeat(59), "8".repeat(19));
        let event = decode_event(&sse("thread.run.something_new", &data)).unwrap();
        let frame = event.to_sse_frame();
        let mut parser = hearth_http::sse::SseParser::new();
        let mut frames = Vec::new();
        parser.feed(frame.as_bytes(), &mut frames).unwrap();
        assert_eq!(decode_event(&frames[0]).unwrap(), event, "{frame}");
    }
}
