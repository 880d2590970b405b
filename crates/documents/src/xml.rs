//! Small pieces shared by the office readers, on top of quick-xml's event reader.

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart};

use crate::ParseError;

/// A reader over one XML part; office parts are UTF-8 by specification.
pub(crate) fn reader<'a>(filename: &str, part: &'a [u8], kind: &str) -> Result<Reader<&'a [u8]>, ParseError> {
    let text = std::str::from_utf8(part)
        .map_err(|_| ParseError::invalid(filename, format_args!("is a damaged {kind} (a part is not UTF-8 XML)")))?;
    Ok(Reader::from_str(text))
}

/// The error for XML that does not parse.
pub(crate) fn damaged(filename: &str, kind: &str, error: impl std::fmt::Display) -> ParseError {
    ParseError::invalid(filename, format_args!("is a damaged {kind} (its XML does not parse: {error})"))
}

/// The element's name without its namespace prefix (`w:p` → `p`).
pub(crate) fn local_name(element: &BytesStart<'_>) -> String {
    element.local_name().as_ref().to_owned()
}

/// The value of the attribute whose name without prefix is `local` (`w:val` → `val`).
pub(crate) fn attribute(element: &BytesStart<'_>, local: &str) -> Option<String> {
    element.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local).then(|| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map(|v| v.into_owned()).unwrap_or_default())
    })
}

/// The text an entity or character reference in element content stands for (`&amp;` → `&`).
pub(crate) fn reference_text(reference: &BytesRef<'_>) -> String {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return c.to_string();
    }
    let name = reference.clone().into_inner();
    quick_xml::escape::resolve_predefined_entity(&name).unwrap_or_default().to_owned()
}
