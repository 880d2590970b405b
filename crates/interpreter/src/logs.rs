//! A call's stdout and stderr, kept within the output limit.

use std::collections::VecDeque;

/// Collects a call's output. Past the limit it keeps the beginning and the last quarter of the
/// limit (where a traceback usually is) and counts what it dropped in between.
#[derive(Debug)]
pub(crate) struct Logs {
    limit: usize,
    head: Vec<u8>,
    tail: VecDeque<u8>,
    cut: u64,
}

impl Logs {
    pub(crate) fn new(limit: usize) -> Self {
        Self {
            limit,
            head: Vec::new(),
            tail: VecDeque::new(),
            cut: 0,
        }
    }

    fn tail_limit(&self) -> usize {
        self.limit / 4
    }

    fn head_limit(&self) -> usize {
        self.limit - self.tail_limit()
    }

    pub(crate) fn push(&mut self, mut bytes: &[u8]) {
        let room = self.head_limit().saturating_sub(self.head.len());
        if self.tail.is_empty() && room > 0 {
            let taken = room.min(bytes.len());
            self.head.extend_from_slice(&bytes[..taken]);
            bytes = &bytes[taken..];
        }
        let tail_limit = self.tail_limit();
        if bytes.len() >= tail_limit {
            self.cut += (self.tail.len() + bytes.len() - tail_limit) as u64;
            self.tail.clear();
            self.tail.extend(&bytes[bytes.len() - tail_limit..]);
            return;
        }
        self.tail.extend(bytes);
        let over = self.tail.len().saturating_sub(tail_limit);
        self.tail.drain(..over);
        self.cut += over as u64;
    }

    /// The output as text, with a note where bytes were cut, then `note` on its own line if given.
    pub(crate) fn finish(self, note: Option<&str>) -> String {
        let mut text = String::from_utf8_lossy(&self.head).into_owned();
        if self.cut > 0 {
            if !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&format!(
                "[... {} of output cut here: the logs keep the first {} and the last {} of a call's output ...]\n",
                bytes_in_words(self.cut),
                bytes_in_words(self.head_limit() as u64),
                bytes_in_words(self.tail_limit() as u64),
            ));
        }
        let tail: Vec<u8> = self.tail.into_iter().collect();
        text.push_str(&String::from_utf8_lossy(&tail));
        if let Some(note) = note {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(note);
            text.push('\n');
        }
        text
    }
}

fn bytes_in_words(bytes: u64) -> String {
    if bytes >= 10 << 20 {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 10 << 10 {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

/// Finds the end-of-call token in a stream read in chunks, however the chunks fall.
#[derive(Debug)]
pub(crate) struct TokenScanner {
    token: Vec<u8>,
    pending: Vec<u8>,
}

impl TokenScanner {
    pub(crate) fn new(token: &str) -> Self {
        Self {
            token: token.as_bytes().to_vec(),
            pending: Vec::new(),
        }
    }

    /// Feeds a chunk; returns whether the token was seen. The output before the token goes to
    /// `logs`; what follows the token is dropped.
    pub(crate) fn feed(&mut self, chunk: &[u8], logs: &mut Logs) -> bool {
        self.pending.extend_from_slice(chunk);
        if let Some(at) = find(&self.pending, &self.token) {
            logs.push(&self.pending[..at]);
            self.pending.clear();
            return true;
        }
        let keep = (self.token.len() - 1).min(self.pending.len());
        let flush = self.pending.len() - keep;
        logs.push(&self.pending[..flush]);
        self.pending.drain(..flush);
        false
    }

    /// What was held back waiting for a possible token, when none will come.
    pub(crate) fn flush(&mut self, logs: &mut Logs) {
        logs.push(&self.pending);
        self.pending.clear();
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_output_is_kept_whole() {
        let mut logs = Logs::new(100);
        logs.push(b"hello\n");
        assert_eq!(logs.finish(None), "hello\n");
    }

    #[test]
    fn long_output_keeps_head_and_tail_and_says_how_much_was_cut() {
        let mut logs = Logs::new(40);
        for _ in 0..100 {
            logs.push(b"0123456789");
        }
        logs.push(b"TAIL");
        let text = logs.finish(Some("note"));
        assert!(text.starts_with("012345678901234567890123456789\n[... "));
        assert!(text.contains("964 bytes of output cut"), "{text}");
        assert!(text.ends_with("456789TAIL\nnote\n"), "{text}");
    }

    #[test]
    fn token_is_found_across_chunks() {
        let mut logs = Logs::new(100);
        let mut scanner = TokenScanner::new("TOKEN");
        assert!(!scanner.feed(b"abcTO", &mut logs));
        assert!(scanner.feed(b"KENrest", &mut logs));
        assert_eq!(logs.finish(None), "abc");
    }
}
