//! The event-stream parser over arbitrary bytes cut into arbitrary chunks.
//!
//! Input: one byte `n`, then `n % 16` cut positions of two bytes each, then the stream. The events,
//! the error and whether anything was dropped at the end must be the same however the stream is
//! cut, with the default limit and with a small one that streams reach often.

#![no_main]

use hearth_http::sse::{SseError, SseEvent, SseParser};
use libfuzzer_sys::fuzz_target;

/// What a parser made of a whole stream.
#[derive(Debug, PartialEq)]
struct Outcome {
    events: Vec<SseEvent>,
    error: Option<SseError>,
    dropped: Option<bool>,
}

fn parse(limit: usize, chunks: &[&[u8]]) -> Outcome {
    let mut parser = SseParser::with_limit(limit);
    let mut events = Vec::new();
    for chunk in chunks {
        if let Err(error) = parser.feed(chunk, &mut events) {
            return Outcome {
                events,
                error: Some(error),
                dropped: None,
            };
        }
    }
    Outcome {
        events,
        error: None,
        dropped: Some(parser.finish()),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&count, rest)) = data.split_first() else {
        return;
    };
    let cut_bytes = usize::from(count % 16) * 2;
    if rest.len() < cut_bytes {
        return;
    }
    let (cuts, stream) = rest.split_at(cut_bytes);
    let mut cuts: Vec<usize> = cuts
        .chunks_exact(2)
        .map(|pair| usize::from(u16::from_le_bytes([pair[0], pair[1]])) % (stream.len() + 1))
        .collect();
    cuts.sort_unstable();
    let mut chunks = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for cut in cuts {
        chunks.push(&stream[start..cut]);
        start = cut;
    }
    chunks.push(&stream[start..]);

    for limit in [hearth_http::sse::DEFAULT_MAX_EVENT_BYTES, 24] {
        let whole = parse(limit, &[stream]);
        let split = parse(limit, &chunks);
        assert_eq!(whole, split, "cut at {chunks:?} with limit {limit}");
        // The limit counts bytes read; a byte that is not UTF-8 becomes U+FFFD, three bytes.
        for event in &whole.events {
            assert!(
                event.data.len() <= 3 * limit,
                "an event of {} bytes passed the limit {limit}",
                event.data.len()
            );
        }
    }
});
