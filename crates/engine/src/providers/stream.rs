//! Turning a provider's server-sent-event body into a stream of [`ChatEvent`]s.

use std::collections::VecDeque;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{StreamExt, stream};
use hearth_http::{SseEvent, SseParser};
use reqwest::Response;

use super::error::ProviderError;
use super::events::ChatEvent;

/// A streamed answer. Dropping it closes the connection, which cancels the generation.
pub type ChatStream = BoxStream<'static, Result<ChatEvent, ProviderError>>;

/// Reads one provider's events.
pub(crate) trait Decoder: Send + 'static {
    /// Handles one event, queueing what it means; returns true when the answer is complete.
    fn event(
        &mut self,
        event: &SseEvent,
        out: &mut VecDeque<ChatEvent>,
    ) -> Result<bool, ProviderError>;

    /// The body ended without completing: queues the finish if the provider had already said why
    /// it stopped, and reports the cut otherwise.
    fn end(&mut self, out: &mut VecDeque<ChatEvent>) -> Result<(), ProviderError>;
}

struct State<D> {
    body: BoxStream<'static, reqwest::Result<Bytes>>,
    parser: SseParser,
    decoder: D,
    ready: VecDeque<ChatEvent>,
    failed: Option<ProviderError>,
    done: bool,
}

impl<D: Decoder> State<D> {
    /// Feeds bytes to the parser and the decoder; `at_end` turns undecodable leftovers into a cut.
    fn feed(&mut self, bytes: &[u8], at_end: bool) {
        let mut events = Vec::new();
        // Events completed before an oversized one still count; the stream fails after them.
        let overflow = self.parser.feed(bytes, &mut events).err();
        for event in &events {
            match self.decoder.event(event, &mut self.ready) {
                Ok(false) => {}
                Ok(true) => {
                    self.done = true;
                    return;
                }
                Err(ProviderError::Malformed { detail, .. }) if at_end => {
                    self.failed = Some(ProviderError::StreamCut {
                        detail: format!("the last event was incomplete: {detail}"),
                    });
                    return;
                }
                Err(err) => {
                    self.failed = Some(err);
                    return;
                }
            }
        }
        if let Some(overflow) = overflow {
            self.failed = Some(ProviderError::malformed(overflow.to_string(), ""));
        }
    }
}

/// Streams the events of a 2xx `response` through `decoder`. Everything queued before a failure is
/// delivered first; after a failure or the completing event the stream ends.
pub(crate) fn chat_stream<D: Decoder>(response: Response, decoder: D) -> ChatStream {
    let state = State {
        body: response.bytes_stream().boxed(),
        parser: SseParser::new(),
        decoder,
        ready: VecDeque::new(),
        failed: None,
        done: false,
    };
    stream::unfold(state, |mut st| async move {
        loop {
            if let Some(event) = st.ready.pop_front() {
                return Some((Ok(event), st));
            }
            if let Some(err) = st.failed.take() {
                st.done = true;
                return Some((Err(err), st));
            }
            if st.done {
                return None;
            }
            match st.body.next().await {
                Some(Ok(chunk)) => st.feed(&chunk, false),
                Some(Err(err)) => st.failed = Some(ProviderError::from_transport(&err, true)),
                None => {
                    // Some servers omit the blank line after the last event; complete it so it
                    // still counts.
                    st.feed(b"\n\n", true);
                    if !st.done && st.failed.is_none() {
                        st.done = true;
                        if let Err(err) = st.decoder.end(&mut st.ready) {
                            st.failed = Some(err);
                        }
                    }
                }
            }
        }
    })
    .boxed()
}
