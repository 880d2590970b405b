//! Reading the parts of a zip-based office file without letting a zip bomb exhaust memory.
//!
//! An archive's declared sizes can lie, so they are checked first (cheap) and the inflated bytes
//! are counted again while reading (sound): past [`MAX_UNZIPPED_BYTES`] in all, or past
//! [`MAX_INFLATE_RATIO`] times an entry's compressed size, reading stops and the file fails.

use std::io::{Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

use crate::ParseError;
use crate::limits::{MAX_ARCHIVE_ENTRIES, MAX_INFLATE_RATIO, MAX_UNZIPPED_BYTES, RATIO_CHECK_FLOOR};

/// An open office file whose parts are read within the limits.
pub(crate) struct Archive<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    filename: &'a str,
    /// What the file is called in messages ("Word document", "PowerPoint presentation", …).
    kind: &'static str,
    unzipped: u64,
}

impl<'a> Archive<'a> {
    /// Opens the archive, failing when it is damaged or has too many entries.
    pub(crate) fn open(filename: &'a str, bytes: &'a [u8], kind: &'static str) -> Result<Self, ParseError> {
        let zip = ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| ParseError::invalid(filename, format_args!("is not a valid {kind} ({})", describe(&e))))?;
        if zip.len() > MAX_ARCHIVE_ENTRIES {
            return Err(ParseError::invalid(
                filename,
                format_args!("has {} parts inside, more than the {MAX_ARCHIVE_ENTRIES} a real {kind} has", zip.len()),
            ));
        }
        Ok(Self { zip, filename, kind, unzipped: 0 })
    }

    /// The names of the archive's parts.
    pub(crate) fn names(&self) -> Vec<String> {
        self.zip.file_names().filter_map(|name| name.ok().map(|name| name.into_owned())).collect()
    }

    /// Reads one part, or `None` when the archive has no part of that name.
    pub(crate) fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ParseError> {
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        self.read_index(index).map(Some)
    }

    /// Reads every part through the limits and discards it: proves a whole archive is safe before
    /// handing it to a reader that does not count (calamine).
    pub(crate) fn check_all(&mut self) -> Result<(), ParseError> {
        for index in 0..self.zip.len() {
            self.read_index(index)?;
        }
        Ok(())
    }

    fn read_index(&mut self, index: usize) -> Result<Vec<u8>, ParseError> {
        let (filename, kind) = (self.filename, self.kind);
        let damaged = |e: &ZipError| ParseError::invalid(filename, format_args!("is a damaged {kind} ({})", describe(e)));
        let mut entry = self.zip.by_index(index).map_err(|e| damaged(&e))?;
        let compressed = entry.compressed_size();
        let budget = MAX_UNZIPPED_BYTES - self.unzipped;
        if entry.size() > budget || exceeds_ratio(entry.size(), compressed) {
            return Err(bomb(filename, kind));
        }
        let mut part = Vec::with_capacity(entry.size().min(budget) as usize);
        let mut buffer = [0u8; 64 * 1024];
        loop {
            let n = entry.read(&mut buffer).map_err(|e| {
                ParseError::invalid(filename, format_args!("is a damaged {kind} ({})", lowercase_first(&e.to_string())))
            })?;
            if n == 0 {
                break;
            }
            part.extend_from_slice(&buffer[..n]);
            if part.len() as u64 > budget || exceeds_ratio(part.len() as u64, compressed) {
                return Err(bomb(filename, kind));
            }
        }
        self.unzipped += part.len() as u64;
        Ok(part)
    }
}

fn exceeds_ratio(unzipped: u64, compressed: u64) -> bool {
    unzipped > RATIO_CHECK_FLOOR && unzipped > compressed.saturating_mul(MAX_INFLATE_RATIO)
}

fn bomb(filename: &str, kind: &str) -> ParseError {
    ParseError::invalid(
        filename,
        format_args!(
            "unpacks to far more data than a real {kind} holds (over {} MB, or over {MAX_INFLATE_RATIO} times its packed size); it looks like a zip bomb",
            MAX_UNZIPPED_BYTES >> 20
        ),
    )
}

fn describe(error: &ZipError) -> String {
    match error {
        ZipError::InvalidArchive(_) | ZipError::Io(_) => "it is not a complete zip archive".to_owned(),
        ZipError::UnsupportedArchive(what) => format!("it uses an unsupported feature: {}", lowercase_first(what)),
        ZipError::FileNotFound => "a part is missing".to_owned(),
        other => lowercase_first(&other.to_string()),
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}
