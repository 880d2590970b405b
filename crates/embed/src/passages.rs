//! Passages cut from one text with overlap (as file search's chunks are) joined back into that
//! text, so the model reads each word piece once instead of once per passage holding it.

use std::ops::Range;

/// A piece of a longer text: its text and the character offset where it starts in that text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Passage<'a> {
    /// The passage's text, exactly as it stands in the longer text.
    pub text: &'a str,
    /// Where it starts in the longer text, in characters.
    pub start: u64,
}

/// Passages that overlap or touch, joined into the stretch of text they cover.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Run {
    pub text: String,
    /// Each member: its index among the passages and its byte range in `text`.
    pub members: Vec<(usize, Range<usize>)>,
}

/// Joins passages into runs. A passage joins the run before it (in order of start) when it starts
/// inside or right after it and the text they share is the same; otherwise it starts a run of its
/// own, so passages that do not fit together are still read, just not shared.
pub(crate) fn join(passages: &[Passage<'_>]) -> Vec<Run> {
    let mut order: Vec<usize> = (0..passages.len()).collect();
    order.sort_by_key(|&i| passages[i].start);
    let mut runs: Vec<Run> = Vec::new();
    // The character span of the last run.
    let mut span = 0..0u64;
    for i in order {
        let passage = passages[i];
        let chars = passage.text.chars().count() as u64;
        let joined = match runs.last_mut() {
            Some(run) if (span.start..=span.end).contains(&passage.start) => {
                extend(run, span.end, i, passage)
            }
            _ => false,
        };
        if joined {
            span.end = span.end.max(passage.start + chars);
        } else {
            runs.push(Run {
                text: passage.text.to_owned(),
                members: vec![(i, 0..passage.text.len())],
            });
            span = passage.start..passage.start + chars;
        }
    }
    runs
}

/// Adds `passage` (starting at or before the run's end, `run_end` in characters) to `run` when
/// the text they share agrees.
fn extend(run: &mut Run, run_end: u64, index: usize, passage: Passage<'_>) -> bool {
    let shared_chars = (run_end - passage.start) as usize;
    let Some(at) = byte_of_char_from_end(&run.text, shared_chars) else {
        return false;
    };
    let tail = &run.text[at..];
    let agrees = if passage.text.len() >= tail.len() {
        passage.text.starts_with(tail)
    } else {
        tail.starts_with(passage.text)
    };
    if !agrees {
        return false;
    }
    if passage.text.len() > tail.len() {
        let rest = &passage.text[tail.len()..];
        run.text.push_str(rest);
    }
    run.members.push((index, at..at + passage.text.len()));
    true
}

/// The byte offset `chars` characters before the end of `text`.
fn byte_of_char_from_end(text: &str, chars: usize) -> Option<usize> {
    if chars == 0 {
        return Some(text.len());
    }
    text.char_indices().rev().nth(chars - 1).map(|(at, _)| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(text: &str, start: u64) -> Passage<'_> {
        Passage { text, start }
    }

    #[test]
    fn overlapping_passages_become_their_text_once() {
        let whole = "Ünïcode façade: the harbour office opens at nine.";
        let chars: Vec<char> = whole.chars().collect();
        let cut = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
        let (a, b, c) = (cut(0, 20), cut(10, 35), cut(30, chars.len()));
        let runs = join(&[passage(&b, 10), passage(&a, 0), passage(&c, 30)]);
        assert_eq!(runs.len(), 1, "overlapping passages share one run");
        let run = &runs[0];
        assert_eq!(run.text, whole);
        for (index, range) in &run.members {
            let expected = [&b, &a, &c][*index];
            assert_eq!(&run.text[range.clone()], expected.as_str());
        }
    }

    #[test]
    fn touching_and_contained_passages_join() {
        let runs = join(&[passage("alpha ", 0), passage("beta", 6), passage("ph", 2)]);
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].text, "alpha beta");
        assert_eq!(runs[0].members[1], (2, 2..4));
    }

    #[test]
    fn gaps_and_disagreements_start_new_runs() {
        let runs = join(&[
            passage("one two", 0),
            passage("three", 20),
            passage("xxree four", 23),
        ]);
        assert_eq!(
            runs.len(),
            3,
            "a gap and a text that does not match both split: {runs:?}"
        );
        assert_eq!(runs[2].text, "xxree four");
    }
}
