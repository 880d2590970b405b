//! The code_interpreter tool inside a run: how it is offered to the model, how the code is read
//! from its streamed arguments, what the model gets back, and the `sandbox:/mnt/data/…` links of
//! an answer that become `file_path` annotations.
//!
//! The model sees the tool as a function taking the code as one string. Its arguments arrive as
//! JSON fragments; the step streams the code itself as it is decoded, as hosted.

use hearth_wire::{
    AssistantTool, CodeInterpreterOutput, CodeInterpreterOutputDelta, FunctionObject,
    ImageOutputDelta, Run, RunStep,
};
use serde_json::{Value, json};

/// The name the model calls the tool by.
pub(crate) const TOOL_NAME: &str = "code_interpreter";

/// After this many calls in one run the tool is no longer offered, so a model that keeps running
/// code (or a `tool_choice` that forces it) still has to answer.
pub(crate) const MAX_CALLS_PER_RUN: usize = 16;

/// Where the session's files are, as the code sees them.
pub(crate) const DATA_DIR: &str = "/mnt/data";

/// A code_interpreter call while its run executes.
#[derive(Debug, Clone, Default)]
pub(crate) struct CodeCall {
    /// The code as decoded (and streamed) so far; all of it once the arguments are complete.
    pub input: String,
    /// What it produced, once it ran.
    pub outputs: Option<Vec<CodeInterpreterOutput>>,
}

/// The stream's form of output number `index`.
pub(crate) fn output_delta(
    index: u32,
    output: &CodeInterpreterOutput,
) -> Option<CodeInterpreterOutputDelta> {
    match output {
        CodeInterpreterOutput::Logs { logs } => Some(CodeInterpreterOutputDelta::Logs {
            index,
            logs: Some(logs.clone()),
        }),
        CodeInterpreterOutput::Image { image } => Some(CodeInterpreterOutputDelta::Image {
            index,
            image: Some(ImageOutputDelta {
                file_id: Some(image.file_id.clone()),
            }),
        }),
        _ => None,
    }
}

/// Whether `run` has the code_interpreter tool.
pub(crate) fn enabled(run: &Run) -> bool {
    run.tools
        .iter()
        .any(|tool| matches!(tool, AssistantTool::CodeInterpreter))
}

/// The function the model is offered.
pub(crate) fn tool_definition() -> FunctionObject {
    let parameters = json!({
        "type": "object",
        "properties": {
            "code": {
                "type": "string",
                "description": "The Python code to run."
            }
        },
        "required": ["code"]
    });
    FunctionObject {
        name: TOOL_NAME.to_owned(),
        description: Some(
            "Run Python code in a stateful session, like a notebook: variables, imports and files persist between calls in this conversation. numpy, pandas, matplotlib, openpyxl and pillow are installed. There is no internet access. Returns what the code printed, errors with their traceback, and the charts it drew."
                .to_owned(),
        ),
        parameters: parameters.as_object().cloned(),
        strict: None,
    }
}

/// What the system instructions gain when code_interpreter is on: how to use it and which files
/// the session holds, by the names the code sees.
pub(crate) fn instructions(files: &[String]) -> String {
    let mut text = format!(
        "You can run Python with the code_interpreter tool. Use it for calculations, data analysis and charts instead of guessing. Files are read and written under {DATA_DIR}. Charts drawn with matplotlib (plt.show(), or figures left open) are shown to the user as images; do not describe an image as attached unless the tool returned it. To give the user a file, save it under {DATA_DIR} and link to it as sandbox:{DATA_DIR}/<name>."
    );
    if files.is_empty() {
        text.push_str(" The user has provided no files.");
    } else {
        text.push_str(" The user's files:");
        for name in files {
            text.push_str(&format!("\n- {DATA_DIR}/{name}"));
        }
    }
    text
}

/// The code in a call's complete arguments. Models sometimes send the code itself instead of the
/// JSON object; that is accepted too. `Err` is the text the model gets back.
pub(crate) fn parse_code(arguments: &str) -> Result<String, String> {
    let code = match serde_json::from_str::<Value>(arguments) {
        Ok(Value::Object(object)) => match object.get("code").or_else(|| object.get("input")) {
            Some(Value::String(code)) => code.clone(),
            _ => {
                return Err(
                    "The code_interpreter call had no code. Call it again with {\"code\": \"...\"}."
                        .to_owned(),
                );
            }
        },
        Ok(Value::String(code)) => code,
        _ if !arguments.trim_start().starts_with('{') => arguments.to_owned(),
        Err(error) => {
            return Err(format!(
                "The code_interpreter arguments are not valid JSON ({error}). Call it again with {{\"code\": \"...\"}}."
            ));
        }
        Ok(_) => {
            return Err(
                "The code_interpreter call had no code. Call it again with {\"code\": \"...\"}."
                    .to_owned(),
            );
        }
    };
    if code.trim().is_empty() {
        return Err(
            "The code_interpreter call had empty code. Call it again with the code to run."
                .to_owned(),
        );
    }
    Ok(code)
}

/// As much of the `code` string as the arguments received so far spell out, decoded. Stops
/// before an escape sequence that is not complete yet; empty until the string has begun.
pub(crate) fn partial_code(arguments: &str) -> String {
    let Some(start) = code_string_start(arguments) else {
        return String::new();
    };
    let mut decoded = String::new();
    let mut chars = arguments[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => {
                let rest = chars.as_str();
                let Some((text, used)) = decode_escape(rest) else {
                    break;
                };
                decoded.push_str(&text);
                chars = rest[used..].chars();
            }
            c => decoded.push(c),
        }
    }
    decoded
}

/// The byte offset just after the opening quote of the `code` value, once it has arrived.
fn code_string_start(arguments: &str) -> Option<usize> {
    let key = arguments.find("\"code\"")?;
    let after_key = key + "\"code\"".len();
    let rest = &arguments[after_key..];
    let colon = rest.find(':')?;
    if !rest[..colon].trim().is_empty() {
        return None;
    }
    let value = &rest[colon + 1..];
    let quote = value.find('"')?;
    if !value[..quote].trim().is_empty() {
        return None;
    }
    Some(after_key + colon + 1 + quote + 1)
}

/// One escape sequence after its backslash: the text it stands for and the bytes it took, or
/// `None` when it is not complete yet.
fn decode_escape(rest: &str) -> Option<(String, usize)> {
    let first = rest.chars().next()?;
    let simple = match first {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        '"' => Some('"'),
        '\\' => Some('\\'),
        '/' => Some('/'),
        'u' => None,
        other => Some(other),
    };
    if let Some(c) = simple {
        return Some((c.to_string(), first.len_utf8()));
    }
    let unit = parse_hex4(rest.get(1..5)?)?;
    if (0xD800..0xDC00).contains(&unit) {
        // A high surrogate: its low half follows as another \u escape.
        let low = rest.get(5..11)?;
        let low = low.strip_prefix("\\u").and_then(parse_hex4)?;
        let c = char::decode_utf16([unit, low])
            .next()?
            .unwrap_or(char::REPLACEMENT_CHARACTER);
        return Some((c.to_string(), 11));
    }
    let c = char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER);
    Some((c.to_string(), 5))
}

fn parse_hex4(hex: &str) -> Option<u16> {
    (hex.len() == 4)
        .then(|| u16::from_str_radix(hex, 16).ok())
        .flatten()
}

/// The text the model gets back for a call: what the code printed, the images it drew and the
/// files it wrote.
pub(crate) fn tool_output(outputs: &[CodeInterpreterOutput], files: &[String]) -> String {
    let mut text = String::new();
    for output in outputs {
        match output {
            CodeInterpreterOutput::Logs { logs } => text.push_str(logs),
            CodeInterpreterOutput::Image { image } => {
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push_str(&format!("[image {} shown to the user]\n", image.file_id));
            }
            _ => {}
        }
    }
    if !files.is_empty() {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str("Files written: ");
        let links: Vec<String> = files
            .iter()
            .map(|name| format!("sandbox:{DATA_DIR}/{name}"))
            .collect();
        text.push_str(&links.join(", "));
    }
    if text.trim().is_empty() {
        text = "The code ran and printed nothing.".to_owned();
    }
    text
}

/// Every code_interpreter call of a run's steps, in order.
pub(crate) fn code_calls(steps: &[RunStep]) -> usize {
    steps
        .iter()
        .filter_map(|step| match &step.step_details {
            hearth_wire::StepDetails::ToolCalls { tool_calls } => Some(tool_calls),
            _ => None,
        })
        .flatten()
        .filter(|call| matches!(call, hearth_wire::ToolCall::CodeInterpreter { .. }))
        .count()
}

/// A `sandbox:/mnt/data/<name>` link in an answer: where it is (character offsets, as annotations
/// count) and the name under `/mnt/data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SandboxLink {
    pub text: String,
    pub name: String,
    pub start: u64,
    pub end: u64,
}

/// The sandbox links in `text`. A link ends at whitespace or at a character that closes Markdown
/// (`)`, `]`, `>`, quotes); a trailing full stop or comma is not part of it.
pub(crate) fn sandbox_links(text: &str) -> Vec<SandboxLink> {
    let prefix = format!("sandbox:{DATA_DIR}/");
    let mut links = Vec::new();
    let mut searched = 0;
    while let Some(found) = text[searched..].find(&prefix) {
        let start = searched + found;
        let name_start = start + prefix.len();
        let name_len = text[name_start..]
            .find(|c: char| c.is_whitespace() || matches!(c, ')' | ']' | '>' | '"' | '\'' | '`'))
            .unwrap_or(text.len() - name_start);
        let name = text[name_start..name_start + name_len].trim_end_matches(['.', ',', ';', ':']);
        let end = name_start + name.len();
        if !name.is_empty() {
            links.push(SandboxLink {
                text: text[start..end].to_owned(),
                name: name.to_owned(),
                start: text[..start].chars().count() as u64,
                end: text[..end].chars().count() as u64,
            });
        }
        searched = end.max(name_start);
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_streams_as_its_json_string_is_decoded() {
        let whole = r#"{"code": "import pandas as pd\nprint(\"héllo\", 'x\u00e9\ud83d\ude00')"}"#;
        let expected = "import pandas as pd\nprint(\"héllo\", 'xé😀')";
        assert_eq!(parse_code(whole).unwrap(), expected);
        // Every prefix decodes to a prefix of the code, and the whole decodes to all of it.
        let mut last = String::new();
        for end in (0..=whole.len()).filter(|&end| whole.is_char_boundary(end)) {
            let partial = partial_code(&whole[..end]);
            assert!(expected.starts_with(&partial), "{partial:?} at {end}");
            assert!(partial.len() >= last.len());
            last = partial;
        }
        assert_eq!(last, expected);
        assert_eq!(partial_code(r#"{"co"#), "");
        assert_eq!(partial_code(r#"{"code": "a\"#), "a");
    }

    #[test]
    fn arguments_are_read_leniently_and_empty_code_is_refused() {
        assert_eq!(parse_code(r#"{"code":"print(1)"}"#).unwrap(), "print(1)");
        assert_eq!(parse_code("print(1)").unwrap(), "print(1)");
        assert!(parse_code(r#"{"code": ""}"#).unwrap_err().contains("empty"));
        assert!(
            parse_code(r#"{"language": "python"}"#)
                .unwrap_err()
                .contains("no code")
        );
        assert!(
            parse_code(r#"{"code": "pri"#)
                .unwrap_err()
                .contains("not valid JSON")
        );
    }

    #[test]
    fn sandbox_links_are_found_with_character_offsets() {
        let text =
            "Voilà: [the data](sandbox:/mnt/data/résumé.csv). Also sandbox:/mnt/data/chart.png.";
        let links = sandbox_links(text);
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].name, "résumé.csv");
        assert_eq!(links[0].text, "sandbox:/mnt/data/résumé.csv");
        let chars: Vec<char> = text.chars().collect();
        let span: String = chars[links[0].start as usize..links[0].end as usize]
            .iter()
            .collect();
        assert_eq!(span, links[0].text);
        assert_eq!(links[1].name, "chart.png");
        assert!(sandbox_links("no links here").is_empty());
    }

    #[test]
    fn the_model_is_told_what_ran_and_what_was_made() {
        let outputs = vec![
            CodeInterpreterOutput::Logs {
                logs: "42\n".into(),
            },
            CodeInterpreterOutput::Image {
                image: hearth_wire::ImageOutput {
                    file_id: "file-abc".into(),
                },
            },
        ];
        let text = tool_output(&outputs, &["out.csv".to_owned()]);
        assert!(text.starts_with("42\n[image file-abc shown to the user]"));
        assert!(text.ends_with("sandbox:/mnt/data/out.csv"));
        assert!(tool_output(&[], &[]).contains("printed nothing"));
    }
}
