//! Excel workbooks (.xlsx): each sheet under its name as the heading, one line per row with the
//! cells separated by ` | `.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use crate::document::DocumentBuilder;
use crate::zip_archive::Archive;
use crate::{Document, MAX_TEXT_BYTES, ParseError};

const KIND: &str = "Excel workbook";

/// Parses a .xlsx file's sheets in workbook order.
pub(crate) fn parse(filename: &str, bytes: &[u8]) -> Result<Document, ParseError> {
    // calamine inflates parts without a limit, so the whole archive is read through the limits first.
    Archive::open(filename, bytes, KIND)?.check_all()?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| ParseError::invalid(filename, format_args!("is not a valid {KIND} ({e})")))?;
    let mut builder = DocumentBuilder::default();
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| ParseError::invalid(filename, format_args!("is a damaged {KIND} (sheet '{name}': {e})")))?;
        let mut lines = String::new();
        for row in range.rows() {
            let cells: Vec<String> = row.iter().map(cell_text).collect();
            let used = cells.iter().rposition(|c| !c.is_empty()).map_or(0, |last| last + 1);
            if used > 0 {
                lines.push_str(&cells[..used].join(" | "));
                lines.push('\n');
            }
            if lines.len() > MAX_TEXT_BYTES {
                break;
            }
        }
        if !lines.is_empty() {
            builder.push_heading(&name);
            builder.push_block(&lines);
        }
        if builder.len() > MAX_TEXT_BYTES {
            break;
        }
    }
    Ok(builder.finish())
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.split_whitespace().collect::<Vec<_>>().join(" "),
        other => other.to_string(),
    }
}
