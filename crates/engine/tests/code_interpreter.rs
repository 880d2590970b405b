//! code_interpreter in runs, end to end: real SQLite and files in temp folders, the real Python
//! runtime (numpy, pandas, matplotlib) in the real bubblewrap sandbox, and a scripted OpenAI server
//! on loopback whose tool-call arguments arrive split mid-string and mid-escape.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hearth_engine::providers::{OpenAiCompatible, ProviderConfig};
use hearth_engine::{CodeInterpreterSettings, Engine, EngineConfig, RunStream};
use hearth_scripted::{Script, ScriptedCall, ScriptedOpenAi};
use hearth_store::Store;
use hearth_wire::{
    Annotation, AssistantTool, AttachmentTool, CodeInterpreterOutput, CreateAssistantRequest,
    CreateMessageRequest, CreateRunRequest, CreateThreadRequest, FileObject, FilePurpose,
    FileStatus, ListQuery, MessageAttachment, MessageContent, Run, RunStatus, StepDetails,
    StepDetailsDelta, StreamEvent, ToolCall, ToolCallDelta,
};
use serde_json::Value;

/// The verified runtime `scripts/python-runtime.sh` caches for the tests.
fn runtime_dir() -> PathBuf {
    let dir = std::env::var_os("HEARTH_TEST_PYTHON_RUNTIME").expect(
        "HEARTH_TEST_PYTHON_RUNTIME is not set: run scripts/python-runtime.sh (scripts/test.sh does) and source scripts/env.sh",
    );
    PathBuf::from(dir)
}

struct Fixture {
    engine: Engine,
    server: ScriptedOpenAi,
    dir: tempfile::TempDir,
}

async fn fixture_with(scripts: Vec<Script>, runtime: PathBuf) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("hearth.db")).unwrap();
    let server = ScriptedOpenAi::start(scripts).await;
    let provider =
        OpenAiCompatible::new(ProviderConfig::new(server.base_url()).max_retries(0)).unwrap();
    let mut code = CodeInterpreterSettings::in_data_dir(dir.path());
    code.runtime_dir = runtime;
    code.limits.wall_time = Duration::from_secs(60);
    let config = EngineConfig {
        files_dir: Some(dir.path().join("files")),
        code_interpreter: Some(code),
        ..Default::default()
    };
    Fixture {
        engine: Engine::new(store, Arc::new(provider), config),
        server,
        dir,
    }
}

async fn fixture(scripts: Vec<Script>) -> Fixture {
    fixture_with(scripts, runtime_dir()).await
}

impl Fixture {
    /// Stores `bytes` as an uploaded file named `name`.
    fn upload(&self, name: &str, bytes: &[u8]) -> String {
        let id = format!("file-{}", name.replace('.', "-"));
        let path = self.dir.path().join(&id);
        std::fs::write(&path, bytes).unwrap();
        let file = FileObject {
            id: id.clone(),
            object: Default::default(),
            bytes: bytes.len() as u64,
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

    fn analyst(&self) -> String {
        let request = CreateAssistantRequest {
            model: "gpt-test".into(),
            instructions: Some("You are a data analyst.".into()),
            tools: vec![AssistantTool::CodeInterpreter],
            ..Default::default()
        };
        self.engine.create_assistant(request).unwrap().id
    }

    fn thread_with(&self, text: &str, attached: Option<&str>) -> String {
        let thread = self
            .engine
            .create_thread(CreateThreadRequest::default())
            .unwrap();
        self.ask(&thread.id, text, attached);
        thread.id
    }

    fn ask(&self, thread: &str, text: &str, attached: Option<&str>) {
        let mut message = CreateMessageRequest::user(text);
        message.attachments = attached.map(|file_id| {
            vec![MessageAttachment {
                file_id: file_id.to_owned(),
                tools: vec![AttachmentTool::CodeInterpreter],
            }]
        });
        self.engine.create_message(thread, message).unwrap();
    }

    fn run(&self, thread: &str, assistant: &str) -> RunStream {
        self.engine
            .create_run(
                thread,
                CreateRunRequest {
                    assistant_id: assistant.to_owned(),
                    ..Default::default()
                },
            )
            .unwrap()
    }

    fn bytes_of(&self, file_id: &str) -> Vec<u8> {
        let (_, path) = self.engine.file_content(file_id).unwrap();
        std::fs::read(path).unwrap()
    }

    fn code_call(&self, run: &Run) -> hearth_wire::CodeInterpreterCall {
        let steps = self
            .engine
            .list_run_steps(&run.thread_id, &run.id, &ListQuery::default())
            .unwrap();
        steps
            .data
            .iter()
            .find_map(|step| match &step.step_details {
                StepDetails::ToolCalls { tool_calls } => {
                    tool_calls.iter().find_map(|call| match call {
                        ToolCall::CodeInterpreter {
                            code_interpreter, ..
                        } => Some(code_interpreter.clone()),
                        _ => None,
                    })
                }
                _ => None,
            })
            .expect("the run should have a code_interpreter call")
    }
}

fn code_call(pieces: &[&str]) -> ScriptedCall {
    ScriptedCall::new("call_code1", "code_interpreter", pieces.iter().copied())
}

async fn collect(mut stream: RunStream) -> (Run, Vec<StreamEvent>) {
    let mut events = Vec::new();
    while let Some(event) = tokio::time::timeout(Duration::from_secs(90), stream.events.recv())
        .await
        .expect("the run should keep producing events until done")
    {
        let done = event == StreamEvent::Done;
        events.push(event);
        if done {
            break;
        }
    }
    let run = events
        .iter()
        .rev()
        .find_map(|event| match event {
            StreamEvent::RunCompleted(run)
            | StreamEvent::RunFailed(run)
            | StreamEvent::RunCancelled(run)
            | StreamEvent::RunIncomplete(run) => Some(run.clone()),
            _ => None,
        })
        .expect("the run should end");
    (run, events)
}

fn logs(call: &hearth_wire::CodeInterpreterCall) -> String {
    call.outputs
        .iter()
        .filter_map(|output| match output {
            CodeInterpreterOutput::Logs { logs } => Some(logs.as_str()),
            _ => None,
        })
        .collect()
}

/// What the model got back for its call, as the follow-up request carried it.
fn tool_result(body: &Value) -> String {
    body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|message| message["role"] == "tool")
        .map(|message| message["content"].as_str().unwrap_or_default().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

const SALES: &str = "month,revenue\n2024-01,100\n2024-02,150\n2024-03,125\n2024-04,225\n";

#[tokio::test(flavor = "multi_thread")]
async fn the_data_analyst_gets_a_chart_a_file_and_a_session_that_remembers() {
    // The code arrives cut mid-word and mid-escape (`\` then `n`), as real streams do.
    let pieces = [
        "{\"co",
        "de\": \"import pandas as pd\\",
        "nimport matplotlib.pyplot as plt\\ndf = pd.read_csv('/mnt/data/sales.csv')\\ntotal = int(df['revenue'].sum())\\nprint('total', total)\\n",
        "df.plot(x='month', y='revenue', title='Revenue \\u2014 trend')\\nplt.show()\\n",
        "df.assign(share=df.revenue / total).to_csv('/mnt/data/summary.csv', index=False)\"}",
    ];
    let answer =
        "Revenue totals 600. The summary is at [summary.csv](sandbox:/mnt/data/summary.csv).";
    let fx = fixture(vec![
        Script::tool_calls([code_call(&pieces)]),
        Script::text([
            "Revenue totals 600. ",
            "The summary is at [summary.csv](sandbox:/mnt/data/summary.csv).",
        ]),
        Script::tool_calls([code_call(&["{\"code\": \"print(total * 2)\"}"])]),
        Script::text(["Twice that is 1200."]),
    ])
    .await;
    let file = fx.upload("sales.csv", SALES.as_bytes());
    let assistant = fx.analyst();
    let thread = fx.thread_with(
        "Analyze this sales data and create a trend chart",
        Some(&file),
    );
    let (run, events) = collect(fx.run(&thread, &assistant)).await;
    assert_eq!(run.status, RunStatus::Completed, "{:?}", run.last_error);

    // The model was offered the tool and told where the file is.
    let bodies = fx.server.bodies();
    let first = bodies[0].to_string();
    assert!(
        first.contains("\"code_interpreter\""),
        "the tool is offered: {first}"
    );
    assert!(
        first.contains("/mnt/data/sales.csv"),
        "the file's path is given: {first}"
    );

    // The step holds the code as decoded, its logs and its image.
    let call = fx.code_call(&run);
    assert!(
        call.input
            .starts_with("import pandas as pd\nimport matplotlib")
    );
    assert!(call.input.contains("title='Revenue — trend'"));
    assert!(logs(&call).contains("total 600"), "logs: {}", logs(&call));
    let image_id = call
        .outputs
        .iter()
        .find_map(|output| match output {
            CodeInterpreterOutput::Image { image } => Some(image.file_id.clone()),
            _ => None,
        })
        .expect("the chart is an image output");
    let png = fx.bytes_of(&image_id);
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "the chart is a PNG");
    assert!(
        png.len() > 5_000,
        "the chart has content: {} bytes",
        png.len()
    );
    let image_file = fx.engine.get_file(&image_id).unwrap();
    assert_eq!(image_file.purpose, FilePurpose::AssistantsOutput);

    // The code streamed as it was written, in more than one piece, and the outputs at the end.
    let streamed: String = events
        .iter()
        .filter_map(|event| match event {
            StreamEvent::RunStepDelta(delta) => match &delta.delta.step_details {
                Some(StepDetailsDelta::ToolCalls {
                    tool_calls: Some(calls),
                }) => Some(calls.clone()),
                _ => None,
            },
            _ => None,
        })
        .flatten()
        .filter_map(|call| match call {
            ToolCallDelta::CodeInterpreter {
                code_interpreter: Some(code),
                ..
            } => code.input,
            _ => None,
        })
        .collect();
    assert_eq!(
        streamed, call.input,
        "the streamed input adds up to the code"
    );
    let image_deltas = events
        .iter()
        .filter(|event| {
            matches!(event, StreamEvent::RunStepDelta(delta) if format!("{:?}", delta.delta).contains("Image"))
        })
        .count();
    assert_eq!(image_deltas, 1, "the image output is streamed once");

    // The model got the logs back.
    assert!(tool_result(&bodies[1]).contains("total 600"));

    // The answer shows the chart, then the text with a link to the written file.
    let messages = fx
        .engine
        .list_messages(&thread, None, &ListQuery::default())
        .unwrap();
    let reply = &messages.data[0];
    let MessageContent::ImageFile { image_file } = &reply.content[0] else {
        panic!("the answer starts with the chart: {:?}", reply.content);
    };
    assert_eq!(image_file.file_id, image_id);
    let MessageContent::Text { text } = &reply.content[1] else {
        panic!("then the text: {:?}", reply.content);
    };
    assert_eq!(text.value, answer);
    let Some(Annotation::FilePath {
        text: link,
        file_path,
        start_index,
        end_index,
    }) = text.annotations.first()
    else {
        panic!(
            "the sandbox link is a file_path annotation: {:?}",
            text.annotations
        );
    };
    assert_eq!(link, "sandbox:/mnt/data/summary.csv");
    let chars: Vec<char> = text.value.chars().collect();
    assert_eq!(
        chars[*start_index as usize..*end_index as usize]
            .iter()
            .collect::<String>(),
        *link
    );
    let summary = String::from_utf8(fx.bytes_of(&file_path.file_id)).unwrap();
    assert!(
        summary.starts_with("month,revenue,share\n2024-01,100,"),
        "{summary}"
    );

    // A follow-up in the same thread uses the variable the first call made.
    fx.ask(&thread, "And twice the total?", None);
    let (second, _) = collect(fx.run(&thread, &assistant)).await;
    assert_eq!(
        second.status,
        RunStatus::Completed,
        "{:?}",
        second.last_error
    );
    assert_eq!(logs(&fx.code_call(&second)).trim(), "1200");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_exception_is_an_output_the_model_reads_not_a_failed_run() {
    let fx = fixture(vec![
        Script::tool_calls([code_call(&["{\"code\": \"values = [1, 2]\\nvalues[5]\"}"])]),
        Script::text(["The list has only two items."]),
    ])
    .await;
    let assistant = fx.analyst();
    let thread = fx.thread_with("What is the sixth value?", None);
    let (run, _) = collect(fx.run(&thread, &assistant)).await;
    assert_eq!(run.status, RunStatus::Completed, "{:?}", run.last_error);
    let logs = logs(&fx.code_call(&run));
    assert!(
        logs.contains("IndexError"),
        "the traceback is in the logs: {logs}"
    );
    assert!(tool_result(&fx.server.bodies()[1]).contains("IndexError"));
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_runtime_the_run_fails_saying_how_to_set_it_up() {
    let empty = tempfile::tempdir().unwrap();
    let fx = fixture_with(
        vec![Script::tool_calls([code_call(&[
            "{\"code\": \"print(1)\"}",
        ])])],
        empty.path().to_owned(),
    )
    .await;
    let assistant = fx.analyst();
    let thread = fx.thread_with("Compute something", None);
    let (run, _) = collect(fx.run(&thread, &assistant)).await;
    assert_eq!(run.status, RunStatus::Failed);
    let error = run.last_error.expect("a failed run says why");
    assert!(
        error.message.contains("Python runtime") && error.message.contains("Settings"),
        "{}",
        error.message
    );
    // Nothing was lost: the user's message is still there.
    let messages = fx
        .engine
        .list_messages(&thread, None, &ListQuery::default())
        .unwrap();
    assert!(messages.data.iter().any(|message| matches!(
        &message.content[0],
        MessageContent::Text { text } if text.value == "Compute something"
    )));
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_during_a_long_call_stops_the_code_at_once() {
    let fx = fixture(vec![Script::tool_calls([code_call(&[
        "{\"code\": \"import time\\nprint('started', flush=True)\\ntime.sleep(50)\"}",
    ])])])
    .await;
    let assistant = fx.analyst();
    let thread = fx.thread_with("Wait a while", None);
    let mut stream = fx.run(&thread, &assistant);
    let run_id = stream.run.id.clone();
    // Wait until the code is running (its whole input has streamed), then cancel.
    loop {
        let event = tokio::time::timeout(Duration::from_secs(30), stream.events.recv())
            .await
            .expect("events keep coming")
            .expect("the stream stays open");
        if let StreamEvent::RunStepDelta(delta) = &event
            && format!("{:?}", delta.delta).contains("time.sleep(50)")
        {
            break;
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = std::time::Instant::now();
    fx.engine.cancel_run(&thread, &run_id).unwrap();
    let (run, _) = collect(stream).await;
    assert_eq!(run.status, RunStatus::Cancelled);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the cancel does not wait for the 50 s sleep"
    );
}
