//! HTML: the text a reader sees (no scripts, styles or markup), with h1–h6 as headings and table
//! rows as cells separated by ` | `.

use dom_query::{Document as HtmlDocument, NodeRef};

use crate::Document;
use crate::document::{DocumentBuilder, collapse_whitespace};

/// Elements whose content is never shown as text.
const HIDDEN: &[&str] = &["head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas"];

/// Elements that start a new line of text.
const BLOCKS: &[&str] = &[
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "thead", "tfoot", "tr", "ul",
];

/// Parses an HTML page's visible text.
pub(crate) fn parse(_filename: &str, html: &str) -> Document {
    let page = HtmlDocument::from(html);
    let mut walker = Walker::default();
    // Depth-first with an explicit stack: deeply nested markup must not overflow the call stack.
    let mut stack = vec![Step::Enter(page.root())];
    while let Some(step) = stack.pop() {
        match step {
            Step::Enter(node) => walker.enter(node, &mut stack),
            Step::Leave(name) => walker.leave(&name),
        }
    }
    walker.flush();
    walker.builder.finish()
}

enum Step<'a> {
    Enter(NodeRef<'a>),
    Leave(String),
}

#[derive(Default)]
struct Walker {
    builder: DocumentBuilder,
    line: String,
    /// Inside `<pre>`: whitespace is kept as written.
    preformatted: usize,
}

impl Walker {
    fn enter<'a>(&mut self, node: NodeRef<'a>, stack: &mut Vec<Step<'a>>) {
        if node.is_text() {
            let text = node.text();
            if self.preformatted > 0 {
                self.line.push_str(&text);
            } else {
                self.push_inline(&text);
            }
            return;
        }
        if !node.is_element() && !node.is_document() && !node.is_fragment() {
            return;
        }
        let name = node.node_name().map(|n| n.to_ascii_lowercase()).unwrap_or_default();
        if HIDDEN.contains(&name.as_str()) {
            return;
        }
        if is_heading(&name) {
            self.flush();
            self.builder.push_heading(&node.text());
            return;
        }
        if BLOCKS.contains(&name.as_str()) {
            self.flush();
        }
        if matches!(name.as_str(), "td" | "th") && !self.line.trim().is_empty() {
            self.line.push_str(" | ");
        }
        if name == "pre" {
            self.preformatted += 1;
        }
        stack.push(Step::Leave(name));
        let children: Vec<_> = node.children_it(true).collect();
        stack.extend(children.into_iter().map(Step::Enter));
    }

    fn leave(&mut self, name: &str) {
        if name == "pre" {
            self.preformatted -= 1;
        }
        if BLOCKS.contains(&name) {
            self.flush();
        }
    }

    /// Adds running text, collapsing whitespace as a browser does.
    fn push_inline(&mut self, text: &str) {
        let starts_with_space = text.starts_with(char::is_whitespace);
        let ends_with_space = text.ends_with(char::is_whitespace);
        let words = collapse_whitespace(text);
        if (starts_with_space || words.is_empty()) && !self.line.is_empty() && !self.line.ends_with(' ') {
            self.line.push(' ');
        }
        self.line.push_str(&words);
        if ends_with_space && !words.is_empty() {
            self.line.push(' ');
        }
    }

    fn flush(&mut self) {
        let line = std::mem::take(&mut self.line);
        if self.preformatted > 0 {
            self.builder.push_block(line.trim_matches('\n'));
        } else {
            self.builder.push_block(line.trim());
        }
    }
}

fn is_heading(name: &str) -> bool {
    matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}
