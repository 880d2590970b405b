//! Server-sent events from an HTTP body: the parser is `hearth-http`'s, shared with the model
//! providers; this adapter turns a body byte stream into a stream of events with the client's errors.

use std::collections::VecDeque;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};

pub use hearth_http::sse::{SseEvent, SseParser};

use crate::error::Error;

/// Turns a body byte stream into a stream of events; transport errors end the stream after one `Err`.
pub fn events<S, E>(body: S) -> impl Stream<Item = Result<SseEvent, Error>> + Send + 'static
where
    S: Stream<Item = Result<Bytes, E>> + Send + 'static,
    E: Into<Error>,
{
    struct State<S> {
        body: std::pin::Pin<Box<S>>,
        parser: SseParser,
        ready: VecDeque<SseEvent>,
        scratch: Vec<SseEvent>,
        /// An error to report once the events before it are delivered.
        failed: Option<Error>,
        done: bool,
    }
    let state = State {
        body: Box::pin(body),
        parser: SseParser::new(),
        ready: VecDeque::new(),
        scratch: Vec::new(),
        failed: None,
        done: false,
    };
    futures_util::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(event) = st.ready.pop_front() {
                return Some((Ok(event), st));
            }
            if let Some(error) = st.failed.take() {
                return Some((Err(error), st));
            }
            if st.done {
                return None;
            }
            match st.body.next().await {
                Some(Ok(chunk)) => {
                    let fed = st.parser.feed(&chunk, &mut st.scratch);
                    st.ready.extend(st.scratch.drain(..));
                    if let Err(overflow) = fed {
                        // The events before the oversized one are delivered, then the error.
                        st.done = true;
                        st.failed = Some(Error::Protocol(overflow.to_string()));
                    }
                }
                Some(Err(err)) => {
                    st.done = true;
                    return Some((Err(err.into()), st));
                }
                None => {
                    st.done = true;
                    if st.parser.finish() {
                        log::debug!(
                            "event stream ended inside an event; the partial event was dropped"
                        );
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(event: Option<&str>, data: &str) -> SseEvent {
        SseEvent {
            event: event.map(str::to_owned),
            data: data.to_owned(),
        }
    }

    #[tokio::test]
    async fn an_event_past_the_limit_ends_the_stream_with_an_error() {
        let huge = vec![b'x'; hearth_http::sse::DEFAULT_MAX_EVENT_BYTES / 4];
        let mut chunks: Vec<Result<Bytes, Error>> =
            vec![Ok(Bytes::from_static(b"data: small\n\ndata: "))];
        // A line that never ends: the reader must give up instead of holding it all.
        chunks.extend((0..8).map(|_| Ok(Bytes::from(huge.clone()))));
        let got: Vec<_> = events(futures_util::stream::iter(chunks)).collect().await;
        assert_eq!(got.len(), 2, "the small event, then the error");
        assert_eq!(got[0].as_ref().unwrap(), &ev(None, "small"));
        let error = got[1].as_ref().unwrap_err().to_string();
        assert!(error.contains("larger than"), "{error}");
    }

    #[tokio::test]
    async fn adapter_yields_events_then_transport_error() {
        let chunks: Vec<Result<Bytes, Error>> = vec![
            Ok(Bytes::from_static(b"event: a\ndata: 1\n\nevent: b\nda")),
            Ok(Bytes::from_static(b"ta: 2\n\n")),
            Err(Error::Stream("connection reset".into())),
            Ok(Bytes::from_static(b"data: never\n\n")),
        ];
        let got: Vec<_> = events(futures_util::stream::iter(chunks)).collect().await;
        assert_eq!(
            got.len(),
            3,
            "two events then the error, and nothing after it"
        );
        assert_eq!(got[0].as_ref().unwrap(), &ev(Some("a"), "1"));
        assert_eq!(got[1].as_ref().unwrap(), &ev(Some("b"), "2"));
        assert!(
            matches!(got[2], Err(Error::Stream(_))),
            "the transport error should be passed through"
        );
    }
}
