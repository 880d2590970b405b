//! Word documents (.docx): paragraphs in order, headings from heading styles, tables as rows of
//! cells separated by ` | `.

use std::collections::HashMap;

use quick_xml::events::Event;

use crate::document::{DocumentBuilder, collapse_whitespace};
use crate::xml::{attribute, damaged, local_name, reader, reference_text};
use crate::zip_archive::Archive;
use crate::{Document, ParseError};

const KIND: &str = "Word document";

/// Parses a .docx file's body.
pub(crate) fn parse(filename: &str, bytes: &[u8]) -> Result<Document, ParseError> {
    let mut archive = Archive::open(filename, bytes, KIND)?;
    let Some(body) = archive.read("word/document.xml")? else {
        return Err(ParseError::invalid(filename, format_args!("is not a valid {KIND} (it has no document body)")));
    };
    let headings = match archive.read("word/styles.xml")? {
        Some(styles) => heading_styles(filename, &styles)?,
        None => HashMap::new(),
    };
    read_body(filename, &body, &headings)
}

/// Style ids of the heading styles, with their level: styles named "Title" or "heading N", or
/// with an outline level (how Word marks headings in any language).
fn heading_styles(filename: &str, styles: &[u8]) -> Result<HashMap<String, u8>, ParseError> {
    let mut xml = reader(filename, styles, KIND)?;
    let mut found = HashMap::new();
    let mut current: Option<String> = None;
    loop {
        match xml.read_event().map_err(|e| damaged(filename, KIND, e))? {
            Event::Start(e) | Event::Empty(e) => match local_name(&e).as_str() {
                "style" => current = attribute(&e, "styleId"),
                "name" => {
                    let name = attribute(&e, "val").unwrap_or_default().to_ascii_lowercase();
                    let level = if name == "title" { Some(0) } else { name.strip_prefix("heading ").and_then(|n| n.parse().ok()) };
                    if let (Some(id), Some(level)) = (&current, level) {
                        found.insert(id.clone(), level);
                    }
                }
                "outlineLvl" => {
                    if let (Some(id), Some(level)) = (&current, attribute(&e, "val").and_then(|v| v.parse::<u8>().ok()))
                        && level < 9
                    {
                        found.entry(id.clone()).or_insert(level + 1);
                    }
                }
                _ => {}
            },
            Event::Eof => return Ok(found),
            _ => {}
        }
    }
}

/// What is being collected while walking the body.
#[derive(Default)]
struct Body {
    builder: DocumentBuilder,
    paragraph: String,
    paragraph_style: Option<String>,
    /// Open tables, innermost last: the rows finished so far and the cells of the current row.
    tables: Vec<Table>,
    /// Inside `w:t`: its text is document text (field codes and deleted text are not).
    in_text: bool,
    /// Inside `mc:Fallback`, which repeats the content of `mc:Choice` for older readers.
    fallback_depth: usize,
}

#[derive(Default)]
struct Table {
    rows: Vec<String>,
    cells: Vec<String>,
}

fn read_body(filename: &str, body: &[u8], headings: &HashMap<String, u8>) -> Result<Document, ParseError> {
    let mut xml = reader(filename, body, KIND)?;
    let mut state = Body::default();
    loop {
        let event = xml.read_event().map_err(|e| damaged(filename, KIND, e))?;
        match event {
            Event::Start(e) => {
                let name = local_name(&e);
                if name == "Fallback" || state.fallback_depth > 0 {
                    state.fallback_depth += 1;
                    continue;
                }
                match name.as_str() {
                    "t" => state.in_text = true,
                    "tbl" => state.tables.push(Table::default()),
                    "pStyle" => state.paragraph_style = attribute(&e, "val"),
                    _ => {}
                }
            }
            Event::Empty(e) => {
                if state.fallback_depth > 0 {
                    continue;
                }
                match local_name(&e).as_str() {
                    "tab" => state.paragraph.push('\t'),
                    "br" | "cr" => state.paragraph.push('\n'),
                    "noBreakHyphen" => state.paragraph.push('-'),
                    "pStyle" => state.paragraph_style = attribute(&e, "val"),
                    _ => {}
                }
            }
            Event::Text(t) if state.in_text && state.fallback_depth == 0 => state.paragraph.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if state.in_text && state.fallback_depth == 0 => state.paragraph.push_str(&reference_text(&r)),
            Event::End(e) => {
                if state.fallback_depth > 0 {
                    state.fallback_depth -= 1;
                    continue;
                }
                match e.local_name().as_ref() {
                    "t" => state.in_text = false,
                    "p" => end_paragraph(&mut state, headings),
                    "tc" => {
                        if let Some(table) = state.tables.last_mut() {
                            table.cells.push(String::new());
                        }
                    }
                    "tr" => end_row(&mut state),
                    "tbl" => end_table(&mut state),
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        if state.builder.len() > crate::MAX_TEXT_BYTES {
            break;
        }
    }
    Ok(state.builder.finish())
}

fn end_paragraph(state: &mut Body, headings: &HashMap<String, u8>) {
    let text = std::mem::take(&mut state.paragraph);
    let style = state.paragraph_style.take();
    if let Some(table) = state.tables.last_mut() {
        // A cell's paragraphs join into the cell; the cell closes at `</w:tc>`.
        let cell = open_cell(table);
        if !cell.is_empty() && !text.trim().is_empty() {
            cell.push(' ');
        }
        cell.push_str(text.trim());
        return;
    }
    let is_heading = style.as_ref().is_some_and(|s| headings.contains_key(s));
    if is_heading {
        state.builder.push_heading(&text);
    } else {
        state.builder.push_block(&text);
    }
}

/// The cell being filled: cells are opened lazily so `</w:tc>` can start the next one.
fn open_cell(table: &mut Table) -> &mut String {
    if table.cells.is_empty() {
        table.cells.push(String::new());
    }
    table.cells.last_mut().expect("a cell was just ensured")
}

fn end_row(state: &mut Body) {
    let Some(table) = state.tables.last_mut() else { return };
    // `</w:tc>` pushed an empty cell for the next one; drop it.
    if table.cells.last().is_some_and(String::is_empty) {
        table.cells.pop();
    }
    let cells: Vec<String> = table.cells.drain(..).map(|c| collapse_whitespace(&c)).collect();
    if cells.iter().any(|c| !c.is_empty()) {
        table.rows.push(cells.join(" | "));
    }
}

fn end_table(state: &mut Body) {
    let Some(table) = state.tables.pop() else { return };
    let rows = table.rows.join("\n");
    match state.tables.last_mut() {
        // A nested table becomes the text of the cell that holds it.
        Some(outer) => open_cell(outer).push_str(&rows.replace('\n', "; ")),
        None => state.builder.push_block(&rows),
    }
}
