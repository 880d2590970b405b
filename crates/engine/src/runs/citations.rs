//! Citation markers in an answer: `【{search}:{result}†{file name}】`, the form the file_search tool
//! teaches the model. A marker that names a result the model was given becomes a `file_citation`
//! annotation; the marker itself stays in the text, as the hosted tool left it.
//!
//! Answers arrive in fragments, and a marker may be split across them, so [`CitationScanner`] holds
//! back text from a `【` until it either closes as a marker or proves not to be one. Everything
//! before a `【` goes out at once, so ordinary text is never delayed.
//!
//! Offsets count characters (Unicode scalar values), as the SDKs slice `value` with them.

use std::collections::HashMap;

const OPEN: char = '【';
const CLOSE: char = '】';
const DAGGER: char = '†';
/// Longest file name part a marker may have; anything longer is ordinary text.
const MAX_NAME_CHARS: usize = 256;
/// Most digits of either number in a marker.
const MAX_DIGITS: usize = 6;

/// A search result a marker may cite: `【search:result†…】` names it by the two numbers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CitedSource {
    pub file_id: String,
    /// The chunk the result carried.
    pub quote: String,
}

/// The sources of one run, by (search number, result number).
pub(crate) type Sources = HashMap<(u32, u32), CitedSource>;

/// A marker found in the text, with its place in the whole value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Citation {
    /// The marker exactly as written.
    pub text: String,
    pub start_index: u64,
    pub end_index: u64,
    pub file_id: String,
    pub quote: String,
}

/// What a fragment released: text to append to the value, and the citations inside it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Released {
    pub text: String,
    pub citations: Vec<Citation>,
}

/// Finds markers in a streamed text, one fragment at a time.
#[derive(Debug, Default)]
pub(crate) struct CitationScanner {
    /// Text held back because it may be the start of a marker; it always begins with `【`.
    held: String,
    /// Characters released so far: the offset of the next released character in the value.
    released_chars: u64,
}

/// How a text starting with `【` reads as a marker.
#[derive(Debug, PartialEq)]
enum Marker {
    /// A whole marker, `len` bytes long, with its numbers.
    Whole {
        len: usize,
        search: u32,
        result: u32,
    },
    /// Everything so far fits a marker, but it has not closed yet.
    Partial,
    /// Not a marker.
    Not,
}

impl CitationScanner {
    /// Takes the next fragment; returns what can be released now.
    pub(crate) fn push(&mut self, fragment: &str, sources: &Sources) -> Released {
        let mut pending = std::mem::take(&mut self.held);
        pending.push_str(fragment);
        let mut released = Released::default();
        let mut rest = pending.as_str();
        while let Some(at) = rest.find(OPEN) {
            self.release(&rest[..at], &mut released);
            let candidate = &rest[at..];
            match read_marker(candidate) {
                Marker::Whole {
                    len,
                    search,
                    result,
                } => {
                    let marker = &candidate[..len];
                    if let Some(source) = sources.get(&(search, result)) {
                        let start = self.released_chars;
                        let end = start + marker.chars().count() as u64;
                        released.citations.push(Citation {
                            text: marker.to_owned(),
                            start_index: start,
                            end_index: end,
                            file_id: source.file_id.clone(),
                            quote: source.quote.clone(),
                        });
                    }
                    self.release(marker, &mut released);
                    rest = &candidate[len..];
                }
                Marker::Partial => {
                    self.held = candidate.to_owned();
                    return released;
                }
                Marker::Not => {
                    self.release(&candidate[..OPEN.len_utf8()], &mut released);
                    rest = &candidate[OPEN.len_utf8()..];
                }
            }
        }
        self.release(rest, &mut released);
        released
    }

    /// The answer ended: whatever is held is plain text after all.
    pub(crate) fn finish(&mut self) -> Released {
        let held = std::mem::take(&mut self.held);
        let mut released = Released::default();
        self.release(&held, &mut released);
        released
    }

    fn release(&mut self, text: &str, released: &mut Released) {
        self.released_chars += text.chars().count() as u64;
        released.text.push_str(text);
    }
}

/// Reads `【digits:digits†name】` at the start of `text` (which starts with `【`).
fn read_marker(text: &str) -> Marker {
    let mut chars = text.char_indices().skip(1);
    let search = match read_number(&mut chars, ':') {
        Ok(n) => n,
        Err(marker) => return marker,
    };
    let result = match read_number(&mut chars, DAGGER) {
        Ok(n) => n,
        Err(marker) => return marker,
    };
    let mut name_chars = 0;
    for (at, c) in chars {
        match c {
            CLOSE if name_chars > 0 => {
                return Marker::Whole {
                    len: at + CLOSE.len_utf8(),
                    search,
                    result,
                };
            }
            CLOSE | OPEN | '\n' => return Marker::Not,
            _ if name_chars >= MAX_NAME_CHARS => return Marker::Not,
            _ => name_chars += 1,
        }
    }
    Marker::Partial
}

/// Reads digits up to `end`; `Err` says whether the text may still become a marker.
fn read_number(chars: &mut impl Iterator<Item = (usize, char)>, end: char) -> Result<u32, Marker> {
    let mut digits = String::new();
    loop {
        match chars.next() {
            None => return Err(Marker::Partial),
            Some((_, c)) if c.is_ascii_digit() && digits.len() < MAX_DIGITS => digits.push(c),
            Some((_, c)) if c == end && !digits.is_empty() => {
                return digits.parse().map_err(|_| Marker::Not);
            }
            Some(_) => return Err(Marker::Not),
        }
    }
}

/// The marker the model is taught to write for result `result` of search `search`.
pub(crate) fn marker(search: u32, result: u32, file_name: &str) -> String {
    // A name with the marker's own brackets or a line break would make the marker unreadable.
    let name: String = file_name
        .chars()
        .map(|c| match c {
            OPEN | CLOSE | '\n' | '\r' => ' ',
            other => other,
        })
        .take(MAX_NAME_CHARS)
        .collect();
    let name = if name.trim().is_empty() {
        "source".to_owned()
    } else {
        name
    };
    format!("{OPEN}{search}:{result}{DAGGER}{name}{CLOSE}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Sources {
        let mut sources = Sources::new();
        sources.insert(
            (4, 0),
            CitedSource {
                file_id: "file-report".into(),
                quote: "Revenue grew 12%.".into(),
            },
        );
        sources.insert(
            (4, 1),
            CitedSource {
                file_id: "file-notes".into(),
                quote: "Costs fell.".into(),
            },
        );
        sources
    }

    /// Feeds `fragments` and returns the whole released text and every citation.
    fn scan(fragments: &[&str]) -> (String, Vec<Citation>, Vec<String>) {
        let sources = sources();
        let mut scanner = CitationScanner::default();
        let mut text = String::new();
        let mut citations = Vec::new();
        let mut pieces = Vec::new();
        for fragment in fragments {
            let released = scanner.push(fragment, &sources);
            pieces.push(released.text.clone());
            text.push_str(&released.text);
            citations.extend(released.citations);
        }
        let rest = scanner.finish();
        pieces.push(rest.text.clone());
        text.push_str(&rest.text);
        citations.extend(rest.citations);
        (text, citations, pieces)
    }

    fn slice(value: &str, start: u64, end: u64) -> String {
        value
            .chars()
            .skip(start as usize)
            .take((end - start) as usize)
            .collect()
    }

    #[test]
    fn a_whole_marker_becomes_a_citation_with_character_offsets() {
        let (text, citations, _) = scan(&["Revenue grew【4:0†report.pdf】."]);
        assert_eq!(text, "Revenue grew【4:0†report.pdf】.");
        assert_eq!(citations.len(), 1);
        let citation = &citations[0];
        assert_eq!(citation.text, "【4:0†report.pdf】");
        assert_eq!((citation.start_index, citation.end_index), (12, 28));
        assert_eq!(
            slice(&text, citation.start_index, citation.end_index),
            citation.text
        );
        assert_eq!(citation.file_id, "file-report");
        assert_eq!(citation.quote, "Revenue grew 12%.");
    }

    #[test]
    fn offsets_count_characters_not_bytes() {
        let (text, citations, _) = scan(&["Größe — 增长 😀 ", "【4:1†Notizen.md】 ok"]);
        let citation = &citations[0];
        assert_eq!(citation.start_index, 13, "13 characters precede the marker");
        assert_eq!(
            slice(&text, citation.start_index, citation.end_index),
            "【4:1†Notizen.md】"
        );
        assert_eq!(citation.file_id, "file-notes");
    }

    #[test]
    fn a_marker_split_over_fragments_is_held_until_it_closes() {
        let (text, citations, pieces) = scan(&[
            "See ",
            "【",
            "4",
            ":0",
            "†rep",
            "ort.pdf",
            "】",
            " and more",
        ]);
        assert_eq!(text, "See 【4:0†report.pdf】 and more");
        assert_eq!(citations.len(), 1);
        assert_eq!((citations[0].start_index, citations[0].end_index), (4, 20));
        assert_eq!(pieces[0], "See ", "text before a marker is not held");
        assert_eq!(
            pieces[1..6],
            ["", "", "", "", ""],
            "the partial marker is held"
        );
        assert_eq!(pieces[6], "【4:0†report.pdf】");
        assert_eq!(pieces[7], " and more");
    }

    #[test]
    fn a_bracket_that_is_no_marker_is_released_as_soon_as_that_is_clear() {
        let (text, citations, pieces) = scan(&["a【", "note】 b", " c"]);
        assert_eq!(text, "a【note】 b c");
        assert!(citations.is_empty());
        assert_eq!(pieces[0], "a");
        assert_eq!(pieces[1], "【note】 b");
        let (_, _, pieces) = scan(&["x【4:", "y"]);
        assert_eq!(pieces[1], "【4:y", "a letter where a digit belongs ends it");
    }

    #[test]
    fn markers_naming_unknown_results_stay_plain_text() {
        let (text, citations, _) = scan(&["A【9:9†ghost.pdf】 B【4:1†notes.md】"]);
        assert_eq!(text, "A【9:9†ghost.pdf】 B【4:1†notes.md】");
        assert_eq!(citations.len(), 1, "only the known result is cited");
        assert_eq!(citations[0].file_id, "file-notes");
        assert_eq!(citations[0].start_index, 18);
    }

    #[test]
    fn an_unclosed_marker_at_the_end_is_released_as_text() {
        let (text, citations, pieces) = scan(&["Done 【4:0†rep"]);
        assert_eq!(text, "Done 【4:0†rep");
        assert!(citations.is_empty());
        assert_eq!(pieces, ["Done ", "【4:0†rep"]);
    }

    #[test]
    fn malformed_markers_are_not_citations() {
        for text in [
            "【4†a】",
            "【:0†a】",
            "【4:0†】",
            "【4:0a】",
            "【4:0†a\nb】",
            "【1234567:0†a】",
        ] {
            let (out, citations, _) = scan(&[text]);
            assert_eq!(out, text, "text is never changed");
            assert!(citations.is_empty(), "{text} should not be a citation");
        }
        let long = format!("【4:0†{}】", "n".repeat(MAX_NAME_CHARS + 1));
        assert!(scan(&[&long]).1.is_empty(), "an overlong name is no marker");
    }

    #[test]
    fn a_new_bracket_inside_a_broken_marker_can_start_a_real_one() {
        let (text, citations, _) = scan(&["【4:【4:0†r.pdf】"]);
        assert_eq!(text, "【4:【4:0†r.pdf】");
        assert_eq!(citations.len(), 1);
        assert_eq!(citations[0].start_index, 3);
    }

    #[test]
    fn several_markers_in_one_fragment_each_get_their_place() {
        let (text, citations, _) = scan(&["X【4:0†a】【4:1†b】Y"]);
        assert_eq!(citations.len(), 2);
        for citation in &citations {
            assert_eq!(
                slice(&text, citation.start_index, citation.end_index),
                citation.text
            );
        }
        assert_eq!(citations[1].start_index, citations[0].end_index);
    }

    #[test]
    fn the_taught_marker_reads_back_and_names_are_made_safe() {
        assert_eq!(marker(4, 0, "report.pdf"), "【4:0†report.pdf】");
        assert_eq!(marker(1, 2, "a】b\nc"), "【1:2†a b c】");
        assert_eq!(marker(0, 0, ""), "【0:0†source】");
        let written = marker(4, 1, "odd 【name】.txt");
        let (_, citations, _) = scan(&[&written]);
        assert_eq!(citations.len(), 1, "{written} should read back as a marker");
    }
}
