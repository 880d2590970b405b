//! What the provider and its worker process say to each other: one JSON object per line, requests
//! on the worker's stdin, responses on its stdout. Lines keep the framing trivial and a stray line
//! (something llama.cpp printed) easy to skip.

use std::io::{BufRead, Write};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::llama::Settings;

/// A request to the worker process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum Request {
    /// Load this model (after checking its header), unloading any other.
    Load { path: PathBuf },
    /// Generate an answer with the loaded model.
    Generate {
        /// Names this answer, so a late cancel cannot stop the next one.
        id: u64,
        turns: Vec<Turn>,
        settings: Settings,
    },
    /// Stop answer `id` before its next token.
    Cancel { id: u64 },
}

/// One turn of the conversation, as the chat template takes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Turn {
    pub role: String,
    pub text: String,
}

/// How an answer ended, as the worker reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Ending {
    Stop,
    Length,
    Cancelled,
}

/// What kind of failure the worker reports; the provider maps it to the engine's error kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum FailureKind {
    /// The model file or the machine cannot run models (bad file, unsupported CPU).
    Unusable,
    /// The request cannot be answered (a prompt longer than the context window, a template that
    /// cannot format it).
    Request,
    /// llama.cpp failed while working.
    Internal,
}

/// A response from the worker process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum Response {
    /// The model asked for is loaded.
    Loaded,
    /// The next piece of the answer (complete UTF-8).
    Text { text: String },
    /// The answer is complete.
    Done {
        prompt_tokens: u64,
        completion_tokens: u64,
        ending: Ending,
    },
    /// The last request failed; the worker goes on serving.
    Failed { kind: FailureKind, message: String },
}

/// Writes `message` as one line and flushes it, so the other side sees it at once.
pub(crate) fn send<T: Serialize>(out: &mut impl Write, message: &T) -> std::io::Result<()> {
    let mut line = serde_json::to_vec(message).map_err(std::io::Error::other)?;
    line.push(b'\n');
    out.write_all(&line)?;
    out.flush()
}

/// What reading the next line gave.
#[derive(Debug)]
pub(crate) enum Received<T> {
    Message(T),
    /// A line that is not a message of this protocol, kept to be logged.
    Stray(String),
    /// The other side closed its end.
    Closed,
}

/// Reads the next line from `input` and decodes it.
pub(crate) fn receive<T: for<'de> Deserialize<'de>>(
    input: &mut impl BufRead,
    line: &mut String,
) -> std::io::Result<Received<T>> {
    line.clear();
    if input.read_line(line)? == 0 {
        return Ok(Received::Closed);
    }
    Ok(match serde_json::from_str(line.trim_end()) {
        Ok(message) => Received::Message(message),
        Err(_) => Received::Stray(line.trim_end().to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_cross_as_single_lines_and_stray_lines_are_kept_apart() {
        let mut wire = Vec::new();
        let generate = Request::Generate {
            id: 7,
            turns: vec![Turn {
                role: "user".into(),
                text: "two\nlines".into(),
            }],
            settings: Settings {
                temperature: 0.0,
                top_p: 1.0,
                max_tokens: Some(5),
                context: 128,
                threads: 1,
                seed: 3,
            },
        };
        send(&mut wire, &generate).unwrap();
        wire.extend_from_slice(b"ggml: some diagnostic\n");
        send(&mut wire, &Request::Cancel { id: 7 }).unwrap();
        assert_eq!(
            wire.iter().filter(|b| **b == b'\n').count(),
            3,
            "a newline inside a message's text must not split its line"
        );

        let mut input = std::io::Cursor::new(wire);
        let mut line = String::new();
        let mut next = || receive::<Request>(&mut input, &mut line).unwrap();
        assert!(matches!(next(), Received::Message(m) if m == generate));
        assert!(matches!(next(), Received::Stray(s) if s == "ggml: some diagnostic"));
        assert!(matches!(
            next(),
            Received::Message(Request::Cancel { id: 7 })
        ));
        assert!(matches!(next(), Received::Closed));
    }
}
