//! The HTML export: one page that holds the whole thread, images included as `data:` URIs, so it
//! can be mailed or archived and opened anywhere.
//!
//! Model output is untrusted. Its Markdown is rendered with raw HTML shown as text, links kept only
//! for `http(s)` and `mailto`, images from the web turned into links, and the page's
//! Content-Security-Policy allows no script, no connection and images from `data:` only.

use std::fmt::Write as _;

use base64::Engine as _;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use super::text::{Piece, Sources};
use super::{ThreadExport, author};
use hearth_wire::MessageContent;

/// What the page may load: nothing but its own inline styles and `data:` images.
pub(super) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

/// Private-use characters around a citation's number in the Markdown source; no model writes
/// them (they are taken out of its text first), and the renderer passes them through.
const CITE_OPEN: char = '\u{E000}';
const CITE_CLOSE: char = '\u{E001}';

const STYLE: &str = "body{font:15px/1.55 system-ui,sans-serif;max-width:820px;margin:2em auto;padding:0 1em;color:#1d1d1f;background:#fff}\
h1{font-size:1.5em}article{border-top:1px solid #ddd;padding:.5em 0}article>header{font-weight:600;color:#555;margin:.5em 0}\
article.user{background:#f6f7f9;padding:.5em 1em;border-radius:8px}pre{background:#f3f3f3;padding:.6em;overflow:auto}\
code{font-family:ui-monospace,monospace}figure{margin:1em 0}figure img{max-width:100%;height:auto}\
figcaption{color:#666;font-size:.85em}sup a{text-decoration:none}.sources blockquote{margin:.3em 0 .8em;padding-left:.8em;border-left:3px solid #ccd;color:#444;white-space:pre-wrap}";

/// The page for `export`.
pub(super) fn render(export: &ThreadExport) -> String {
    let mut sources = Sources::new(export);
    let mut body = String::new();
    for message in &export.messages {
        let role = if author(&message.role) == "You" {
            "user"
        } else {
            "assistant"
        };
        let _ = write!(
            body,
            "<article class=\"{role}\"><header>{}</header>",
            escape(author(&message.role))
        );
        for part in &message.content {
            match part {
                MessageContent::Text { text } => {
                    let mut source = String::new();
                    for piece in sources.pieces(message, &text.value, &text.annotations) {
                        match piece {
                            Piece::Text(text) => source.extend(text.chars().map(|c| {
                                if c == CITE_OPEN || c == CITE_CLOSE {
                                    '\u{FFFD}'
                                } else {
                                    c
                                }
                            })),
                            Piece::Citation(number) => {
                                let _ = write!(source, "{CITE_OPEN}{number}{CITE_CLOSE}");
                            }
                        }
                    }
                    body.push_str(&citations_as_links(&markdown_to_html(&source)));
                }
                MessageContent::ImageFile { image_file } => {
                    let file = export.files.get(&image_file.file_id);
                    let inline = file.and_then(|file| {
                        let bytes = file.content.as_deref()?;
                        Some((file.file.filename.as_str(), data_uri(bytes)?))
                    });
                    match inline {
                        Some((name, uri)) => {
                            let _ = write!(
                                body,
                                "<figure><img src=\"{uri}\" alt=\"{0}\"><figcaption>{0}</figcaption></figure>",
                                escape(name)
                            );
                        }
                        None => {
                            body.push_str("<p><em>(An image that is no longer available.)</em></p>")
                        }
                    }
                }
                MessageContent::ImageUrl { image_url } => {
                    body.push_str(&link_or_text(&image_url.url, "Image on the web"));
                }
                MessageContent::Refusal { refusal } => {
                    let _ = write!(body, "<blockquote>{}</blockquote>", escape(refusal));
                }
                _ => {}
            }
        }
        body.push_str("</article>\n");
    }
    if !sources.list.is_empty() {
        body.push_str("<section class=\"sources\"><h2>Sources</h2><ol>");
        for source in &sources.list {
            let _ = write!(
                body,
                "<li id=\"source-{}\">{}",
                source.number,
                escape(&source.file_name)
            );
            if let Some(passage) = &source.passage {
                let _ = write!(body, "<blockquote>{}</blockquote>", escape(passage));
            }
            body.push_str("</li>");
        }
        body.push_str("</ol></section>");
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CONTENT_SECURITY_POLICY}\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"generator\" content=\"Hearth\">\
         <title>{title}</title><style>{STYLE}</style></head>\n<body><h1>{title}</h1>\n{body}</body></html>\n",
        title = escape(&export.title),
    )
}

/// Markdown rendered with everything unsafe in it made harmless.
fn markdown_to_html(source: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let events = Parser::new_ext(source, options).map(|event| match event {
        // Raw HTML from the model is shown, never interpreted.
        Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        // An image from the web is not fetched (the policy would refuse it); it becomes a link.
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(dest_url),
            title,
            id,
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// `url` when it is an http(s) or mailto link, else nothing (a `javascript:` link goes nowhere).
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim().to_ascii_lowercase();
    if ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
    {
        url
    } else {
        CowStr::Borrowed("")
    }
}

fn link_or_text(url: &str, label: &str) -> String {
    match safe_url(CowStr::Borrowed(url)) {
        CowStr::Borrowed("") => format!("<p>{}</p>", escape(label)),
        url => format!("<p><a href=\"{}\">{}</a></p>", escape(&url), escape(label)),
    }
}

/// The rendered page with each citation placeholder made a numbered link to its source.
fn citations_as_links(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find(CITE_OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + CITE_OPEN.len_utf8()..];
        match after.find(CITE_CLOSE) {
            Some(end) if after[..end].chars().all(|c| c.is_ascii_digit()) => {
                let number = &after[..end];
                let _ = write!(
                    out,
                    "<sup><a href=\"#source-{number}\">[{number}]</a></sup>"
                );
                rest = &after[end + CITE_CLOSE.len_utf8()..];
            }
            _ => {
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The image as a `data:` URI, for the formats every browser shows; `None` for anything else
/// (an SVG could carry script, and other bytes are not an image).
fn data_uri(bytes: &[u8]) -> Option<String> {
    let mime = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        "image/jpeg"
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        "image/gif"
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "image/webp"
    } else {
        return None;
    };
    Some(format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

/// Text made safe to put in HTML, in an element or a quoted attribute.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_and_script_links_in_model_output_are_made_harmless() {
        let html = markdown_to_html(
            "Hi <script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) [ok](https://example.org)",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("&lt;script&gt;"),
            "the text stays readable: {html}"
        );
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("href=\"https://example.org\""), "{html}");
    }

    #[test]
    fn a_web_image_becomes_a_link_and_is_not_loaded() {
        let html = markdown_to_html("![tracker](https://example.org/t.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.org/t.png\">tracker</a>"),
            "{html}"
        );
    }

    #[test]
    fn only_real_images_are_inlined() {
        assert!(
            data_uri(b"\x89PNG\r\n\x1a\nrest")
                .unwrap()
                .starts_with("data:image/png;base64,")
        );
        assert_eq!(data_uri(b"<svg onload=alert(1)>"), None);
    }
}
