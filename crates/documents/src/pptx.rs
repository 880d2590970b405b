//! PowerPoint presentations (.pptx): each slide is a page, its title the heading, then the text of
//! its shapes paragraph by paragraph.

use std::collections::HashMap;

use quick_xml::events::Event;

use crate::document::DocumentBuilder;
use crate::xml::{attribute, damaged, local_name, reader, reference_text};
use crate::zip_archive::Archive;
use crate::{Document, ParseError};

const KIND: &str = "PowerPoint presentation";

/// Parses a .pptx file's slides in presentation order.
pub(crate) fn parse(filename: &str, bytes: &[u8]) -> Result<Document, ParseError> {
    let mut archive = Archive::open(filename, bytes, KIND)?;
    let slides = slide_parts(filename, &mut archive)?;
    let mut builder = DocumentBuilder::default();
    for (number, part) in slides.iter().enumerate() {
        let Some(slide) = archive.read(part)? else { continue };
        builder.start_page(number as u32 + 1);
        read_slide(filename, &slide, &mut builder)?;
    }
    Ok(builder.finish())
}

/// The slide parts in the order `ppt/presentation.xml` lists them (file names do not follow a
/// reordering); falls back to the numbers in the names.
fn slide_parts(filename: &str, archive: &mut Archive<'_>) -> Result<Vec<String>, ParseError> {
    let presentation = archive.read("ppt/presentation.xml")?;
    let relations = archive.read("ppt/_rels/presentation.xml.rels")?;
    if let (Some(presentation), Some(relations)) = (presentation, relations) {
        let targets = relation_targets(filename, &relations)?;
        let mut xml = reader(filename, &presentation, KIND)?;
        let mut parts = Vec::new();
        loop {
            match xml.read_event().map_err(|e| damaged(filename, KIND, e))? {
                Event::Start(e) | Event::Empty(e) if local_name(&e) == "sldId" => {
                    if let Some(target) = attribute(&e, "id").and_then(|id| targets.get(&id)) {
                        parts.push(format!("ppt/{}", target.trim_start_matches("/ppt/")));
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !parts.is_empty() {
            return Ok(parts);
        }
    }
    let mut numbered: Vec<(u32, String)> = archive
        .names()
        .into_iter()
        .filter_map(|name| {
            let number = name.strip_prefix("ppt/slides/slide")?.strip_suffix(".xml")?.parse().ok()?;
            Some((number, name))
        })
        .collect();
    numbered.sort();
    Ok(numbered.into_iter().map(|(_, name)| name).collect())
}

/// Relationship id → target, from a `.rels` part.
fn relation_targets(filename: &str, relations: &[u8]) -> Result<HashMap<String, String>, ParseError> {
    let mut xml = reader(filename, relations, KIND)?;
    let mut targets = HashMap::new();
    loop {
        match xml.read_event().map_err(|e| damaged(filename, KIND, e))? {
            Event::Start(e) | Event::Empty(e) if local_name(&e) == "Relationship" => {
                if let (Some(id), Some(target)) = (attribute(&e, "Id"), attribute(&e, "Target")) {
                    targets.insert(id, target);
                }
            }
            Event::Eof => return Ok(targets),
            _ => {}
        }
    }
}

/// Adds one slide: the title placeholder's text as the heading, every other paragraph as a line.
fn read_slide(filename: &str, slide: &[u8], builder: &mut DocumentBuilder) -> Result<(), ParseError> {
    let mut xml = reader(filename, slide, KIND)?;
    let mut is_title = false;
    let mut in_text = false;
    let mut paragraph = String::new();
    let mut title = String::new();
    let mut body = Vec::new();
    loop {
        match xml.read_event().map_err(|e| damaged(filename, KIND, e))? {
            Event::Start(e) if local_name(&e) == "t" => in_text = true,
            Event::Start(e) if local_name(&e) == "sp" => is_title = false,
            Event::Start(e) | Event::Empty(e) if local_name(&e) == "ph" => {
                is_title = matches!(attribute(&e, "type").as_deref(), Some("title" | "ctrTitle"));
            }
            Event::Empty(e) if local_name(&e) == "br" => paragraph.push('\n'),
            Event::Text(t) if in_text => paragraph.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => paragraph.push_str(&reference_text(&r)),
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => {
                    let text = std::mem::take(&mut paragraph);
                    if is_title {
                        if !title.is_empty() {
                            title.push(' ');
                        }
                        title.push_str(text.trim());
                    } else if !text.trim().is_empty() {
                        body.push(text.trim().to_owned());
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    builder.push_heading(&title);
    builder.push_block(&body.join("\n"));
    Ok(())
}
