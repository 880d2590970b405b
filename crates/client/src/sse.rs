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
        done: bool,
    }
    let state = State {
        body: Box::pin(body),
        parser: SseParser::new(),
        ready: VecDeque::new(),
        scratch: Vec::new(),
        done: false,
    };
    futures_util::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(event) = st.ready.pop_front() {
                return Some((Ok(event), st));
            }
            if st.done {
                return None;
            }
            match st.body.next().await {
                Some(Ok(chunk)) => {
                    st.parser.feed(&chunk, &mut st.scratch);
                    st.ready.extend(st.scratch.drain(..));
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
