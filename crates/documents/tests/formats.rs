//! Each format parsed from a real file, checked for what a user would notice in search results.

mod common;

use common::{heading_of, page_of, parsed};
use hearth_documents::parse;

#[test]
fn pdf_words_land_on_their_pages() {
    let doc = parsed("report.pdf");
    assert_eq!(page_of(&doc, "harbour survey of 2023"), Some(1));
    assert_eq!(page_of(&doc, "Sediment samples"), Some(2));
    assert_eq!(page_of(&doc, "warmest reading"), Some(2));
    assert_eq!(page_of(&doc, "Crane number four"), Some(3));
    let starts: Vec<_> = doc.sections.iter().map(|s| s.page).collect();
    assert_eq!(starts, [Some(1), Some(2), Some(3)], "one section per page, in order");
}

#[test]
fn pdf_words_are_not_glued_together() {
    let doc = parsed("report.pdf");
    for words in ["eastern quay", "Surveyors walked the quay twice", "Café Øresund, naïve façade, Zürich"] {
        assert!(doc.text.contains(words), "{words:?} should be in the text with its spaces:\n{}", doc.text);
    }
    // Words drawn one by one, apart, with no space characters between them.
    let row = doc.text.lines().find(|l| l.contains("Station")).expect("the station row should be there");
    let words: Vec<_> = row.split_whitespace().collect();
    assert_eq!(words, ["Station", "Depth", "Salinity", "Turbidity"], "separately drawn words stay apart");
}

#[test]
fn pdf_two_columns_read_left_then_right() {
    let doc = parsed("report.pdf");
    // Lines wrap where the writer wrapped them; compare the words.
    let words = doc.text.split_whitespace().collect::<Vec<_>>().join(" ");
    let left_end = words.find("grain sizes were recorded").expect("the left column's last words");
    let right_start = words.find("Right column").expect("the right column's first words");
    assert!(left_end < right_start, "the whole left column comes before the right one:\n{}", doc.text);
    assert!(words.contains("Left column. Sediment samples were taken at forty stations"), "a column's lines are not interleaved");
}

#[test]
fn pdf_from_a_second_writer_reads_too() {
    let doc = parsed("notes.pdf");
    assert_eq!(page_of(&doc, "Field notes"), Some(1));
    assert_eq!(page_of(&doc, "Water temperature was logged"), Some(2));
    assert!(doc.text.contains("counted every mooring, crane and slipway"));
}

#[test]
fn docx_has_paragraphs_headings_and_table_rows() {
    let doc = parsed("report.docx");
    assert_eq!(heading_of(&doc, "counted every mooring"), Some("Introduction".into()));
    assert_eq!(heading_of(&doc, "North | 120 | 15"), Some("Moorings by section".into()));
    assert_eq!(heading_of(&doc, "Dredge the southern berth"), Some("Recommendations".into()));
    assert!(doc.text.contains("Section | Moorings | Empty\nNorth | 120 | 15\nSouth | 92 | 22"), "{}", doc.text);
    // A word split over differently formatted runs stays one word.
    assert!(doc.text.contains("The quay is wellkept and busy."), "{}", doc.text);
    assert!(doc.text.starts_with("Harbour survey"), "the title comes first: {}", doc.text);
}

#[test]
fn xlsx_sheets_are_headings_and_rows_are_lines() {
    let doc = parsed("budget.xlsx");
    assert_eq!(heading_of(&doc, "Crane repair | 48000 | true"), Some("Budget".into()));
    assert_eq!(heading_of(&doc, "Ingrid Larsen | Harbour master"), Some("Staff".into()));
    assert!(doc.text.contains("Dredging | 125000.5 | false"), "{}", doc.text);
}

#[test]
fn pptx_slides_are_pages_with_their_titles() {
    let doc = parsed("survey.pptx");
    assert_eq!(page_of(&doc, "212 moorings counted"), Some(1));
    assert_eq!(heading_of(&doc, "212 moorings counted"), Some("Harbour survey 2023".into()));
    assert_eq!(page_of(&doc, "Dredge the southern berth"), Some(2));
    assert_eq!(heading_of(&doc, "Dredge the southern berth"), Some("Next steps".into()));
}

#[test]
fn markdown_headings_start_sections() {
    let md = "# Guide\n\nIntro text.\n\n## Install\n\nRun the script.\n\n```sh\n# not a heading\n```\n\nSetup\n-----\n\nLast words.\n";
    let doc = parse("guide.md", md.as_bytes()).unwrap();
    assert_eq!(doc.text, md, "Markdown is kept as written");
    assert_eq!(heading_of(&doc, "Intro text"), Some("Guide".into()));
    assert_eq!(heading_of(&doc, "not a heading"), Some("Install".into()), "a # inside a code block is code");
    assert_eq!(heading_of(&doc, "Last words"), Some("Setup".into()));
}

#[test]
fn html_gives_visible_text_and_headings() {
    let html = r#"<!doctype html><html><head><title>T</title><style>p{color:red}</style></head>
        <body><script>var secret = 1;</script><h1>Harbour <em>report</em></h1>
        <p>The quay is <b>busy</b>&nbsp;today &amp; calm.</p><h2>Table</h2>
        <table><tr><th>Section</th><th>Moorings</th></tr><tr><td>North</td><td>120</td></tr></table></body></html>"#;
    let doc = parse("page.html", html.as_bytes()).unwrap();
    assert!(!doc.text.contains("secret") && !doc.text.contains("color"), "no script or style: {}", doc.text);
    assert_eq!(heading_of(&doc, "The quay is busy"), Some("Harbour report".into()));
    assert!(doc.text.contains("today & calm."), "{}", doc.text);
    assert!(doc.text.contains("Section | Moorings\n\nNorth | 120") || doc.text.contains("Section | Moorings\nNorth | 120"), "{}", doc.text);
    assert_eq!(heading_of(&doc, "North | 120"), Some("Table".into()));
}

#[test]
fn text_formats_keep_their_text_exactly() {
    for (name, content) in [
        ("data.json", r#"{"harbour": "Øresund", "moorings": 212}"#),
        ("table.csv", "section,moorings\nNorth,120\n"),
        ("main.rs", "fn main() {\n    println!(\"quay\");\n}\n"),
        ("notes", "no extension at all\n"),
    ] {
        let doc = parse(name, content.as_bytes()).unwrap();
        assert_eq!(doc.text, content, "{name} is kept as written");
        assert!(doc.sections.is_empty());
    }
}

#[test]
fn legacy_and_utf16_text_is_decoded() {
    let latin = parse("old.txt", b"caf\xe9 na\xefve").unwrap();
    assert_eq!(latin.text, "café naïve", "8-bit text is read as Windows-1252");
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend("quay ø".encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(parse("wide.txt", &utf16).unwrap().text, "quay ø");
    let damaged = parse("damaged.txt", "Øresund \u{e9}".as_bytes().iter().copied().chain([0xff]).collect::<Vec<_>>().as_slice());
    assert_eq!(damaged.unwrap().text, "Øresund é\u{fffd}", "a damaged UTF-8 file keeps its good characters");
}
