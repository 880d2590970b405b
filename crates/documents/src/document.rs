//! The parsed form of a file: its text and where pages and headings begin in it.

/// A parsed document: its text and where pages and headings begin in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// All the searchable text, in reading order.
    pub text: String,
    /// Where pages and headings change, sorted by `start`; empty for formats with neither.
    pub sections: Vec<Section>,
}

/// From `start` (a byte offset into [`Document::text`], on a char boundary) on, the text is on `page`
/// (counted from 1, for paged formats) under `heading` (the nearest heading, for formats with headings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Byte offset into the document's text where this section begins.
    pub start: usize,
    /// The page, counted from 1, for paged formats (PDF pages, slides, sheets are not pages).
    pub page: Option<u32>,
    /// The nearest heading above `start`, for formats with headings.
    pub heading: Option<String>,
}

impl Document {
    /// The section that holds the byte at `offset` (the last one starting at or before it).
    pub fn section_at(&self, offset: usize) -> Option<&Section> {
        let after = self.sections.partition_point(|s| s.start <= offset);
        after.checked_sub(1).map(|i| &self.sections[i])
    }
}

/// Builds a [`Document`] block by block, recording a section whenever the page or heading changes.
#[derive(Debug, Default)]
pub(crate) struct DocumentBuilder {
    document: Document,
    page: Option<u32>,
    heading: Option<String>,
}

impl DocumentBuilder {
    /// Starts a new page (counted from 1) at the current end of the text.
    pub(crate) fn start_page(&mut self, page: u32) {
        self.separate();
        self.page = Some(page);
        self.mark();
    }

    /// Adds a heading line; the text that follows sits under it.
    pub(crate) fn push_heading(&mut self, heading: &str) {
        let heading = collapse_whitespace(heading);
        if heading.is_empty() {
            return;
        }
        self.separate();
        self.heading = Some(heading.clone());
        self.mark();
        self.document.text.push_str(&heading);
        self.document.text.push('\n');
    }

    /// Adds a block of text (a paragraph, a table row, a page's text) on lines of its own.
    pub(crate) fn push_block(&mut self, block: &str) {
        if block.trim().is_empty() {
            return;
        }
        self.separate();
        self.document.text.push_str(block.trim_end());
        self.document.text.push('\n');
    }

    /// The length of the text so far, in bytes.
    pub(crate) fn len(&self) -> usize {
        self.document.text.len()
    }

    pub(crate) fn finish(mut self) -> Document {
        let kept = self.document.text.trim_end().len();
        self.document.text.truncate(kept);
        self.document.sections.retain(|s| s.start <= kept);
        self.document
    }

    /// Blocks are separated by a blank line so paragraphs stay apart in the text a model reads.
    fn separate(&mut self) {
        if !self.document.text.is_empty() && !self.document.text.ends_with("\n\n") {
            self.document.text.push('\n');
        }
    }

    fn mark(&mut self) {
        if self.page.is_none() && self.heading.is_none() {
            return;
        }
        let section = Section { start: self.document.text.len(), page: self.page, heading: self.heading.clone() };
        // A later mark at the same offset (a heading at the top of a page) replaces the earlier one.
        match self.document.sections.last_mut() {
            Some(last) if last.start == section.start => *last = section,
            _ => self.document.sections.push(section),
        }
    }
}

/// Collapses runs of whitespace (markup indentation, line breaks inside a heading) into one space.
pub(crate) fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
