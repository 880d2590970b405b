//! The engine end to end: real SQLite files in temp folders, a scripted OpenAI-compatible server on
//! loopback, and the runs, steps, messages and events a client would see.

mod support;

use std::sync::Arc;
use std::time::Duration;

use hearth_engine::providers::{OpenAiCompatible, ProviderConfig};
use hearth_engine::{Engine, EngineConfig};
use hearth_store::Store;
use hearth_wire::{
    AssistantTool, CreateAssistantRequest, CreateMessageRequest, CreateRunRequest,
    CreateThreadAndRunRequest, CreateThreadRequest, ListQuery, Message, MessageStatus, Run,
    RunStatus, StreamEvent,
};
use serde_json::json;
use support::{Script, ScriptedCall, ScriptedOpenAi, collect, final_run, text_of};

struct Fixture {
    engine: Engine,
    provider: ScriptedOpenAi,
    _dir: tempfile::TempDir,
}

impl Fixture {
    /// A new thread holding one user message.
    fn thread_with(&self, text: &str) -> hearth_wire::Thread {
        let thread = self
            .engine
            .create_thread(CreateThreadRequest::default())
            .unwrap();
        self.engine
            .create_message(&thread.id, CreateMessageRequest::user(text))
            .unwrap();
        thread
    }
}

async fn fixture(scripts: Vec<Script>) -> Fixture {
    fixture_with(scripts, EngineConfig::default()).await
}

async fn fixture_with(scripts: Vec<Script>, config: EngineConfig) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("hearth.db")).unwrap();
    let provider = ScriptedOpenAi::start(scripts).await;
    let client =
        OpenAiCompatible::new(ProviderConfig::new(provider.base_url()).max_retries(0)).unwrap();
    let engine = Engine::new(store, Arc::new(client), config);
    Fixture {
        engine,
        provider,
        _dir: dir,
    }
}

fn assistant_request() -> CreateAssistantRequest {
    CreateAssistantRequest {
        model: "gpt-test".into(),
        name: Some("Helper".into()),
        instructions: Some("You are terse.".into()),
        ..Default::default()
    }
}

fn weather_tool() -> AssistantTool {
    AssistantTool::Function {
        function: serde_json::from_value(json!({
            "name": "get_weather",
            "description": "Weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}
        }))
        .unwrap(),
    }
}

async fn wait_for_status(engine: &Engine, thread_id: &str, run_id: &str, wanted: RunStatus) -> Run {
    for _ in 0..400 {
        let run = engine.get_run(thread_id, run_id).unwrap();
        if run.status == wanted {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("run {run_id} never reached {wanted}");
}

#[tokio::test]
async fn a_follow_up_question_sends_the_earlier_turns() {
    let fx = fixture(vec![
        Script::text(["Paris."]),
        Script::text(["About 2.1 million."]),
    ])
    .await;
    let assistant = fx.engine.create_assistant(assistant_request()).unwrap();
    let (thread, first) = fx
        .engine
        .create_thread_and_run(CreateThreadAndRunRequest {
            assistant_id: assistant.id.clone(),
            thread: Some(CreateThreadRequest {
                messages: Some(vec![CreateMessageRequest::user("Capital of France?")]),
                ..Default::default()
            }),
            ..Default::default()
        })
        .unwrap();
    let events = collect(first).await;
    assert_eq!(
        events[0].name(),
        "thread.created",
        "create-thread-and-run announces the thread first"
    );

    let second = fx
        .engine
        .create_run(
            &thread.id,
            CreateRunRequest {
                assistant_id: assistant.id,
                additional_messages: Some(vec![CreateMessageRequest::user(
                    "How many people live there?",
                )]),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        final_run(&collect(second).await).status,
        RunStatus::Completed
    );
    let body = &fx.provider.bodies()[1];
    let turns: Vec<_> = body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].clone())
        .collect();
    assert_eq!(
        turns,
        [
            json!("You are terse."),
            json!("Capital of France?"),
            json!("Paris."),
            json!("How many people live there?")
        ]
    );
}

#[tokio::test]
async fn a_run_waiting_for_outputs_expires() {
    let call = ScriptedCall::new("c1", "get_weather", ["{}"]);
    let config = EngineConfig {
        requires_action_timeout: Duration::from_millis(300),
        ..Default::default()
    };
    let fx = fixture_with(vec![Script::tool_calls([call])], config).await;
    let mut request = assistant_request();
    request.tools = vec![weather_tool()];
    let assistant = fx.engine.create_assistant(request).unwrap();
    let thread = fx.thread_with("Weather?");
    let stream = fx
        .engine
        .create_run(
            &thread.id,
            CreateRunRequest {
                assistant_id: assistant.id,
                ..Default::default()
            },
        )
        .unwrap();
    let run_id = stream.run.id.clone();
    collect(stream).await;
    let expired = wait_for_status(&fx.engine, &thread.id, &run_id, RunStatus::Expired).await;
    assert!(expired.required_action.is_none());
    // The thread is free again.
    fx.engine
        .create_message(&thread.id, CreateMessageRequest::user("Still there?"))
        .unwrap();
}

#[tokio::test]
async fn budgets_and_truncation_shape_the_request() {
    let fx = fixture(vec![
        Script::text(["cut off"]).finish("length"),
        Script::text(["ok"]),
    ])
    .await;
    let assistant = fx.engine.create_assistant(assistant_request()).unwrap();
    let thread = fx
        .engine
        .create_thread(CreateThreadRequest {
            messages: Some(
                (0..5)
                    .map(|i| CreateMessageRequest::user(format!("message {i}")))
                    .collect(),
            ),
            ..Default::default()
        })
        .unwrap();

    let run = final_run(
        &collect(
            fx.engine
                .create_run(
                    &thread.id,
                    CreateRunRequest {
                        assistant_id: assistant.id.clone(),
                        max_completion_tokens: Some(300),
                        temperature: Some(0.2),
                        top_p: Some(0.9),
                        ..Default::default()
                    },
                )
                .unwrap(),
        )
        .await,
    );
    assert_eq!(run.status, RunStatus::Incomplete);
    assert_eq!(
        run.incomplete_details.unwrap().reason.unwrap().to_string(),
        "max_completion_tokens"
    );
    let body = &fx.provider.bodies()[0];
    assert_eq!(
        body["max_tokens"]
            .as_u64()
            .or(body["max_completion_tokens"].as_u64()),
        Some(300)
    );
    assert_eq!(body["temperature"], json!(0.2));
    assert_eq!(body["top_p"], json!(0.9));

    final_run(
        &collect(
            fx.engine
                .create_run(
                    &thread.id,
                    CreateRunRequest {
                        assistant_id: assistant.id.clone(),
                        instructions: Some("Replace.".into()),
                        additional_instructions: Some("Append.".into()),
                        truncation_strategy: Some(
                            serde_json::from_value(
                                json!({"type": "last_messages", "last_messages": 2}),
                            )
                            .unwrap(),
                        ),
                        ..Default::default()
                    },
                )
                .unwrap(),
        )
        .await,
    );
    let body = &fx.provider.bodies()[1];
    let messages = body["messages"].as_array().unwrap();
    assert_eq!(messages[0]["content"], "Replace.\n\nAppend.");
    assert_eq!(
        messages.len(),
        3,
        "system prompt plus the last two messages: {messages:?}"
    );

    let error = fx
        .engine
        .create_run(
            &thread.id,
            CreateRunRequest {
                assistant_id: assistant.id,
                temperature: Some(3.0),
                ..Default::default()
            },
        )
        .unwrap_err();
    assert_eq!(error.status(), 400);
    assert_eq!(error.to_api_error().param.as_deref(), Some("temperature"));
}

#[tokio::test]
async fn unknown_ids_get_the_hosted_404_texts_and_deletes_cascade() {
    let fx = fixture(vec![Script::text(["hi"])]).await;
    let missing = fx.engine.get_assistant("asst_missing").unwrap_err();
    assert_eq!(
        (missing.status(), missing.to_string()),
        (
            404,
            "No assistant found with id 'asst_missing'.".to_string()
        )
    );
    let wrong_prefix = fx.engine.get_thread("run_abc").unwrap_err();
    assert_eq!(wrong_prefix.status(), 400);

    let assistant = fx.engine.create_assistant(assistant_request()).unwrap();
    let (thread, stream) = fx
        .engine
        .create_thread_and_run(CreateThreadAndRunRequest {
            assistant_id: assistant.id,
            thread: Some(CreateThreadRequest {
                messages: Some(vec![CreateMessageRequest::user("x")]),
                ..Default::default()
            }),
            ..Default::default()
        })
        .unwrap();
    let run = final_run(&collect(stream).await);
    fx.engine.delete_thread(&thread.id).unwrap();
    assert_eq!(
        fx.engine.get_run(&thread.id, &run.id).unwrap_err().status(),
        404
    );
    assert!(
        fx.engine.store().run_steps(&run.id).unwrap().is_empty(),
        "steps go with their thread"
    );
}

#[tokio::test]
async fn start_up_closes_runs_a_crash_left_open_and_keeps_their_text() {
    // A crash is simulated on the file itself: a run left in_progress with a half-written
    // answer, exactly what a killed process leaves behind (the kill -9 test of hearth-server
    // covers the real thing).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hearth.db");
    let provider = ScriptedOpenAi::start(vec![]).await;
    let client = || {
        Arc::new(
            OpenAiCompatible::new(ProviderConfig::new(provider.base_url()).max_retries(0)).unwrap(),
        )
    };
    let (thread_id, run_id) = {
        let engine = Engine::new(
            Store::open(&path).unwrap(),
            client(),
            EngineConfig::default(),
        );
        let assistant = engine.create_assistant(assistant_request()).unwrap();
        let thread = engine
            .create_thread(CreateThreadRequest::default())
            .unwrap();
        engine
            .create_message(&thread.id, CreateMessageRequest::user("Talk"))
            .unwrap();
        let store = engine.store();
        let mut run: Run = serde_json::from_value(json!({
            "id": "run_crashed000000000000000000", "object": "thread.run", "created_at": 1,
            "thread_id": thread.id, "assistant_id": assistant.id, "status": "in_progress",
            "required_action": null, "last_error": null, "expires_at": 4102444800i64, "started_at": 1,
            "cancelled_at": null, "failed_at": null, "completed_at": null, "incomplete_details": null,
            "model": "gpt-test", "instructions": "", "tools": [], "metadata": {}, "usage": null,
            "temperature": 1.0, "top_p": 1.0, "max_prompt_tokens": null, "max_completion_tokens": null,
            "truncation_strategy": {"type": "auto", "last_messages": null}, "tool_choice": "auto",
            "parallel_tool_calls": true, "response_format": "auto"
        }))
        .unwrap();
        store.insert_run(&run).unwrap();
        let partial: Message = serde_json::from_value(json!({
            "id": "msg_partial00000000000000000", "object": "thread.message", "created_at": 2,
            "thread_id": thread.id, "status": "in_progress", "incomplete_details": null,
            "completed_at": null, "incomplete_at": null, "role": "assistant",
            "content": [{"type": "text", "text": {"value": "The first half", "annotations": []}}],
            "assistant_id": assistant.id, "run_id": run.id, "attachments": [], "metadata": {}
        }))
        .unwrap();
        store.insert_message(&partial).unwrap();
        run.status = RunStatus::InProgress;
        (thread.id, run.id)
    };

    let engine = Engine::new(
        Store::open(&path).unwrap(),
        client(),
        EngineConfig::default(),
    );
    assert_eq!(engine.recover().unwrap(), 1);
    let run = engine.get_run(&thread_id, &run_id).unwrap();
    assert_eq!(run.status, RunStatus::Failed);
    assert!(
        run.last_error
            .unwrap()
            .message
            .contains("partial answer was kept")
    );
    let messages = engine
        .list_messages(&thread_id, None, &ListQuery::default())
        .unwrap();
    assert_eq!(
        messages.data.len(),
        2,
        "the user's message and the partial answer are both there"
    );
    let partial = engine
        .get_message(&thread_id, "msg_partial00000000000000000")
        .unwrap();
    assert_eq!(text_of(&partial), "The first half");
    assert_eq!(partial.status, MessageStatus::Incomplete);
    // The thread accepts new work again.
    engine
        .create_message(&thread_id, CreateMessageRequest::user("Again"))
        .unwrap();
}

/// A provider whose first call panics (a bug somewhere under the run); later calls go to `inner`.
#[derive(Debug)]
struct PanicsOnce {
    inner: OpenAiCompatible,
    panicked: std::sync::atomic::AtomicBool,
}

#[async_trait::async_trait]
impl hearth_engine::providers::Provider for PanicsOnce {
    async fn stream_chat(
        &self,
        request: &hearth_engine::providers::ChatRequest,
    ) -> Result<hearth_engine::providers::ChatStream, hearth_engine::providers::ProviderError> {
        if !self
            .panicked
            .swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            panic!("a bug inside the run");
        }
        self.inner.stream_chat(request).await
    }

    async fn list_models(
        &self,
    ) -> Result<Vec<hearth_engine::providers::ModelInfo>, hearth_engine::providers::ProviderError>
    {
        self.inner.list_models().await
    }
}

#[tokio::test]
async fn a_panic_inside_a_run_fails_it_and_leaves_the_thread_usable() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("hearth.db")).unwrap();
    let server = ScriptedOpenAi::start(vec![Script::text(["Back again."])]).await;
    let inner =
        OpenAiCompatible::new(ProviderConfig::new(server.base_url()).max_retries(0)).unwrap();
    let provider = PanicsOnce {
        inner,
        panicked: std::sync::atomic::AtomicBool::new(false),
    };
    let engine = Engine::new(store, Arc::new(provider), EngineConfig::default());
    let assistant = engine.create_assistant(assistant_request()).unwrap();
    let thread = engine
        .create_thread(CreateThreadRequest::default())
        .unwrap();
    engine
        .create_message(&thread.id, CreateMessageRequest::user("Hello?"))
        .unwrap();
    let run_request = || CreateRunRequest {
        assistant_id: assistant.id.clone(),
        ..Default::default()
    };

    let events = collect(engine.create_run(&thread.id, run_request()).unwrap()).await;
    let failed = final_run(&events);
    assert_eq!(failed.status, RunStatus::Failed);
    let error = failed.last_error.expect("a failed run says why");
    assert_eq!(error.code, hearth_wire::RunErrorCode::ServerError);
    assert!(
        error.message.contains("internal error"),
        "{}",
        error.message
    );
    assert_eq!(
        engine.get_run(&thread.id, &failed.id).unwrap().status,
        RunStatus::Failed,
        "the stored run is closed too"
    );

    // The thread is not left locked by a run stuck in progress: the next run answers.
    let events = collect(engine.create_run(&thread.id, run_request()).unwrap()).await;
    assert_eq!(final_run(&events).status, RunStatus::Completed);
}

#[tokio::test]
async fn a_failed_run_stores_its_error_with_the_url_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hearth.db");
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    // Some proxies take their key in the query string; the failure must not carry it anywhere.
    let base_url = format!("http://{addr}/v1?api_key=sk-in-the-query-42");
    let provider = OpenAiCompatible::new(ProviderConfig::new(base_url).max_retries(0)).unwrap();
    let engine = Engine::new(
        Store::open(&db).unwrap(),
        Arc::new(provider),
        EngineConfig::default(),
    );
    let assistant = engine.create_assistant(assistant_request()).unwrap();
    let thread = engine
        .create_thread(CreateThreadRequest::default())
        .unwrap();
    engine
        .create_message(&thread.id, CreateMessageRequest::user("Hi"))
        .unwrap();

    let events = collect(
        engine
            .create_run(
                &thread.id,
                CreateRunRequest {
                    assistant_id: assistant.id,
                    ..Default::default()
                },
            )
            .unwrap(),
    )
    .await;
    let streamed = final_run(&events);
    assert_eq!(streamed.status, RunStatus::Failed);
    drop(engine);

    let stored = Store::open(&db)
        .unwrap()
        .read(|tx| tx.get_run(&thread.id, &streamed.id))
        .unwrap()
        .expect("the run is in the database");
    let message = stored
        .last_error
        .expect("a failed run keeps its error")
        .message;
    assert!(
        message.contains(&addr.to_string()),
        "the error still names the host a person must check: {message}"
    );
    assert!(
        !message.contains("sk-in-the-query-42"),
        "the key in the URL's query reached the database: {message}"
    );
    let streamed_message = streamed.last_error.unwrap().message;
    assert!(
        !streamed_message.contains("sk-in-the-query-42"),
        "the key in the URL's query reached the event stream: {streamed_message}"
    );
}

/// An answer of `count` short pieces, for streams longer than their buffer.
fn long_answer(count: usize) -> (Script, String) {
    let pieces: Vec<String> = (0..count).map(|index| format!("w{index} ")).collect();
    let text = pieces.concat();
    (Script::text(pieces), text)
}

#[tokio::test]
async fn a_stream_reader_that_stops_is_let_go_and_the_run_still_finishes() {
    let (script, text) = long_answer(400);
    let config = EngineConfig {
        stream_buffer: 64,
        stream_stall_timeout: Duration::from_millis(300),
        ..EngineConfig::default()
    };
    let fx = fixture_with(vec![script], config).await;
    let assistant = fx.engine.create_assistant(assistant_request()).unwrap();
    let thread = fx.thread_with("Talk a lot.");
    // The stream is kept but never read while the run goes on.
    let mut stream = fx
        .engine
        .create_run(
            &thread.id,
            CreateRunRequest {
                assistant_id: assistant.id,
                ..Default::default()
            },
        )
        .unwrap();
    let run = wait_for_status(&fx.engine, &thread.id, &stream.run.id, RunStatus::Completed).await;
    let messages = fx
        .engine
        .list_messages(&thread.id, Some(&run.id), &ListQuery::default())
        .unwrap();
    assert_eq!(
        text_of(&messages.data[0]),
        text,
        "the whole answer is saved"
    );

    let mut held = Vec::new();
    while let Some(event) = tokio::time::timeout(Duration::from_secs(5), stream.events.recv())
        .await
        .expect("a let-go stream should end, not hang")
    {
        held.push(event);
    }
    assert!(
        held.len() <= 64,
        "the stream should hold no more than its buffer: {} events",
        held.len()
    );
    assert!(
        !held.contains(&StreamEvent::Done),
        "a reader that was let go does not see the end"
    );
}

#[tokio::test]
async fn a_slow_stream_reader_slows_the_run_down_and_misses_nothing() {
    let (script, text) = long_answer(300);
    let config = EngineConfig {
        stream_buffer: 64,
        stream_stall_timeout: Duration::from_secs(10),
        ..EngineConfig::default()
    };
    let fx = fixture_with(vec![script], config).await;
    let assistant = fx.engine.create_assistant(assistant_request()).unwrap();
    let thread = fx.thread_with("Talk a lot.");
    let mut stream = fx
        .engine
        .create_run(
            &thread.id,
            CreateRunRequest {
                assistant_id: assistant.id,
                ..Default::default()
            },
        )
        .unwrap();
    let mut events = Vec::new();
    while let Some(event) = stream.events.recv().await {
        let done = event == StreamEvent::Done;
        events.push(event);
        if done {
            break;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    assert_eq!(events.last(), Some(&StreamEvent::Done));
    assert_eq!(final_run(&events).status, RunStatus::Completed);
    let streamed: String = events
        .iter()
        .filter_map(|event| match event {
            StreamEvent::MessageDelta(delta) => Some(
                delta
                    .delta
                    .content
                    .iter()
                    .flatten()
                    .filter_map(|part| match part {
                        hearth_wire::MessageDeltaContent::Text { text, .. } => {
                            text.as_ref().and_then(|text| text.value.clone())
                        }
                        _ => None,
                    })
                    .collect::<String>(),
            ),
            _ => None,
        })
        .collect();
    assert_eq!(
        streamed, text,
        "every piece reaches a reader that keeps reading"
    );
}
