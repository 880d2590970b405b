//! An answer's text with its annotations resolved, for every writer alike: citation markers
//! (`【0:1†report.pdf】`) become numbered sources, `sandbox:` links become the linked file's name.

use hearth_wire::{Annotation, Message, MessageContent, RunStep, StepDetails, ToolCall};

use super::ThreadExport;

/// A piece of a text part.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Piece {
    /// Text as the model wrote it (Markdown).
    Text(String),
    /// A citation, by its number among the thread's sources.
    Citation(usize),
}

/// A source an answer cites, numbered in order of first appearance across the thread.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Source {
    /// Its number, from 1.
    pub number: usize,
    /// The cited file's name.
    pub file_name: String,
    /// The passage the file_search call found, when the run's steps still hold it.
    pub passage: Option<String>,
}

/// The ids of the files `annotations` refer to.
pub(super) fn annotation_file_ids(annotations: &[Annotation]) -> Vec<String> {
    annotations
        .iter()
        .filter_map(|annotation| match annotation {
            Annotation::FileCitation { file_citation, .. } => Some(file_citation.file_id.clone()),
            Annotation::FilePath { file_path, .. } => Some(file_path.file_id.clone()),
            _ => None,
        })
        .collect()
}

/// The numbering of a thread's sources as its text is written out, message by message.
pub(super) struct Sources<'a> {
    export: &'a ThreadExport,
    /// Every source so far, in order.
    pub list: Vec<Source>,
    /// The (file id, marker) of each source, to give a repeated citation its first number.
    keys: Vec<(String, String)>,
}

impl<'a> Sources<'a> {
    pub(super) fn new(export: &'a ThreadExport) -> Self {
        Self {
            export,
            list: Vec::new(),
            keys: Vec::new(),
        }
    }

    /// A file's name: its own when the profile has it, else `fallback` (the marker's), else its id.
    fn file_name(&self, file_id: &str, fallback: &str) -> String {
        match self.export.files.get(file_id) {
            Some(file) => file.file.filename.clone(),
            None if !fallback.is_empty() => fallback.to_owned(),
            None => file_id.to_owned(),
        }
    }

    /// `value` cut at its annotations. Offsets count characters (code points), as the API's do;
    /// an annotation that does not fit the text, or overlaps an earlier one, is left as text.
    pub(super) fn pieces(
        &mut self,
        message: &Message,
        value: &str,
        annotations: &[Annotation],
    ) -> Vec<Piece> {
        let chars: Vec<char> = value.chars().collect();
        let mut spans: Vec<(usize, usize, &Annotation)> = annotations
            .iter()
            .filter_map(|annotation| match annotation {
                Annotation::FileCitation {
                    start_index,
                    end_index,
                    ..
                }
                | Annotation::FilePath {
                    start_index,
                    end_index,
                    ..
                } => Some((*start_index as usize, *end_index as usize, annotation)),
                _ => None,
            })
            .collect();
        spans.sort_by_key(|(start, _, _)| *start);
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut cursor = 0;
        for (start, end, annotation) in spans {
            if start < cursor || end <= start || end > chars.len() {
                continue;
            }
            text.extend(&chars[cursor..start]);
            let marked: String = chars[start..end].iter().collect();
            match annotation {
                Annotation::FileCitation { file_citation, .. } => {
                    if !text.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut text)));
                    }
                    let number = self.number(message, &file_citation.file_id, &marked);
                    pieces.push(Piece::Citation(number));
                }
                Annotation::FilePath { file_path, .. } => {
                    let name = marked.rsplit('/').next().unwrap_or(&marked);
                    text.push_str(&self.file_name(&file_path.file_id, name));
                }
                _ => text.push_str(&marked),
            }
            cursor = end;
        }
        text.extend(&chars[cursor.min(chars.len())..]);
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        pieces
    }

    /// The number of the source `marker` cites in `file_id`, numbering it when new.
    fn number(&mut self, message: &Message, file_id: &str, marker: &str) -> usize {
        let key = (file_id.to_owned(), marker.to_owned());
        if let Some(index) = self.keys.iter().position(|known| *known == key) {
            return index + 1;
        }
        let parsed = parse_marker(marker);
        let passage = parsed.and_then(|(search, result, _)| {
            let run_id = message.run_id.as_deref()?;
            found_passage(&self.export.run_steps, run_id, search, result)
        });
        let fallback = parsed.map(|(_, _, name)| name).unwrap_or_default();
        let number = self.list.len() + 1;
        self.list.push(Source {
            number,
            file_name: self.file_name(file_id, fallback),
            passage,
        });
        self.keys.push(key);
        number
    }
}

/// The search and result numbers and the file name of a `【search:result†name】` marker.
fn parse_marker(marker: &str) -> Option<(usize, usize, &str)> {
    let inner = marker.strip_prefix('【')?.strip_suffix('】')?;
    let (numbers, name) = inner.split_once('†')?;
    let (search, result) = numbers.split_once(':')?;
    Some((search.parse().ok()?, result.parse().ok()?, name))
}

/// The text of result `result` of the `search`-th file_search call (from 0) of run `run_id`.
fn found_passage(steps: &[RunStep], run_id: &str, search: usize, result: usize) -> Option<String> {
    let calls = steps
        .iter()
        .filter(|step| step.run_id == run_id)
        .flat_map(|step| match &step.step_details {
            StepDetails::ToolCalls { tool_calls } => tool_calls.as_slice(),
            _ => &[],
        })
        .filter_map(|call| match call {
            ToolCall::FileSearch { file_search, .. } => Some(file_search),
            _ => None,
        });
    let found = calls
        .into_iter()
        .nth(search)?
        .results
        .as_ref()?
        .get(result)?;
    let text: Vec<&str> = found
        .content
        .as_ref()?
        .iter()
        .map(|part| part.text.as_str())
        .collect();
    let text = text.join("\n").trim().to_owned();
    (!text.is_empty()).then_some(text)
}

/// Longest quote of a passage in a written-out source, in characters.
const QUOTE_CHARS: usize = 240;

/// A text part with its annotations written into the text, for a thread imported through the
/// API, which takes no annotations: each citation becomes `[n]`, with a list of the sources (file
/// name and the start of the passage the search found) after the text; a link to a file the code
/// wrote becomes the file's name.
pub(crate) fn with_sources_written_out(
    export: &ThreadExport,
    message: &Message,
    value: &str,
    annotations: &[Annotation],
) -> String {
    let mut sources = Sources::new(export);
    let mut out = String::new();
    for piece in sources.pieces(message, value, annotations) {
        match piece {
            Piece::Text(text) => out.push_str(&text),
            Piece::Citation(number) => out.push_str(&format!("[{number}]")),
        }
    }
    if !sources.list.is_empty() {
        out.push_str("\n\nSources:");
        for source in &sources.list {
            out.push_str(&format!("\n[{}] {}", source.number, source.file_name));
            if let Some(passage) = &source.passage {
                let passage = passage.split_whitespace().collect::<Vec<_>>().join(" ");
                let mut quote: String = passage.chars().take(QUOTE_CHARS).collect();
                if quote.len() < passage.len() {
                    quote.push('…');
                }
                out.push_str(&format!(" — “{quote}”"));
            }
        }
    }
    out
}

/// A message's plain text (text parts joined), for a title.
pub(crate) fn plain_text(message: &Message) -> String {
    message
        .content
        .iter()
        .filter_map(|part| match part {
            MessageContent::Text { text } => Some(text.value.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_gives_its_search_result_and_file_name() {
        assert_eq!(
            parse_marker("【0:1†report.pdf】"),
            Some((0, 1, "report.pdf"))
        );
        assert_eq!(parse_marker("[0:1]"), None);
    }
}
