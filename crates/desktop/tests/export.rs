//! Exporting a thread with a chart and a citation to Markdown, JSON and HTML through the app's
//! state over a real SQLite store and real files, and importing the JSON back.

use std::path::Path;

use base64::Engine as _;
use hearth_desktop::{ExportFormat, Hearth, Paths};
use hearth_engine::Engine;
use hearth_wire::{FileObject, Message, MessageContent, MessageRole};
use serde_json::json;

/// Bytes of a real (tiny, 1×1) PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\0\x05\0\x01\xff\x89\x99=\x1d\0\0\0\0IEND\xaeB`\x82";

const PASSAGE: &str = "Revenue in the north grew 12% in 2025, the most of any region.";

fn open(dir: &Path) -> Hearth {
    Hearth::open(Paths {
        data_dir: dir.join("data"),
        settings_file: dir.join("config").join("settings.json"),
    })
    .expect("Hearth should open on a fresh folder")
}

async fn make_chart(engine: &Engine) -> FileObject {
    let body =
        futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(PNG))]);
    engine
        .create_output_file("chart-1.png", body)
        .await
        .unwrap()
}

/// A thread as a code_interpreter and file_search run leave it: a question, then an answer with
/// a chart and a citation, and the run's file_search step with the passage it found.
async fn sales_thread(hearth: &Hearth) -> (String, FileObject) {
    let engine = hearth.engine();
    let chart = make_chart(engine).await;
    let report = {
        let body = futures_util::stream::iter([Ok::<_, std::io::Error>(
            bytes::Bytes::from_static(b"report"),
        )]);
        engine
            .create_output_file("sales-report.pdf", body)
            .await
            .unwrap()
    };
    let thread = engine
        .create_thread(
            serde_json::from_value(json!({"metadata": {"title": "Sales by region"}})).unwrap(),
        )
        .unwrap();
    let store = engine.store();
    let run: hearth_wire::Run = serde_json::from_value(json!({
        "id": "run_1", "object": "thread.run", "created_at": 2, "thread_id": thread.id,
        "assistant_id": "asst_1", "status": "completed", "required_action": null,
        "last_error": null, "expires_at": null, "started_at": 2, "cancelled_at": null,
        "failed_at": null, "completed_at": 3, "incomplete_details": null, "model": "m",
        "instructions": "", "tools": [{"type": "file_search"}, {"type": "code_interpreter"}],
        "metadata": {}, "usage": null, "temperature": null, "top_p": null,
        "max_prompt_tokens": null, "max_completion_tokens": null,
        "truncation_strategy": {"type": "auto", "last_messages": null},
        "tool_choice": "auto", "parallel_tool_calls": true, "response_format": "auto"
    }))
    .unwrap();
    store.put_run(&run).unwrap();
    let step: hearth_wire::RunStep = serde_json::from_value(json!({
        "id": "step_1", "object": "thread.run.step", "created_at": 2, "assistant_id": "asst_1",
        "thread_id": thread.id, "run_id": "run_1", "type": "tool_calls", "status": "completed",
        "step_details": {"type": "tool_calls", "tool_calls": [{"id": "call_1", "type": "file_search",
            "file_search": {"results": [{"file_id": report.id, "file_name": "sales-report.pdf",
                "score": 0.9, "content": [{"type": "text", "text": PASSAGE}]}]}}]},
        "last_error": null, "expired_at": null, "cancelled_at": null, "failed_at": null,
        "completed_at": 3, "metadata": {}, "usage": null
    }))
    .unwrap();
    store.insert_run_step(&step).unwrap();
    let question = "Which region grew most? <script>alert('x')</script>";
    let answer = "The **north** grew most【0:0†sales-report.pdf】. See the chart below.";
    let marker_start = answer.chars().position(|c| c == '【').unwrap() as u64;
    let marker_end = marker_start + "【0:0†sales-report.pdf】".chars().count() as u64;
    let messages = [
        json!({"id": "msg_1", "object": "thread.message", "created_at": 1, "thread_id": thread.id,
            "status": "completed", "incomplete_details": null, "completed_at": 1, "incomplete_at": null,
            "role": "user", "content": [{"type": "text", "text": {"value": question, "annotations": []}}],
            "assistant_id": null, "run_id": null, "attachments": [], "metadata": {}}),
        json!({"id": "msg_2", "object": "thread.message", "created_at": 3, "thread_id": thread.id,
            "status": "completed", "incomplete_details": null, "completed_at": 3, "incomplete_at": null,
            "role": "assistant", "content": [
                {"type": "image_file", "image_file": {"file_id": chart.id}},
                {"type": "text", "text": {"value": answer, "annotations": [{
                    "type": "file_citation", "text": "【0:0†sales-report.pdf】",
                    "file_citation": {"file_id": report.id},
                    "start_index": marker_start, "end_index": marker_end}]}}],
            "assistant_id": "asst_1", "run_id": "run_1", "attachments": [], "metadata": {}}),
    ];
    for message in messages {
        let message: Message = serde_json::from_value(message).unwrap();
        store.put_message(&message).unwrap();
    }
    (thread.id, chart)
}

fn names_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn the_html_export_is_one_page_with_the_chart_inline_the_citation_and_no_script() {
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    let (thread_id, _) = sales_thread(&hearth).await;
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let target = out.join("Sales by region.html");
    hearth
        .export_thread(&thread_id, ExportFormat::Html, &target)
        .await
        .unwrap();

    let html = std::fs::read_to_string(&target).unwrap();
    let inline = format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(PNG)
    );
    assert!(html.contains(&inline), "the chart is inline as a data: URI");
    assert!(
        html.contains("<strong>north</strong> grew most"),
        "the answer's Markdown is rendered: {html}"
    );
    assert!(
        html.contains("<a href=\"#source-1\">[1]</a>"),
        "the citation is a numbered link"
    );
    assert!(
        html.contains("sales-report.pdf") && html.contains(PASSAGE),
        "the source names the file and quotes the passage"
    );
    assert!(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"));
    assert!(
        !html.contains("<script"),
        "model or user text never becomes a script: {html}"
    );
    assert!(
        html.contains("&lt;script&gt;"),
        "the question's text is shown as written"
    );
    assert!(html.contains("<title>Sales by region</title>"));
    assert_eq!(
        names_in(&out),
        ["Sales by region.html"],
        "one file, nothing else"
    );
}

#[tokio::test]
async fn the_markdown_export_links_its_images_folder_and_footnotes_the_citation() {
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    let (thread_id, _) = sales_thread(&hearth).await;
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let target = out.join("sales.md");
    // An earlier export's folder is replaced whole.
    std::fs::create_dir(out.join("sales-images")).unwrap();
    std::fs::write(out.join("sales-images").join("stale.png"), b"old").unwrap();
    hearth
        .export_thread(&thread_id, ExportFormat::Markdown, &target)
        .await
        .unwrap();

    let markdown = std::fs::read_to_string(&target).unwrap();
    assert!(markdown.starts_with("# Sales by region\n"), "{markdown}");
    assert!(markdown.contains("## You\n") && markdown.contains("## Assistant\n"));
    assert!(
        markdown.contains("The **north** grew most[^1]."),
        "{markdown}"
    );
    assert!(
        markdown.contains(&format!("[^1]: sales-report.pdf — “{PASSAGE}”")),
        "{markdown}"
    );
    assert!(
        markdown.contains("![chart-1.png](<sales-images/chart-1.png>)"),
        "{markdown}"
    );
    assert_eq!(names_in(&out), ["sales-images", "sales.md"]);
    assert_eq!(names_in(&out.join("sales-images")), ["chart-1.png"]);
    assert_eq!(
        std::fs::read(out.join("sales-images").join("chart-1.png")).unwrap(),
        PNG
    );
}

#[tokio::test]
async fn a_failed_export_says_why_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    let (thread_id, _) = sales_thread(&hearth).await;
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // A folder where the Markdown file should go: the images are written, then the file fails.
    let in_the_way = out.join("sales.md");
    std::fs::create_dir(&in_the_way).unwrap();
    let error = hearth
        .export_thread(&thread_id, ExportFormat::Markdown, &in_the_way)
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("sales.md") && error.to_string().contains("folder"),
        "{error}"
    );
    assert_eq!(
        names_in(&out),
        ["sales.md"],
        "no images folder or temporary file may remain"
    );

    let nowhere = out.join("gone").join("sales.html");
    let error = hearth
        .export_thread(&thread_id, ExportFormat::Html, &nowhere)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("does not exist"), "{error}");
    let missing = hearth
        .export_thread("thread_nope", ExportFormat::Json, &out.join("x.json"))
        .await
        .unwrap_err();
    assert!(missing.to_string().contains("thread_nope"), "{missing}");
}

/// Roles, text and image bytes of a thread's messages, oldest first.
async fn shown(hearth: &Hearth, thread_id: &str) -> Vec<(MessageRole, Vec<String>, Vec<Vec<u8>>)> {
    let export = hearth.thread_export(thread_id).await.unwrap();
    let mut shown = Vec::new();
    for message in export.messages {
        let mut texts = Vec::new();
        let mut images = Vec::new();
        for part in message.content {
            match part {
                MessageContent::Text { text } => texts.push(text.value),
                MessageContent::ImageFile { image_file } => {
                    images.push(hearth.file_content(&image_file.file_id).await.unwrap())
                }
                other => panic!("an unexpected part: {other:?}"),
            }
        }
        shown.push((message.role, texts, images));
    }
    shown
}

#[tokio::test]
async fn a_json_export_imports_back_into_a_new_thread_with_the_same_messages() {
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    let (thread_id, chart) = sales_thread(&hearth).await;
    let target = dir.path().join("sales.json");
    hearth
        .export_thread(&thread_id, ExportFormat::Json, &target)
        .await
        .unwrap();

    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&target).unwrap()).unwrap();
    assert_eq!(json["format"], "hearth.thread");
    assert_eq!(json["version"], 1);
    assert_eq!(json["thread"]["object"], "thread");
    assert_eq!(json["messages"][1]["object"], "thread.message");
    assert_eq!(json["runs"][0]["object"], "thread.run");
    assert_eq!(json["run_steps"][0]["object"], "thread.run.step");
    let original = shown(&hearth, &thread_id).await;
    assert_eq!(original[1].2, [PNG.to_vec()]);

    // Into another profile's store: the chart is uploaded again from the export's bytes.
    let elsewhere_dir = tempfile::tempdir().unwrap();
    let elsewhere = open(elsewhere_dir.path());
    let imported = elsewhere.import_thread(&target).await.unwrap();
    assert_ne!(imported.id, thread_id);
    // The API takes no annotations: the citation comes back written into the answer's text.
    let mut expected = original.clone();
    expected[1].1 = vec![format!(
        "The **north** grew most[1]. See the chart below.\n\nSources:\n[1] sales-report.pdf — “{PASSAGE}”"
    )];
    assert_eq!(
        shown(&elsewhere, &imported.id).await,
        expected,
        "the messages round-trip, the citation with its file and passage"
    );
    assert_eq!(
        elsewhere.thread_title(&imported.id).await.unwrap(),
        "Sales by region"
    );

    // Into the same profile: the chart it still has is shown again, not copied.
    let again = hearth.import_thread(&target).await.unwrap();
    let export = hearth.thread_export(&again.id).await.unwrap();
    assert!(
        export.files.contains_key(&chart.id),
        "the same image file is used"
    );
    assert_eq!(shown(&hearth, &again.id).await, expected);
}

#[tokio::test]
async fn importing_something_that_is_not_an_export_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    let notes = dir.path().join("notes.json");
    std::fs::write(&notes, br#"{"title": "notes"}"#).unwrap();
    let error = hearth.import_thread(&notes).await.unwrap_err();
    assert!(
        error.to_string().contains("notes.json cannot be imported"),
        "{error}"
    );
    let before = hearth.thread_summaries(None).await.unwrap().len();
    let missing = hearth
        .import_thread(&dir.path().join("gone.json"))
        .await
        .unwrap_err();
    assert!(missing.to_string().contains("gone.json"), "{missing}");
    assert_eq!(
        hearth.thread_summaries(None).await.unwrap().len(),
        before,
        "no thread is made"
    );
}
