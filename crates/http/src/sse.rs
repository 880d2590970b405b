//! Server-sent events: an incremental parser over raw bytes.
//!
//! Follows the WHATWG "event stream interpretation" rules: lines end in CRLF, LF or CR; a blank line
//! dispatches; `data:` lines are joined with `\n`; comments (`:`) and `id:` / `retry:` are ignored (the
//! Assistants protocol and the model providers do not use reconnection); an event left unfinished at
//! end of stream is dropped.
//!
//! What one event may hold is bounded ([`DEFAULT_MAX_EVENT_BYTES`] unless set), so a server that
//! never ends a line cannot make the reader hold the whole stream in memory.

/// One dispatched server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field, `None` when the event had none (the spec's default type `message`).
    pub event: Option<String>,
    /// The `data:` lines joined with `\n`.
    pub data: String,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The most bytes one event (its unfinished line plus the data gathered so far) may take by
/// default: far more than any Assistants or provider event, far less than a machine's memory.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// Why a stream cannot be read further.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SseError {
    /// A line or an event grew past the limit without ending.
    #[error(
        "the event stream sent an event larger than {limit} bytes (or a line that never ended); it was not read further"
    )]
    EventTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
}

/// Incremental event-stream parser; feed it byte chunks split anywhere.
#[derive(Debug)]
pub struct SseParser {
    /// Bytes of a line whose end has not arrived yet. Decoding waits for the whole line, so a
    /// multi-byte character split across chunks is never mangled.
    partial: Vec<u8>,
    /// The previous chunk ended in CR: a leading LF in the next chunk belongs to that CRLF.
    skip_lf: bool,
    /// Whether the first line has been seen (a BOM is only stripped there).
    started: bool,
    event: Option<String>,
    data: String,
    /// Whether any field line has been read since the last dispatch, for reporting dropped events.
    dirty: bool,
    /// The most bytes the unfinished line and the gathered data may hold together.
    max_event_bytes: usize,
}

impl Default for SseParser {
    fn default() -> Self {
        Self::with_limit(DEFAULT_MAX_EVENT_BYTES)
    }
}

impl SseParser {
    /// A parser at the start of a stream, with the default limit on an event's size.
    pub fn new() -> Self {
        Self::default()
    }

    /// A parser whose events (and unfinished lines) may hold at most `max_event_bytes` bytes.
    pub fn with_limit(max_event_bytes: usize) -> Self {
        Self {
            partial: Vec::new(),
            skip_lf: false,
            started: false,
            event: None,
            data: String::new(),
            dirty: false,
            max_event_bytes,
        }
    }

    /// Parses `chunk`, appending every event it completes to `out`. Fails, and should not be fed
    /// again, once an event or a line outgrows the limit.
    pub fn feed(&mut self, mut chunk: &[u8], out: &mut Vec<SseEvent>) -> Result<(), SseError> {
        if self.skip_lf && !chunk.is_empty() {
            self.skip_lf = false;
            if chunk[0] == b'\n' {
                chunk = &chunk[1..];
            }
        }
        while let Some(end) = chunk.iter().position(|&b| b == b'\n' || b == b'\r') {
            self.check_size(end)?;
            if self.partial.is_empty() {
                self.line(&chunk[..end], out);
            } else {
                self.partial.extend_from_slice(&chunk[..end]);
                let line = std::mem::take(&mut self.partial);
                self.line(&line, out);
                // Keep the allocation for the next partial line.
                self.partial = line;
                self.partial.clear();
            }
            let crlf = chunk[end] == b'\r';
            chunk = &chunk[end + 1..];
            if crlf {
                match chunk.first() {
                    Some(b'\n') => chunk = &chunk[1..],
                    Some(_) => {}
                    None => self.skip_lf = true,
                }
            }
        }
        self.check_size(chunk.len())?;
        self.partial.extend_from_slice(chunk);
        Ok(())
    }

    /// Fails when `more` bytes of line would take the event past the limit.
    fn check_size(&self, more: usize) -> Result<(), SseError> {
        let held = self.partial.len() + self.data.len() + more;
        if held > self.max_event_bytes {
            return Err(SseError::EventTooLarge {
                limit: self.max_event_bytes,
            });
        }
        Ok(())
    }

    /// Ends the stream; returns true when an unfinished line or event had to be dropped.
    pub fn finish(&mut self) -> bool {
        let dropped = self.dirty || !self.partial.is_empty();
        *self = Self::with_limit(self.max_event_bytes);
        dropped
    }

    fn line(&mut self, mut line: &[u8], out: &mut Vec<SseEvent>) {
        if !self.started {
            self.started = true;
            line = line.strip_prefix(BOM).unwrap_or(line);
        }
        if line.is_empty() {
            self.dispatch(out);
            return;
        }
        if line[0] == b':' {
            return;
        }
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        match name {
            b"event" => {
                self.dirty = true;
                self.event = Some(String::from_utf8_lossy(value).into_owned());
            }
            b"data" => {
                self.dirty = true;
                self.data.push_str(&String::from_utf8_lossy(value));
                self.data.push('\n');
            }
            // `id` and `retry` only matter for reconnection, which the protocol does not use;
            // unknown field names are ignored by the spec.
            _ => {}
        }
    }

    fn dispatch(&mut self, out: &mut Vec<SseEvent>) {
        self.dirty = false;
        let event = self.event.take();
        // The spec dispatches nothing when no data line was seen, and resets the event name.
        if self.data.is_empty() {
            return;
        }
        let mut data = std::mem::take(&mut self.data);
        data.pop();
        out.push(SseEvent { event, data });
    }
}

#[cfg(test)]
#[path = "sse_tests.rs"]
mod tests;
