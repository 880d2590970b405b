//! Whole runs through each provider wire format: the same engine, real SQLite, and a scripted server
//! on loopback speaking Chat Completions or Anthropic Messages. What a client sees of a run — its
//! events, its stored messages and steps, its errors — must not depend on which provider answered.

mod support;

use std::sync::Arc;
use std::time::Duration;

use hearth_engine::providers::{Anthropic, OpenAiCompatible, Provider, ProviderConfig};
use hearth_engine::{Engine, EngineConfig, RunStream};
use hearth_scripted::{AnthropicWire, OpenAiWire, Scripted, Wire};
use hearth_store::Store;
use hearth_wire::{
    AssistantTool, CreateAssistantRequest, CreateMessageRequest, CreateRunRequest,
    CreateThreadRequest, ListQuery, Message, MessageStatus, RunStatus, StepDetails, StreamEvent,
    SubmitToolOutputsRequest, ToolCall, ToolOutput,
};
use serde_json::{Value, json};
use support::{Script, ScriptedCall, collect, final_run, text_of};

/// A provider wire format as these tests need it: the engine's provider for it, and where its
/// requests carry what the engine sent.
trait TestWire: Wire + Sized {
    fn provider(base_url: String) -> Arc<dyn Provider>;
    /// The system prompt of a recorded request.
    fn system_prompt(body: &Value) -> Option<String>;
    /// The plain text of every user turn, in order.
    fn user_texts(body: &Value) -> Vec<String>;
    /// Every tool result, as (call id, output), in order.
    fn tool_results(body: &Value) -> Vec<(String, String)>;
}

impl TestWire for OpenAiWire {
    fn provider(base_url: String) -> Arc<dyn Provider> {
        Arc::new(OpenAiCompatible::new(ProviderConfig::new(base_url).max_retries(0)).unwrap())
    }

    fn system_prompt(body: &Value) -> Option<String> {
        let first = &body["messages"][0];
        (first["role"] == "system").then(|| first["content"].as_str().unwrap().to_owned())
    }

    fn user_texts(body: &Value) -> Vec<String> {
        messages(body)
            .filter(|m| m["role"] == "user")
            .map(|m| m["content"].as_str().unwrap().to_owned())
            .collect()
    }

    fn tool_results(body: &Value) -> Vec<(String, String)> {
        messages(body)
            .filter(|m| m["role"] == "tool")
            .map(|m| (string(&m["tool_call_id"]), string(&m["content"])))
            .collect()
    }
}

impl TestWire for AnthropicWire {
    fn provider(base_url: String) -> Arc<dyn Provider> {
        Arc::new(Anthropic::new(ProviderConfig::new(base_url).max_retries(0)).unwrap())
    }

    fn system_prompt(body: &Value) -> Option<String> {
        body["system"].as_str().map(str::to_owned)
    }

    fn user_texts(body: &Value) -> Vec<String> {
        blocks(body, "user")
            .filter(|b| b["type"] == "text")
            .map(|b| string(&b["text"]))
            .collect()
    }

    fn tool_results(body: &Value) -> Vec<(String, String)> {
        blocks(body, "user")
            .filter(|b| b["type"] == "tool_result")
            .map(|b| (string(&b["tool_use_id"]), string(&b["content"])))
            .collect()
    }
}

fn messages(body: &Value) -> impl Iterator<Item = &Value> {
    body["messages"].as_array().unwrap().iter()
}

/// The content blocks of every turn of `role`.
fn blocks<'a>(body: &'a Value, role: &'a str) -> impl Iterator<Item = &'a Value> {
    messages(body)
        .filter(move |m| m["role"] == role)
        .flat_map(|m| m["content"].as_array().unwrap().iter())
}

fn string(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

struct Fixture<W: TestWire> {
    engine: Engine,
    provider: Scripted<W>,
    assistant_id: String,
    _dir: tempfile::TempDir,
}

impl<W: TestWire> Fixture<W> {
    async fn new(scripts: Vec<Script>, tools: Vec<AssistantTool>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("hearth.db")).unwrap();
        let provider = Scripted::<W>::start(scripts).await;
        let engine = Engine::new(
            store,
            W::provider(provider.base_url()),
            EngineConfig::default(),
        );
        let assistant = engine
            .create_assistant(CreateAssistantRequest {
                model: "model-test".into(),
                name: Some("Helper".into()),
                instructions: Some("You are terse.".into()),
                tools,
                ..Default::default()
            })
            .unwrap();
        Self {
            engine,
            provider,
            assistant_id: assistant.id,
            _dir: dir,
        }
    }

    /// A new thread holding one user message.
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

    fn start_run(&self, thread_id: &str) -> RunStream {
        self.engine
            .create_run(
                thread_id,
                CreateRunRequest {
                    assistant_id: self.assistant_id.clone(),
                    ..Default::default()
                },
            )
            .unwrap()
    }

    fn answers(&self, thread_id: &str, run_id: &str) -> Vec<Message> {
        self.engine
            .list_messages(thread_id, Some(run_id), &ListQuery::default())
            .unwrap()
            .data
    }
}

fn names(events: &[StreamEvent]) -> Vec<&str> {
    events.iter().map(StreamEvent::name).collect()
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

/// Each scenario below runs once per wire format.
macro_rules! on_each_wire {
    ($($scenario:ident),* $(,)?) => {
        mod openai {
            $(#[tokio::test]
            async fn $scenario() {
                super::$scenario::<hearth_scripted::OpenAiWire>().await;
            })*
        }
        mod anthropic {
            $(#[tokio::test]
            async fn $scenario() {
                super::$scenario::<hearth_scripted::AnthropicWire>().await;
            })*
        }
    };
}

on_each_wire!(
    streamed_text_is_sent_as_the_sdks_expect_and_stored_with_its_usage,
    parallel_calls_with_split_arguments_wait_for_outputs_and_the_run_goes_on,
    cancelling_mid_stream_stops_the_provider_and_keeps_the_partial_answer,
    rate_limits_overloads_and_cut_streams_fail_the_run_with_the_right_code,
);

async fn streamed_text_is_sent_as_the_sdks_expect_and_stored_with_its_usage<W: TestWire>() {
    let fx = Fixture::<W>::new(
        vec![Script::text(["Hel", "lo ", "there"]).usage(12, 3)],
        vec![],
    )
    .await;
    let thread_id = fx.thread_with("Hi");

    let stream = fx.start_run(&thread_id);
    assert_eq!(stream.run.status, RunStatus::Queued);
    let events = collect(stream).await;
    assert_eq!(
        names(&events),
        [
            "thread.run.created",
            "thread.run.queued",
            "thread.run.in_progress",
            "thread.run.step.created",
            "thread.run.step.in_progress",
            "thread.message.created",
            "thread.message.in_progress",
            "thread.message.delta",
            "thread.message.delta",
            "thread.message.delta",
            "thread.message.completed",
            "thread.run.step.completed",
            "thread.run.completed",
            "done",
        ]
    );
    let run = final_run(&events);
    assert_eq!(
        run.usage
            .map(|u| (u.prompt_tokens, u.completion_tokens, u.total_tokens)),
        Some((12, 3, 15))
    );
    assert_eq!(run.expires_at, None, "a finished run no longer expires");
    assert!(run.completed_at.is_some());

    // What was streamed is what was stored.
    let answer = &fx.answers(&thread_id, &run.id)[0];
    assert_eq!(text_of(answer), "Hello there");
    assert_eq!(answer.status, MessageStatus::Completed);
    let steps = fx
        .engine
        .list_run_steps(&thread_id, &run.id, &ListQuery::default())
        .unwrap();
    assert_eq!(steps.data.len(), 1);
    assert_eq!(steps.data[0].usage.map(|u| u.total_tokens), Some(15));

    // The provider got the instructions as its system prompt, and the question.
    let body = &fx.provider.bodies()[0];
    assert_eq!(W::system_prompt(body).as_deref(), Some("You are terse."));
    assert_eq!(W::user_texts(body), ["Hi"]);
}

async fn parallel_calls_with_split_arguments_wait_for_outputs_and_the_run_goes_on<W: TestWire>() {
    let oslo = ScriptedCall::new(
        "provider_1",
        "get_weather",
        ["{\"ci", "ty\": \"Os", "lo\"}"],
    );
    let rome = ScriptedCall::new("provider_2", "get_weather", ["{\"city\"", ": \"Rome\"}"]);
    let fx = Fixture::<W>::new(
        vec![
            Script::tool_calls([oslo, rome]).usage(20, 5),
            Script::text(["4 °C in Oslo, ", "19 °C in Rome."]).usage(30, 8),
        ],
        vec![weather_tool()],
    )
    .await;
    let thread_id = fx.thread_with("Weather in Oslo and Rome?");

    let events = collect(fx.start_run(&thread_id)).await;
    let waiting = final_run(&events);
    assert_eq!(waiting.status, RunStatus::RequiresAction);
    assert!(names(&events).contains(&"thread.run.step.delta"));
    let calls = &waiting
        .required_action
        .as_ref()
        .expect("the run asks for outputs")
        .submit_tool_outputs
        .tool_calls;
    let arguments: Vec<_> = calls
        .iter()
        .map(|c| (c.function.name.as_str(), c.function.arguments.as_str()))
        .collect();
    assert_eq!(
        arguments,
        [
            ("get_weather", "{\"city\": \"Oslo\"}"),
            ("get_weather", "{\"city\": \"Rome\"}")
        ],
        "both calls, their split arguments reassembled exactly"
    );
    assert!(calls.iter().all(|c| c.id.starts_with("call_")));
    assert_eq!(waiting.usage.map(|u| u.total_tokens), Some(25));

    // While it waits the thread is busy, and outputs for unknown calls are refused.
    let busy = fx
        .engine
        .create_message(&thread_id, CreateMessageRequest::user("hello?"))
        .unwrap_err();
    assert!(busy.to_api_error().message.contains("while a run"));
    let outputs = |pairs: &[(&str, &str)]| SubmitToolOutputsRequest {
        tool_outputs: pairs
            .iter()
            .map(|(id, output)| ToolOutput {
                tool_call_id: (*id).into(),
                output: (*output).into(),
            })
            .collect(),
        stream: Some(true),
    };
    let wrong = fx
        .engine
        .submit_tool_outputs(&thread_id, &waiting.id, outputs(&[("call_nope", "x")]))
        .unwrap_err();
    assert_eq!(wrong.status(), 400);

    let resumed = fx
        .engine
        .submit_tool_outputs(
            &thread_id,
            &waiting.id,
            outputs(&[
                (&calls[0].id, "{\"celsius\": 4}"),
                (&calls[1].id, "{\"celsius\": 19}"),
            ]),
        )
        .unwrap();
    let done = final_run(&collect(resumed).await);
    assert_eq!(done.status, RunStatus::Completed);
    assert_eq!(
        done.usage.map(|u| u.total_tokens),
        Some(63),
        "usage sums over the provider's answers"
    );
    assert_eq!(
        text_of(&fx.answers(&thread_id, &done.id)[0]),
        "4 °C in Oslo, 19 °C in Rome."
    );

    // The step records both outputs; the provider got both results, matched to their calls.
    let steps = fx
        .engine
        .list_run_steps(&thread_id, &done.id, &ListQuery::default())
        .unwrap();
    let recorded: Vec<_> = steps
        .data
        .iter()
        .filter_map(|step| match &step.step_details {
            StepDetails::ToolCalls { tool_calls } => Some(tool_calls),
            _ => None,
        })
        .flatten()
        .filter_map(|call| match call {
            ToolCall::Function { function, .. } => function.output.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(recorded, ["{\"celsius\": 4}", "{\"celsius\": 19}"]);
    let body = &fx.provider.bodies()[1];
    assert_eq!(
        W::tool_results(body),
        [
            (calls[0].id.clone(), "{\"celsius\": 4}".to_owned()),
            (calls[1].id.clone(), "{\"celsius\": 19}".to_owned())
        ]
    );
}

async fn cancelling_mid_stream_stops_the_provider_and_keeps_the_partial_answer<W: TestWire>() {
    let slow = Script::text((0..200).map(|i| format!("word{i} "))).delay(Duration::from_millis(30));
    let fx = Fixture::<W>::new(vec![slow], vec![]).await;
    let thread_id = fx.thread_with("Talk");
    let mut stream = fx.start_run(&thread_id);
    loop {
        let event = stream.events.recv().await.unwrap();
        if event.name() == "thread.message.delta" {
            break;
        }
    }
    let cancelling = fx.engine.cancel_run(&thread_id, &stream.run.id).unwrap();
    assert_eq!(cancelling.status, RunStatus::Cancelling);
    let rest = collect(stream).await;
    let run = final_run(&rest);
    assert_eq!(run.status, RunStatus::Cancelled);
    fx.provider.wait_for_disconnect().await;

    let partial = &fx.answers(&thread_id, &run.id)[0];
    assert_eq!(partial.status, MessageStatus::Incomplete);
    assert!(
        text_of(partial).starts_with("word0 "),
        "the partial answer is kept"
    );
    assert!(
        !text_of(partial).contains("word199"),
        "generation stopped early"
    );
    let again = fx.engine.cancel_run(&thread_id, &run.id).unwrap_err();
    assert_eq!(
        again.to_api_error().message,
        "Cannot cancel run with status 'cancelled'."
    );
}

async fn rate_limits_overloads_and_cut_streams_fail_the_run_with_the_right_code<W: TestWire>() {
    let fx = Fixture::<W>::new(
        vec![
            Script::error(429, "Rate limit reached"),
            Script::text(["Half an ans"]).cut(),
            Script::text(["Busy right n"]).stream_error("overloaded_error", "Overloaded"),
            Script::text(["Fine now."]),
        ],
        vec![],
    )
    .await;
    let thread_id = fx.thread_with("Hi");
    let run_once = async || final_run(&collect(fx.start_run(&thread_id)).await);

    let limited = run_once().await;
    assert_eq!(limited.status, RunStatus::Failed);
    let error = limited.last_error.unwrap();
    assert_eq!(error.code.to_string(), "rate_limit_exceeded");
    assert!(error.message.contains("429"), "{}", error.message);

    for (partial, what) in [
        ("Half an ans", "a cut stream"),
        ("Busy right n", "an overload inside the stream"),
    ] {
        let run = run_once().await;
        assert_eq!(run.status, RunStatus::Failed, "{what}");
        assert_eq!(
            run.last_error.unwrap().code.to_string(),
            "server_error",
            "{what}"
        );
        let answer = &fx.answers(&thread_id, &run.id)[0];
        assert_eq!(text_of(answer), partial, "{what} keeps the partial message");
        assert_eq!(answer.status, MessageStatus::Incomplete, "{what}");
    }

    // The thread is not stuck: the next run answers.
    let fine = run_once().await;
    assert_eq!(fine.status, RunStatus::Completed);
    assert_eq!(text_of(&fx.answers(&thread_id, &fine.id)[0]), "Fine now.");
}
