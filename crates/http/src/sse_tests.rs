use super::*;
use proptest::prelude::*;

fn parse_chunks(chunks: &[&[u8]]) -> Vec<SseEvent> {
    let mut parser = SseParser::new();
    let mut out = Vec::new();
    for chunk in chunks {
        parser.feed(chunk, &mut out).unwrap();
    }
    parser.finish();
    out
}

fn parse(input: &str) -> Vec<SseEvent> {
    parse_chunks(&[input.as_bytes()])
}

fn ev(event: Option<&str>, data: &str) -> SseEvent {
    SseEvent {
        event: event.map(str::to_owned),
        data: data.to_owned(),
    }
}

/// Mixes every feature: BOM, all three line ends, comments, id/retry, multi-line data, multi-byte text,
/// an event without data and an unfinished event at the end.
const FIXTURE: &[u8] = "\u{FEFF}: keep-alive\r\n\
event: thread.run.created\r\n\
data: {\"id\":\"run_1\"}\r\n\
\r\n\
id: 7\n\
retry: 1000\n\
event: thread.message.delta\n\
data: {\"value\":\"h\u{e9}llo \u{1F525} \u{4E16}\u{754C}\"}\n\
\n\
event: only-a-name\r\r\
data: first\r\
data:second\r\
data\r\
\r\
:comment without space\n\
event: done\n\
data: [DONE]\n\
\n\
event: unfinished\n\
data: dropped"
    .as_bytes();

fn fixture_events() -> Vec<SseEvent> {
    vec![
        ev(Some("thread.run.created"), "{\"id\":\"run_1\"}"),
        ev(
            Some("thread.message.delta"),
            "{\"value\":\"h\u{e9}llo \u{1F525} \u{4E16}\u{754C}\"}",
        ),
        ev(None, "first\nsecond\n"),
        ev(Some("done"), "[DONE]"),
    ]
}

#[test]
fn fixture_in_one_chunk() {
    assert_eq!(
        parse_chunks(&[FIXTURE]),
        fixture_events(),
        "one chunk should give the four complete events"
    );
}

#[test]
fn fixture_split_at_every_offset_gives_identical_events() {
    for cut in 0..=FIXTURE.len() {
        let (a, b) = FIXTURE.split_at(cut);
        assert_eq!(
            parse_chunks(&[a, b]),
            fixture_events(),
            "split at byte {cut} changed the events"
        );
    }
}

#[test]
fn fixture_fed_byte_by_byte() {
    let chunks: Vec<&[u8]> = FIXTURE.chunks(1).collect();
    assert_eq!(
        parse_chunks(&chunks),
        fixture_events(),
        "one-byte chunks should parse like one chunk"
    );
}

#[test]
fn fixture_split_at_every_pair_of_offsets() {
    for i in 0..=FIXTURE.len() {
        for j in i..=FIXTURE.len() {
            let chunks = [&FIXTURE[..i], &FIXTURE[i..j], &FIXTURE[j..]];
            assert_eq!(
                parse_chunks(&chunks),
                fixture_events(),
                "splits at {i} and {j} changed the events"
            );
        }
    }
}

#[test]
fn crlf_split_between_cr_and_lf_is_one_line_end() {
    // Were the LF read as a second line end, it would be a blank line dispatching "a" alone.
    let events = parse_chunks(&[b"data: a\r", b"\ndata: b\r", b"\n\r\n"]);
    assert_eq!(
        events,
        vec![ev(None, "a\nb")],
        "CR + LF across chunks must count as one line end"
    );
}

#[test]
fn lone_cr_then_blank_cr_dispatches() {
    assert_eq!(
        parse("data: x\r\r"),
        vec![ev(None, "x")],
        "CR alone ends lines"
    );
}

#[test]
fn comments_alone_dispatch_nothing() {
    assert!(
        parse(": ping\n\n: ping\n\n").is_empty(),
        "keep-alive comments must not produce events"
    );
}

#[test]
fn multi_line_data_joined_with_newline() {
    assert_eq!(
        parse("data: a\ndata: b\ndata: c\n\n"),
        vec![ev(None, "a\nb\nc")]
    );
}

#[test]
fn only_one_leading_space_is_stripped() {
    assert_eq!(
        parse("data:  two\n\n"),
        vec![ev(None, " two")],
        "the second space belongs to the value"
    );
}

#[test]
fn empty_data_line_dispatches_empty_event() {
    assert_eq!(
        parse("data:\n\n"),
        vec![ev(None, "")],
        "a data line with no value still dispatches"
    );
}

#[test]
fn event_name_without_data_is_not_dispatched_and_is_reset() {
    let events = parse("event: lonely\n\ndata: next\n\n");
    assert_eq!(
        events,
        vec![ev(None, "next")],
        "the name of an undispatched event must not leak into the next"
    );
}

#[test]
fn id_and_retry_are_ignored() {
    assert_eq!(parse("id: 1\nretry: 5\ndata: x\n\n"), vec![ev(None, "x")]);
}

#[test]
fn unknown_fields_are_ignored() {
    assert_eq!(parse("foo: bar\ndata: x\nbaz\n\n"), vec![ev(None, "x")]);
}

#[test]
fn unfinished_event_at_eof_is_dropped() {
    let mut parser = SseParser::new();
    let mut out = Vec::new();
    parser.feed(b"event: x\ndata: y\n", &mut out).unwrap();
    assert!(
        out.is_empty(),
        "no blank line yet, so nothing may be dispatched"
    );
    assert!(
        parser.finish(),
        "finish should report that an event was dropped"
    );
    assert!(out.is_empty());
}

#[test]
fn clean_end_reports_nothing_dropped() {
    let mut parser = SseParser::new();
    let mut out = Vec::new();
    parser.feed(b"data: y\n\n", &mut out).unwrap();
    assert!(
        !parser.finish(),
        "a stream ending on a blank line drops nothing"
    );
}

#[test]
fn invalid_utf8_is_replaced_not_fatal() {
    let events = parse_chunks(&[b"data: a\xFFb\n\n"]);
    assert_eq!(events, vec![ev(None, "a\u{FFFD}b")]);
}

#[test]
fn bom_only_stripped_at_start() {
    let events = parse("data: a\n\n\u{FEFF}data: b\n\n");
    assert_eq!(
        events,
        vec![ev(None, "a")],
        "a BOM later in the stream makes the line an unknown field"
    );
}

#[test]
fn a_line_that_never_ends_is_refused_past_the_limit() {
    let mut parser = SseParser::with_limit(1024);
    let mut out = Vec::new();
    let mut fed = 0;
    let error = loop {
        match parser.feed(&[b'x'; 100], &mut out) {
            Ok(()) => fed += 100,
            Err(error) => break error,
        }
        assert!(fed <= 1024, "the parser kept {fed} bytes past its limit");
    };
    assert_eq!(error, SseError::EventTooLarge { limit: 1024 });
    assert!(
        error.to_string().contains("larger than 1024 bytes"),
        "the error names the limit: {error}"
    );
}

#[test]
fn many_data_lines_count_toward_the_limit() {
    let mut parser = SseParser::with_limit(1024);
    let mut out = Vec::new();
    let line = format!("data: {}\n", "y".repeat(90));
    let result = (0..20).try_for_each(|_| parser.feed(line.as_bytes(), &mut out));
    assert!(
        result.is_err(),
        "an event of 20 lines of 90 bytes is past a 1 KiB limit"
    );
    assert!(out.is_empty());
}

#[test]
fn events_under_the_limit_pass_one_after_another() {
    let mut parser = SseParser::with_limit(1024);
    let mut out = Vec::new();
    let event = format!("data: {}\n\n", "z".repeat(900));
    for _ in 0..50 {
        parser.feed(event.as_bytes(), &mut out).unwrap();
    }
    assert_eq!(out.len(), 50, "the limit is per event, not per stream");
}

fn arb_event() -> impl Strategy<Value = SseEvent> {
    let text = "[a-zA-Z0-9 {}\":,é🔥世]{0,12}";
    (
        proptest::option::of("[a-z.]{1,10}"),
        proptest::collection::vec(text, 1..4),
    )
        .prop_map(|(event, lines)| SseEvent {
            event,
            data: lines.join("\n"),
        })
}

fn encode(events: &[SseEvent], eol: &str) -> Vec<u8> {
    let mut out = String::new();
    for (i, e) in events.iter().enumerate() {
        if i % 2 == 0 {
            out.push_str(": keep-alive");
            out.push_str(eol);
        }
        if let Some(name) = &e.event {
            out.push_str(&format!("event: {name}{eol}"));
        }
        for line in e.data.split('\n') {
            out.push_str(&format!("data: {line}{eol}"));
        }
        out.push_str(eol);
    }
    out.into_bytes()
}

proptest! {
    #[test]
    fn any_events_any_split_any_line_end(
        events in proptest::collection::vec(arb_event(), 0..6),
        eol in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..8),
    ) {
        let bytes = encode(&events, eol);
        let mut offsets: Vec<usize> = cuts.iter().map(|c| c.index(bytes.len() + 1)).collect();
        offsets.sort_unstable();
        let mut chunks = Vec::new();
        let mut start = 0;
        for o in offsets {
            chunks.push(&bytes[start..o]);
            start = o;
        }
        chunks.push(&bytes[start..]);
        prop_assert_eq!(parse_chunks(&chunks), events);
    }
}
