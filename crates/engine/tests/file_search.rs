//! file_search in runs, end to end: real SQLite and files in temp folders, scripted OpenAI and
//! Anthropic servers on loopback speaking their streamed wire formats (tool-call arguments split
//! across chunks), and the steps, messages, annotations and events a client sees.

use std::sync::Arc;
use std::time::Duration;

use hearth_engine::providers::{Anthropic, ApiKey, OpenAiCompatible, Provider, ProviderConfig};
use hearth_engine::{Engine, EngineConfig, RunStream, StepInclude};
use hearth_scripted::{Script, ScriptedAnthropic, ScriptedCall, ScriptedOpenAi};
use hearth_store::Store;
use hearth_wire::{
    Annotation, AnnotationDelta, AssistantTool, AttachmentTool, CreateAssistantRequest,
    CreateMessageRequest, CreateRunRequest, CreateThreadRequest, CreateVectorStoreRequest,
    FileObject, FilePurpose, FileSearchResources, FileStatus, ListQuery, MessageAttachment,
    MessageContent, MessageDeltaContent, RunStatus, StepDetails, StreamEvent, ToolCall,
    ToolResourcesRequest,
};
use serde_json::Value;

enum Wire {
    OpenAi(ScriptedOpenAi),
    Anthropic(ScriptedAnthropic),
}

impl Wire {
    fn bodies(&self) -> Vec<Value> {
        match self {
            Wire::OpenAi(server) => server.bodies(),
            Wire::Anthropic(server) => server.bodies(),
        }
    }
}

struct Fixture {
    engine: Engine,
    wire: Wire,
    dir: tempfile::TempDir,
}

async fn fixture(anthropic: bool, scripts: Vec<Script>) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("hearth.db")).unwrap();
    let (provider, wire): (Arc<dyn Provider>, Wire) = if anthropic {
        let server = ScriptedAnthropic::start(scripts).await;
        let config = ProviderConfig::new(server.base_url())
            .api_key(ApiKey::new("test-key"))
            .max_retries(0);
        (
            Arc::new(Anthropic::new(config).unwrap()),
            Wire::Anthropic(server),
        )
    } else {
        let server = ScriptedOpenAi::start(scripts).await;
        let config = ProviderConfig::new(server.base_url()).max_retries(0);
        (
            Arc::new(OpenAiCompatible::new(config).unwrap()),
            Wire::OpenAi(server),
        )
    };
    let config = EngineConfig {
        file_search_wait: Duration::from_secs(20),
        ..Default::default()
    };
    Fixture {
        engine: Engine::new(store, provider, config),
        wire,
        dir,
    }
}

impl Fixture {
    /// Stores `text` as an uploaded file named `name`.
    fn upload(&self, name: &str, text: &str) -> String {
        let id = format!("file-{}", name.replace('.', "-"));
        let path = self.dir.path().join(&id);
        std::fs::write(&path, text).unwrap();
        let file = FileObject {
            id: id.clone(),
            object: Default::default(),
            bytes: text.len() as u64,
            created_at: 1,
            expires_at: None,
            filename: name.to_owned(),
            purpose: FilePurpose::Assistants,
            status: FileStatus::Processed,
            status_details: None,
        };
        self.engine.store().insert_file(&file, &path).unwrap();
        id
    }

    fn assistant(&self, vector_store_ids: Vec<String>) -> String {
        let request = CreateAssistantRequest {
            model: "gpt-test".into(),
            instructions: Some("Answer from the files.".into()),
            tools: vec![AssistantTool::FileSearch { file_search: None }],
            tool_resources: Some(ToolResourcesRequest {
                code_interpreter: None,
                file_search: Some(hearth_wire::FileSearchResourcesRequest {
                    vector_store_ids: Some(vector_store_ids),
                    vector_stores: None,
                }),
            }),
            ..Default::default()
        };
        self.engine.create_assistant(request).unwrap().id
    }

    fn thread_with(&self, text: &str) -> String {
        let thread = self
            .engine
            .create_thread(CreateThreadRequest::default())
            .unwrap();
        self.engine
            .create_message(&thread.id, CreateMessageRequest::user(text))
            .unwrap();
        thread.id
    }
}

fn search_call(pieces: &[&str]) -> ScriptedCall {
    ScriptedCall::new("toolu_search1", "file_search", pieces.iter().copied())
}

async fn collect(mut stream: RunStream) -> Vec<StreamEvent> {
    let mut events = Vec::new();
    while let Some(event) = tokio::time::timeout(Duration::from_secs(30), stream.events.recv())
        .await
        .expect("the run should keep producing events until done")
    {
        let done = event == StreamEvent::Done;
        events.push(event);
        if done {
            break;
        }
    }
    events
}

fn final_status(events: &[StreamEvent]) -> RunStatus {
    events
        .iter()
        .rev()
        .find_map(|event| match event {
            StreamEvent::RunCompleted(run) | StreamEvent::RunFailed(run) => {
                Some(run.status.clone())
            }
            _ => None,
        })
        .expect("the run should end")
}

/// The text the model got back for its search, as the second request carried it.
fn tool_result_sent(body: &Value) -> String {
    let text = body.to_string();
    assert!(
        text.contains("toolu_search1") || text.contains("call_"),
        "the follow-up request should answer the call: {text}"
    );
    text
}

async fn run_without_stores(anthropic: bool) {
    let fx = fixture(
        anthropic,
        vec![
            Script::tool_calls([search_call(&["{\"que", "ries\": [\"rev", "enue\"]}"])]),
            Script::text(["I have no files to look in."]),
        ],
    )
    .await;
    let assistant = fx.assistant(Vec::new());
    let thread = fx.thread_with("What was the revenue?");
    let stream = fx
        .engine
        .create_run(
            &thread,
            CreateRunRequest {
                assistant_id: assistant,
                ..Default::default()
            },
        )
        .unwrap();
    let events = collect(stream).await;
    assert_eq!(final_status(&events), RunStatus::Completed);

    let bodies = fx.wire.bodies();
    assert_eq!(
        bodies.len(),
        2,
        "the model is called again with the search result"
    );
    let first = bodies[0].to_string();
    assert!(
        first.contains("\"file_search\""),
        "the tool is offered: {first}"
    );
    assert!(
        first.contains("【"),
        "the instructions teach the citation markers"
    );
    let second = tool_result_sent(&bodies[1]);
    assert!(
        second.contains("There are no files to search"),
        "the model is told plainly that nothing can be searched: {second}"
    );

    let run_id = match &events[0] {
        StreamEvent::RunCreated(run) => run.id.clone(),
        other => panic!("the first event should be the run: {other:?}"),
    };
    let steps = fx
        .engine
        .list_run_steps(&thread, &run_id, &ListQuery::default())
        .unwrap();
    let search = steps
        .data
        .iter()
        .find_map(|step| match &step.step_details {
            StepDetails::ToolCalls { tool_calls } => tool_calls.first().cloned(),
            _ => None,
        })
        .expect("a tool_calls step");
    let ToolCall::FileSearch { file_search, .. } = search else {
        panic!("the call should be a file_search call: {search:?}")
    };
    assert_eq!(file_search.results, Some(Vec::new()));
    let ranking = file_search
        .ranking_options
        .expect("ranking options are reported");
    assert_eq!(ranking.score_threshold, 0.0);
    assert_eq!(ranking.ranker.as_str(), "default_2024_08_21");
    assert!(
        events
            .iter()
            .any(|event| matches!(event, StreamEvent::RunStepDelta(_))),
        "the call is streamed as a step delta"
    );
}

#[tokio::test]
async fn without_vector_stores_the_model_is_told_so_over_openai() {
    run_without_stores(false).await;
}

#[tokio::test]
async fn without_vector_stores_the_model_is_told_so_over_anthropic() {
    run_without_stores(true).await;
}

#[tokio::test]
async fn attachments_naming_unknown_files_are_refused_with_their_ids() {
    let fx = fixture(false, Vec::new()).await;
    let thread = fx
        .engine
        .create_thread(CreateThreadRequest::default())
        .unwrap();
    let mut message = CreateMessageRequest::user("Read this");
    message.attachments = Some(vec![
        MessageAttachment {
            file_id: "file-missing1".into(),
            tools: vec![AttachmentTool::FileSearch],
        },
        MessageAttachment {
            file_id: "file-missing2".into(),
            tools: vec![AttachmentTool::CodeInterpreter],
        },
    ]);
    let err = fx.engine.create_message(&thread.id, message).unwrap_err();
    assert_eq!(err.status(), 400);
    let text = err.to_string();
    assert!(
        text.contains("'file-missing1'") && text.contains("'file-missing2'"),
        "both unknown files are named: {text}"
    );
    let messages = fx
        .engine
        .list_messages(&thread.id, None, &ListQuery::default())
        .unwrap();
    assert!(messages.data.is_empty(), "nothing is stored");
}

// The tests below search real vector stores, so they need the indexing engine.

const REPORT: &str = "Annual report 2023. Revenue grew by twelve percent to 4.2 million euros, driven by exports to Norway.";

async fn cited_answer(anthropic: bool) {
    let answer = [
        "Größe: die Umsätze stiegen ",
        "【0:",
        "0†report",
        ".txt】",
        " deutlich. Unknown 【7:7†x.txt】.",
    ];
    let fx = fixture(
        anthropic,
        vec![
            Script::tool_calls([search_call(&["{\"queries\": [\"revenue ", "growth\"]}"])]),
            Script::text(answer),
        ],
    )
    .await;
    let file = fx.upload("report.txt", REPORT);
    let store = fx
        .engine
        .create_vector_store(CreateVectorStoreRequest {
            file_ids: Some(vec![file.clone()]),
            ..Default::default()
        })
        .unwrap();
    let assistant = fx.assistant(vec![store.id.clone()]);
    let thread = fx.thread_with("How did revenue develop?");
    let stream = fx
        .engine
        .create_run_with_include(
            &thread,
            CreateRunRequest {
                assistant_id: assistant,
                ..Default::default()
            },
            StepInclude {
                file_search_content: true,
            },
        )
        .unwrap();
    let events = collect(stream).await;
    assert_eq!(final_status(&events), RunStatus::Completed);

    let second = tool_result_sent(&fx.wire.bodies()[1]);
    assert!(
        second.contains("【0:0†report.txt】"),
        "results are numbered: {second}"
    );
    assert!(
        second.contains("twelve percent"),
        "the chunk text goes back: {second}"
    );

    // The step shows the results; the run asked for their content.
    let completed_search = events
        .iter()
        .find_map(|event| match event {
            StreamEvent::RunStepCompleted(step) => match &step.step_details {
                StepDetails::ToolCalls { tool_calls } => tool_calls.first().cloned(),
                _ => None,
            },
            _ => None,
        })
        .expect("the search step completes");
    let ToolCall::FileSearch { file_search, .. } = completed_search else {
        panic!("a file_search call")
    };
    let results = file_search.results.expect("results");
    assert_eq!(results[0].file_id, file);
    assert_eq!(results[0].file_name, "report.txt");
    assert!((0.0..=1.0).contains(&results[0].score));
    let content = results[0]
        .content
        .as_ref()
        .expect("content, as include asked");
    assert!(content[0].text.contains("twelve percent"));

    // Stored message: the known marker is annotated, with character offsets.
    let messages = fx
        .engine
        .list_messages(&thread, None, &ListQuery::default())
        .unwrap();
    let MessageContent::Text { text } = &messages.data[0].content[0] else {
        panic!("the answer is text")
    };
    assert_eq!(text.value, answer.concat());
    assert_eq!(
        text.annotations.len(),
        1,
        "the unknown marker stays plain text"
    );
    let Annotation::FileCitation {
        text: marked,
        file_citation,
        start_index,
        end_index,
    } = &text.annotations[0]
    else {
        panic!("a file citation")
    };
    assert_eq!(marked, "【0:0†report.txt】");
    assert_eq!(file_citation.file_id, file);
    let sliced: String = text
        .value
        .chars()
        .skip(*start_index as usize)
        .take((end_index - start_index) as usize)
        .collect();
    assert_eq!(&sliced, marked, "offsets count characters");
    assert_eq!(*start_index, 27);

    // Streamed: the same annotation, in the delta that carries the marker.
    let deltas: Vec<AnnotationDelta> = events
        .iter()
        .filter_map(|event| match event {
            StreamEvent::MessageDelta(delta) => delta.delta.content.clone(),
            _ => None,
        })
        .flatten()
        .filter_map(|part| match part {
            MessageDeltaContent::Text { text, .. } => text.and_then(|t| t.annotations),
            _ => None,
        })
        .flatten()
        .collect();
    assert_eq!(deltas.len(), 1);
    let AnnotationDelta::FileCitation {
        index,
        text: delta_text,
        file_citation,
        start_index: delta_start,
        end_index: delta_end,
    } = &deltas[0]
    else {
        panic!("a file citation delta")
    };
    assert_eq!(*index, 0);
    assert_eq!(delta_text.as_deref(), Some("【0:0†report.txt】"));
    assert_eq!(
        (*delta_start, *delta_end),
        (Some(*start_index), Some(*end_index))
    );
    let citation = file_citation.as_ref().unwrap();
    assert_eq!(citation.file_id.as_deref(), Some(file.as_str()));
    assert!(
        citation
            .quote
            .as_deref()
            .unwrap()
            .contains("twelve percent")
    );

    // Reads leave the content out unless include[] asks for it.
    let run_id = messages.data[0].run_id.clone().unwrap();
    let plain = fx
        .engine
        .list_run_steps(&thread, &run_id, &ListQuery::default())
        .unwrap();
    let with = fx
        .engine
        .list_run_steps_with_include(
            &thread,
            &run_id,
            &ListQuery::default(),
            StepInclude {
                file_search_content: true,
            },
        )
        .unwrap();
    let content_of = |steps: &[hearth_wire::RunStep]| {
        steps.iter().find_map(|step| match &step.step_details {
            StepDetails::ToolCalls { tool_calls } => match &tool_calls[0] {
                ToolCall::FileSearch { file_search, .. } => {
                    Some(file_search.results.clone().unwrap()[0].content.clone())
                }
                _ => None,
            },
            _ => None,
        })
    };
    assert_eq!(
        content_of(&plain.data),
        Some(None),
        "no content without include"
    );
    assert!(
        content_of(&with.data).unwrap().is_some(),
        "content with include"
    );
}

#[tokio::test]
async fn a_searched_answer_cites_its_file_over_openai() {
    cited_answer(false).await;
}

#[tokio::test]
async fn a_searched_answer_cites_its_file_over_anthropic() {
    cited_answer(true).await;
}

#[tokio::test]
async fn a_file_search_attachment_makes_and_then_extends_the_threads_vector_store() {
    let fx = fixture(false, Vec::new()).await;
    let first = fx.upload("a.txt", REPORT);
    let second = fx.upload("b.txt", "Costs fell by three percent.");
    let attach = |file: &str| {
        let mut message = CreateMessageRequest::user("See the file");
        message.attachments = Some(vec![MessageAttachment {
            file_id: file.to_owned(),
            tools: vec![AttachmentTool::FileSearch],
        }]);
        message
    };
    let thread = fx
        .engine
        .create_thread(CreateThreadRequest {
            messages: Some(vec![attach(&first)]),
            ..Default::default()
        })
        .unwrap();
    let FileSearchResources { vector_store_ids } = thread
        .tool_resources
        .and_then(|resources| resources.file_search)
        .expect("the thread records its new vector store");
    assert_eq!(vector_store_ids.len(), 1);
    let store_id = &vector_store_ids[0];
    assert!(
        fx.engine
            .store()
            .get_vector_store_file(store_id, &first)
            .unwrap()
            .is_some()
    );
    fx.engine
        .create_message(&thread.id, attach(&second))
        .unwrap();
    let again = fx.engine.get_thread(&thread.id).unwrap();
    assert_eq!(
        again
            .tool_resources
            .unwrap()
            .file_search
            .unwrap()
            .vector_store_ids,
        vector_store_ids,
        "the same store is extended"
    );
    assert!(
        fx.engine
            .store()
            .get_vector_store_file(store_id, &second)
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn inline_vector_stores_are_created_on_assistant_and_thread_creation() {
    let fx = fixture(false, Vec::new()).await;
    let file = fx.upload("a.txt", REPORT);
    let inline = || ToolResourcesRequest {
        code_interpreter: None,
        file_search: Some(hearth_wire::FileSearchResourcesRequest {
            vector_store_ids: None,
            vector_stores: Some(vec![hearth_wire::VectorStoreSeed {
                file_ids: Some(vec![file.clone()]),
                ..Default::default()
            }]),
        }),
    };
    let assistant = fx
        .engine
        .create_assistant(CreateAssistantRequest {
            model: "gpt-test".into(),
            tool_resources: Some(inline()),
            ..Default::default()
        })
        .unwrap();
    let thread = fx
        .engine
        .create_thread(CreateThreadRequest {
            tool_resources: Some(inline()),
            ..Default::default()
        })
        .unwrap();
    for ids in [
        assistant
            .tool_resources
            .unwrap()
            .file_search
            .unwrap()
            .vector_store_ids,
        thread
            .tool_resources
            .unwrap()
            .file_search
            .unwrap()
            .vector_store_ids,
    ] {
        assert_eq!(ids.len(), 1);
        assert!(
            fx.engine
                .store()
                .get_vector_store_file(&ids[0], &file)
                .unwrap()
                .is_some(),
            "the inline store holds the file"
        );
    }
}
