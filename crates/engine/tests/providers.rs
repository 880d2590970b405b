//! The providers against scripted servers speaking the real wire formats over loopback HTTP.

mod support;

use std::time::Duration;

use futures_util::StreamExt;
use hearth_engine::providers::{
    ChatEvent, ChatMessage, ChatRequest, FinishReason, FunctionObject, JsonSchemaFormat,
    OpenAiCompatible, Provider, ProviderConfig, ProviderError, ResponseFormat, ToolCall,
    ToolChoice,
};
use serde_json::{Value, json};
use support::*;

fn hello() -> ChatRequest {
    ChatRequest::new("test-model", vec![ChatMessage::user("Say hello")])
}

fn weather_tool() -> FunctionObject {
    let parameters = json!({"type": "object", "properties": {"city": {"type": "string"}}});
    FunctionObject {
        name: "get_weather".into(),
        description: Some("Current weather in a city".into()),
        parameters: parameters.as_object().cloned(),
        strict: Some(true),
    }
}

/// A conversation with every kind of turn, and every option set.
fn full_request() -> ChatRequest {
    ChatRequest {
        model: "test-model".into(),
        system: Some("You are terse.".into()),
        messages: vec![
            ChatMessage::user("Weather in Oslo and Rome?"),
            ChatMessage::Assistant {
                text: "Checking.".into(),
                tool_calls: vec![
                    ToolCall {
                        id: "call_a".into(),
                        name: "get_weather".into(),
                        arguments: r#"{"city":"Oslo"}"#.into(),
                    },
                    ToolCall {
                        id: "call_b".into(),
                        name: "get_weather".into(),
                        arguments: r#"{"city":"Rome"}"#.into(),
                    },
                ],
            },
            ChatMessage::tool_result("call_a", "3°C"),
            ChatMessage::tool_result("call_b", "18°C"),
        ],
        tools: vec![weather_tool()],
        tool_choice: ToolChoice::Function("get_weather".into()),
        parallel_tool_calls: Some(false),
        temperature: Some(0.4),
        top_p: Some(0.9),
        max_output_tokens: None,
        response_format: None,
    }
}

fn schema_format() -> ResponseFormat {
    let schema = json!({"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]});
    ResponseFormat::JsonSchema {
        json_schema: JsonSchemaFormat {
            description: None,
            name: "answer".into(),
            schema: schema.as_object().cloned(),
            strict: Some(true),
        },
    }
}

fn finished(events: &[ChatEvent]) -> Option<&FinishReason> {
    match events.last() {
        Some(ChatEvent::Finished { reason }) => Some(reason),
        _ => None,
    }
}

fn usage(events: &[ChatEvent]) -> Option<(u64, u64)> {
    events.iter().find_map(|e| match e {
        ChatEvent::Usage {
            prompt_tokens,
            completion_tokens,
        } => Some((*prompt_tokens, *completion_tokens)),
        _ => None,
    })
}

fn assert_no_key(err: &ProviderError) {
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains(KEY),
        "the API key leaked into an error: {shown}"
    );
}

// ---- streamed text, tool calls, usage ----

#[tokio::test]
async fn openai_text_arrives_as_several_deltas_with_usage() {
    let server =
        ScriptedOpenAi::start(vec![Script::text(["Hel", "lo", " there"]).usage(10, 3)]).await;
    let (provider, _) = openai(&server);
    let (events, err) = drain(provider.stream_chat(&hello()).await.unwrap()).await;
    assert!(err.is_none(), "the stream should end well: {err:?}");
    assert_eq!(
        text_deltas(&events),
        ["Hel", "lo", " there"],
        "each chunk is its own delta"
    );
    assert_eq!(
        usage(&events),
        Some((10, 3)),
        "usage from the final chunk is reported"
    );
    assert_eq!(
        finished(&events),
        Some(&FinishReason::Stop),
        "Finished comes last"
    );
}

#[tokio::test]
async fn anthropic_text_arrives_as_several_deltas_with_usage() {
    let server = ScriptedAnthropic::start(vec![Script::text(["Hel", "lo"]).usage(12, 2)]).await;
    let (provider, _) = anthropic(&server);
    let (events, err) = drain(provider.stream_chat(&hello()).await.unwrap()).await;
    assert!(err.is_none(), "the stream should end well: {err:?}");
    assert_eq!(text_deltas(&events), ["Hel", "lo"]);
    assert_eq!(
        usage(&events),
        Some((12, 2)),
        "input from message_start, output from message_delta"
    );
    assert_eq!(finished(&events), Some(&FinishReason::Stop));
}

#[tokio::test]
async fn openai_interleaved_tool_call_arguments_reassemble_exactly() {
    let calls = [
        ScriptedCall::new("call_1", "get_weather", ["{\"ci", "ty\": \"Os", "lo\"}"]),
        ScriptedCall::new("call_2", "get_time", ["{\"tz\":", " \"UTC\"}"]),
    ];
    let server = ScriptedOpenAi::start(vec![
        Script::text(["Let me check."])
            .and_tool_calls(calls.clone())
            .interleaved(),
    ])
    .await;
    let (provider, _) = openai(&server);
    let (events, err) = drain(provider.stream_chat(&hello()).await.unwrap()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(text(&events), "Let me check.");
    assert_eq!(
        tool_starts(&events),
        [
            (0, "call_1".into(), "get_weather".into()),
            (1, "call_2".into(), "get_time".into())
        ]
    );
    assert_eq!(arguments(&events, 0), calls[0].arguments());
    assert_eq!(arguments(&events, 1), calls[1].arguments());
    assert_eq!(finished(&events), Some(&FinishReason::ToolCalls));
}

#[tokio::test]
async fn anthropic_tool_use_arguments_reassemble_exactly() {
    let calls = [
        ScriptedCall::new("toolu_1", "get_weather", ["{\"city\"", ": \"Oslo\"}"]),
        ScriptedCall::new("toolu_2", "get_weather", ["{\"city\": ", "\"Ro", "me\"}"]),
    ];
    let server = ScriptedAnthropic::start(vec![
        Script::text(["Checking."]).and_tool_calls(calls.clone()),
    ])
    .await;
    let (provider, _) = anthropic(&server);
    let (events, err) = drain(provider.stream_chat(&hello()).await.unwrap()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(
        tool_starts(&events),
        [
            (0, "toolu_1".into(), "get_weather".into()),
            (1, "toolu_2".into(), "get_weather".into())
        ],
        "tool calls are numbered among tool calls, not among content blocks"
    );
    assert_eq!(arguments(&events, 0), calls[0].arguments());
    assert_eq!(arguments(&events, 1), calls[1].arguments());
    assert_eq!(finished(&events), Some(&FinishReason::ToolCalls));
}

#[tokio::test]
async fn finish_reasons_are_translated() {
    let server = ScriptedOpenAi::start(vec![Script::text(["a"]).finish("length")]).await;
    let (provider, _) = openai(&server);
    let (events, _) = drain(provider.stream_chat(&hello()).await.unwrap()).await;
    assert_eq!(finished(&events), Some(&FinishReason::Length));

    let server = ScriptedAnthropic::start(vec![Script::text(["a"]).finish("max_tokens")]).await;
    let (provider, _) = anthropic(&server);
    let (events, _) = drain(provider.stream_chat(&hello()).await.unwrap()).await;
    assert_eq!(finished(&events), Some(&FinishReason::Length));
}

// ---- request bodies ----

#[tokio::test]
async fn openai_request_carries_every_field() {
    let server = ScriptedOpenAi::start(vec![Script::text(["ok"])]).await;
    let (provider, _) = openai(&server);
    let mut request = full_request();
    request.response_format = Some(schema_format());
    request.max_output_tokens = Some(256);
    drain(provider.stream_chat(&request).await.unwrap()).await;

    let body = &server.bodies()[0];
    assert_eq!(body["model"], "test-model");
    assert_eq!(body["stream"], true);
    assert_eq!(body["stream_options"], json!({"include_usage": true}));
    assert_eq!(
        body["messages"][0],
        json!({"role": "system", "content": "You are terse."})
    );
    assert_eq!(
        body["messages"][1],
        json!({"role": "user", "content": "Weather in Oslo and Rome?"})
    );
    assert_eq!(
        body["messages"][2],
        json!({"role": "assistant", "content": "Checking.", "tool_calls": [
            {"id": "call_a", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}},
            {"id": "call_b", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}},
        ]})
    );
    assert_eq!(
        body["messages"][3],
        json!({"role": "tool", "tool_call_id": "call_a", "content": "3°C"})
    );
    assert_eq!(
        body["messages"][4],
        json!({"role": "tool", "tool_call_id": "call_b", "content": "18°C"})
    );
    assert_eq!(
        body["tools"],
        json!([{"type": "function", "function": {
            "name": "get_weather",
            "description": "Current weather in a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            "strict": true,
        }}])
    );
    assert_eq!(
        body["tool_choice"],
        json!({"type": "function", "function": {"name": "get_weather"}})
    );
    assert_eq!(body["parallel_tool_calls"], false);
    assert_eq!(body["temperature"], 0.4);
    assert_eq!(body["top_p"], 0.9);
    assert_eq!(body["max_tokens"], 256, "compatible servers get max_tokens");
    assert_eq!(
        body["response_format"],
        json!({"type": "json_schema", "json_schema": {
            "name": "answer",
            "schema": {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]},
            "strict": true,
        }})
    );
    let headers = &server.requests()[0].headers;
    assert_eq!(headers["authorization"], format!("Bearer {KEY}"));
}

#[tokio::test]
async fn openai_leaves_out_what_the_request_does_not_set() {
    let server = ScriptedOpenAi::start(vec![Script::text(["ok"])]).await;
    let (provider, _) = openai(&server);
    let mut request = hello();
    request.parallel_tool_calls = Some(true);
    request.response_format = Some(ResponseFormat::JsonObject);
    drain(provider.stream_chat(&request).await.unwrap()).await;
    let body = server.bodies()[0].as_object().cloned().unwrap();
    for absent in [
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "temperature",
        "top_p",
        "max_tokens",
    ] {
        assert!(
            !body.contains_key(absent),
            "{absent} should be left out: {body:?}"
        );
    }
    assert_eq!(
        body["messages"][0]["role"], "user",
        "no system message without instructions"
    );
    assert_eq!(body["response_format"], json!({"type": "json_object"}));
}

#[tokio::test]
async fn anthropic_request_carries_every_field() {
    let server = ScriptedAnthropic::start(vec![Script::text(["ok"])]).await;
    let (provider, _) = anthropic(&server);
    drain(provider.stream_chat(&full_request()).await.unwrap()).await;

    let recorded = &server.requests()[0];
    assert_eq!(recorded.path, "/v1/messages");
    assert_eq!(recorded.headers["x-api-key"], KEY);
    assert_eq!(recorded.headers["anthropic-version"], "2023-06-01");
    assert!(
        !recorded.headers.contains_key("authorization"),
        "Anthropic takes the key in x-api-key"
    );
    let body = &recorded.body;
    assert_eq!(body["system"], "You are terse.", "system is top-level");
    assert_eq!(
        body["max_tokens"], 4096,
        "max_tokens is required, so it is defaulted"
    );
    assert_eq!(body["stream"], true);
    assert_eq!(
        body["messages"],
        json!([
            {"role": "user", "content": [{"type": "text", "text": "Weather in Oslo and Rome?"}]},
            {"role": "assistant", "content": [
                {"type": "text", "text": "Checking."},
                {"type": "tool_use", "id": "call_a", "name": "get_weather", "input": {"city": "Oslo"}},
                {"type": "tool_use", "id": "call_b", "name": "get_weather", "input": {"city": "Rome"}},
            ]},
            {"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "call_a", "content": "3°C"},
                {"type": "tool_result", "tool_use_id": "call_b", "content": "18°C"},
            ]},
        ]),
        "tool results of one turn go together in one user message"
    );
    assert_eq!(
        body["tools"],
        json!([{
            "name": "get_weather",
            "description": "Current weather in a city",
            "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
        }])
    );
    assert_eq!(
        body["tool_choice"],
        json!({"type": "tool", "name": "get_weather", "disable_parallel_tool_use": true})
    );
    assert_eq!(body["temperature"], 0.4);
    assert!(
        body.get("top_p").is_none(),
        "temperature wins when both are set"
    );
}

#[tokio::test]
async fn anthropic_json_schema_is_a_forced_tool_whose_input_streams_as_text() {
    let answer = ScriptedCall::new("toolu_x", "answer", ["{\"answer\":", " \"42\"}"]);
    let server = ScriptedAnthropic::start(vec![Script::tool_calls([answer.clone()])]).await;
    let (provider, _) = anthropic(&server);
    let mut request = hello();
    request.response_format = Some(schema_format());
    let (events, err) = drain(provider.stream_chat(&request).await.unwrap()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(
        text(&events),
        answer.arguments(),
        "the forced tool's input is the answer text"
    );
    assert!(
        tool_starts(&events).is_empty(),
        "the forced tool is not a tool call of the run"
    );
    assert_eq!(finished(&events), Some(&FinishReason::Stop));
    let body = &server.bodies()[0];
    assert_eq!(body["tools"][0]["name"], "answer");
    assert_eq!(
        body["tools"][0]["input_schema"]["required"],
        json!(["answer"])
    );
    assert_eq!(
        body["tool_choice"],
        json!({"type": "tool", "name": "answer"})
    );
}

#[tokio::test]
async fn anthropic_json_object_becomes_an_instruction() {
    let server = ScriptedAnthropic::start(vec![Script::text(["{}"])]).await;
    let (provider, _) = anthropic(&server);
    let mut request = hello();
    request.system = Some("Be brief.".into());
    request.response_format = Some(ResponseFormat::JsonObject);
    request.temperature = Some(1.7);
    drain(provider.stream_chat(&request).await.unwrap()).await;
    let body = &server.bodies()[0];
    let system = body["system"].as_str().unwrap();
    assert!(
        system.starts_with("Be brief.") && system.contains("JSON"),
        "{system}"
    );
    assert!(body.get("tools").is_none());
    assert_eq!(
        body["temperature"], 1.0,
        "Anthropic's temperature range ends at 1"
    );
}

// ---- retries and errors ----

#[tokio::test]
async fn a_rate_limit_then_success_is_retried_honouring_retry_after() {
    let server = ScriptedOpenAi::start(vec![
        Script::error(429, "Rate limit reached").retry_after(3),
        Script::text(["fine"]),
    ])
    .await;
    let (provider, delays) = openai(&server);
    let (events, err) = drain(provider.stream_chat(&hello()).await.unwrap()).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(text(&events), "fine");
    assert_eq!(server.chat_requests(), 2, "one retry after the 429");
    assert_eq!(
        *delays.lock().unwrap(),
        [Duration::from_secs(3)],
        "retry-after is honoured"
    );
}

#[tokio::test]
async fn anthropic_overload_then_success_is_retried() {
    let server = ScriptedAnthropic::start(vec![
        Script::error(529, "Overloaded"),
        Script::error(429, "Slow down"),
        Script::text(["fine"]),
    ])
    .await;
    let (provider, delays) = anthropic(&server);
    let (events, _) = drain(provider.stream_chat(&hello()).await.unwrap()).await;
    assert_eq!(text(&events), "fine");
    assert_eq!(server.chat_requests(), 3);
    assert_eq!(delays.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn server_errors_exhaust_the_retries() {
    let scripts = vec![Script::error(500, "boom"); 3];
    let server = ScriptedOpenAi::start(scripts).await;
    let (provider, delays) = openai(&server);
    let err = provider
        .stream_chat(&hello())
        .await
        .err()
        .expect("500s should fail");
    assert!(
        matches!(&err, ProviderError::Server { status: 500, message } if message == "boom"),
        "{err:?}"
    );
    assert_eq!(
        server.chat_requests(),
        3,
        "the first attempt and two retries"
    );
    assert_eq!(delays.lock().unwrap().len(), 2);
    assert_eq!(err.code(), "provider_server_error");
}

#[tokio::test]
async fn the_retry_count_is_configurable() {
    let server = ScriptedOpenAi::start(vec![Script::error(503, "busy"), Script::text(["x"])]).await;
    let (config, _) = config(server.base_url());
    let provider = OpenAiCompatible::new(config.max_retries(0)).unwrap();
    let err = provider.stream_chat(&hello()).await.err().unwrap();
    assert!(
        matches!(err, ProviderError::Server { status: 503, .. }),
        "{err:?}"
    );
    assert_eq!(
        server.chat_requests(),
        1,
        "no retries when they are turned off"
    );
}

#[tokio::test]
async fn a_rejected_key_is_an_authentication_error_and_not_retried() {
    let echo = format!("Incorrect API key provided: {KEY}.");
    let server = ScriptedOpenAi::start(vec![Script::error(401, echo.clone())]).await;
    let (provider, _) = openai(&server);
    let err = provider.stream_chat(&hello()).await.err().unwrap();
    assert!(
        matches!(err, ProviderError::Authentication { status: 401, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("Check the key in Settings"),
        "{err}"
    );
    assert_eq!(server.chat_requests(), 1);
    assert_no_key(&err);

    let server = ScriptedAnthropic::start(vec![Script::error(401, echo)]).await;
    let (provider, _) = anthropic(&server);
    let err = provider.stream_chat(&hello()).await.err().unwrap();
    assert!(
        matches!(err, ProviderError::Authentication { status: 401, .. }),
        "{err:?}"
    );
    assert_no_key(&err);
}

#[tokio::test]
async fn a_bad_request_keeps_the_providers_message() {
    let server = ScriptedAnthropic::start(vec![Script::error(400, "max_tokens: too large")]).await;
    let (provider, _) = anthropic(&server);
    let err = provider.stream_chat(&hello()).await.err().unwrap();
    assert!(
        matches!(&err, ProviderError::BadRequest { status: 400, message } if message == "max_tokens: too large"),
        "{err:?}"
    );
    assert!(err.to_string().contains("max_tokens: too large"));
    assert_eq!(server.chat_requests(), 1, "a bad request is not retried");
}

#[tokio::test]
async fn an_unreachable_provider_is_a_connection_error_after_retries() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let (config, delays) = config(format!("http://{addr}/v1"));
    let provider = OpenAiCompatible::new(config).unwrap();
    let err = provider.stream_chat(&hello()).await.err().unwrap();
    assert!(matches!(err, ProviderError::Connection { .. }), "{err:?}");
    assert_eq!(
        delays.lock().unwrap().len(),
        2,
        "connection failures are retried"
    );
    assert_no_key(&err);
}

// ---- cut streams and cancelling ----

#[tokio::test]
async fn a_stream_cut_mid_way_reports_the_cut_after_the_partial_text() {
    let server = ScriptedOpenAi::start(vec![Script::text(["Par", "tial"]).cut()]).await;
    let (provider, _) = openai(&server);
    let (events, err) = drain(provider.stream_chat(&hello()).await.unwrap()).await;
    assert_eq!(
        text(&events),
        "Partial",
        "the text before the cut is delivered"
    );
    assert!(
        matches!(err, Some(ProviderError::StreamCut { .. })),
        "{err:?}"
    );
    assert_eq!(
        server.chat_requests(),
        1,
        "nothing is retried once output started"
    );

    let server = ScriptedAnthropic::start(vec![Script::text(["Par", "tial"]).cut()]).await;
    let (provider, _) = anthropic(&server);
    let (events, err) = drain(provider.stream_chat(&hello()).await.unwrap()).await;
    assert_eq!(text(&events), "Partial");
    assert!(
        matches!(err, Some(ProviderError::StreamCut { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_stream_that_ends_without_finishing_is_a_cut() {
    let server = ScriptedOpenAi::start(vec![Script::text(["Half"]).end_early()]).await;
    let (provider, _) = openai(&server);
    let (events, err) = drain(provider.stream_chat(&hello()).await.unwrap()).await;
    assert_eq!(text(&events), "Half");
    let err = err.expect("a cut");
    assert_eq!(err.code(), "provider_stream_cut", "{err:?}");

    let server = ScriptedAnthropic::start(vec![Script::text(["Half"]).end_early()]).await;
    let (provider, _) = anthropic(&server);
    let (_, err) = drain(provider.stream_chat(&hello()).await.unwrap()).await;
    assert!(
        matches!(err, Some(ProviderError::StreamCut { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_error_event_inside_the_stream_ends_it() {
    let server = ScriptedAnthropic::start(vec![
        Script::text(["So"]).stream_error("overloaded_error", "Overloaded"),
    ])
    .await;
    let (provider, _) = anthropic(&server);
    let (events, err) = drain(provider.stream_chat(&hello()).await.unwrap()).await;
    assert_eq!(text(&events), "So");
    assert!(
        matches!(err, Some(ProviderError::Server { status: 529, .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn dropping_the_stream_closes_the_connection() {
    let pieces: Vec<String> = (0..200).map(|i| format!("w{i} ")).collect();
    let slow = Script::text(pieces).delay(Duration::from_millis(20));
    let server = ScriptedOpenAi::start(vec![slow.clone()]).await;
    let (provider, _) = openai(&server);
    let mut stream = provider.stream_chat(&hello()).await.unwrap();
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first, ChatEvent::TextDelta("w0 ".into()));
    drop(stream);
    tokio::time::timeout(Duration::from_secs(30), server.wait_for_disconnect())
        .await
        .expect("the server should see the client go away");
    assert_eq!(server.disconnects(), 1);

    let server = ScriptedAnthropic::start(vec![slow]).await;
    let (provider, _) = anthropic(&server);
    let mut stream = provider.stream_chat(&hello()).await.unwrap();
    stream.next().await.unwrap().unwrap();
    drop(stream);
    tokio::time::timeout(Duration::from_secs(30), server.wait_for_disconnect())
        .await
        .expect("the server should see the client go away");
}

// ---- models and secrets ----

#[tokio::test]
async fn models_are_listed_with_context_windows() {
    let server = ScriptedOpenAi::start(vec![]).await;
    server.set_models(vec![
        ("llama3.2".into(), Some(131072)),
        ("tiny".into(), None),
    ]);
    let (provider, _) = openai(&server);
    let models = provider.list_models().await.unwrap();
    let listed: Vec<_> = models
        .iter()
        .map(|m| (m.id.as_str(), m.context_window))
        .collect();
    assert_eq!(listed, [("llama3.2", Some(131072)), ("tiny", None)]);

    let server = ScriptedAnthropic::start(vec![]).await;
    server.set_models(vec![("claude-sonnet-4-5".into(), None)]);
    let (provider, _) = anthropic(&server);
    let models = provider.list_models().await.unwrap();
    assert_eq!(models[0].id, "claude-sonnet-4-5");
    let recorded = &server.requests()[0];
    assert_eq!(recorded.path, "/v1/models");
    assert_eq!(recorded.headers["x-api-key"], KEY);
}

#[tokio::test]
async fn the_key_never_prints() {
    let server = ScriptedOpenAi::start(vec![]).await;
    let (config, _) = config(server.base_url());
    let shown = format!("{config:?}");
    assert!(
        !shown.contains(KEY) && shown.contains("<redacted>"),
        "{shown}"
    );
    let provider = OpenAiCompatible::new(config.clone()).unwrap();
    assert!(
        !format!("{provider:?}").contains(KEY),
        "the provider's Debug shows the key"
    );
    let anthropic = hearth_engine::providers::Anthropic::new(config).unwrap();
    assert!(!format!("{anthropic:?}").contains(KEY));

    let body: Value = json!({"error": {"message": format!("key {KEY} is revoked")}});
    server.push(Script::error_body(403, body));
    let err = provider.stream_chat(&hello()).await.err().unwrap();
    assert!(
        matches!(err, ProviderError::Authentication { status: 403, .. }),
        "{err:?}"
    );
    assert_no_key(&err);
}

#[tokio::test]
async fn a_bad_base_url_is_a_config_error() {
    let err = OpenAiCompatible::new(ProviderConfig::new("not a url"))
        .err()
        .unwrap();
    assert_eq!(err.code(), "provider_config", "{err:?}");
}

#[tokio::test]
async fn a_silent_provider_times_out() {
    let stalled = Script::text(["late"]).delay(Duration::from_secs(30));
    let server = ScriptedOpenAi::start(vec![stalled]).await;
    let (config, _) = config(server.base_url());
    let config = config
        .max_retries(0)
        .timeouts(Duration::from_secs(5), Duration::from_millis(200));
    let provider = OpenAiCompatible::new(config).unwrap();
    let err = match provider.stream_chat(&hello()).await {
        Err(err) => err,
        Ok(stream) => drain(stream)
            .await
            .1
            .expect("the silence should end the stream"),
    };
    assert!(matches!(err, ProviderError::Timeout), "{err:?}");
}

// ---- keys stay with their origin ----

/// A server on loopback that answers every request with a redirect to `location`.
async fn redirecting_to(location: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let location = location.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let answer = format!(
                    "HTTP/1.1 307 Temporary Redirect\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                );
                let _ = socket.write_all(answer.as_bytes()).await;
                // Read what is left of the request body, so closing does not reset the
                // connection before the client has read the answer.
                let _ = socket.shutdown().await;
                let mut rest = Vec::new();
                let _ = tokio::time::timeout(Duration::from_secs(2), socket.read_to_end(&mut rest))
                    .await;
            });
        }
    });
    base
}

#[tokio::test]
async fn anthropic_key_does_not_follow_a_redirect_to_another_host() {
    let other = ScriptedAnthropic::start(vec![Script::text(["stolen"])]).await;
    let first = redirecting_to(format!("{}/v1/messages", other.base_url())).await;
    let (config, delays) = config(first);
    let provider = hearth_engine::providers::Anthropic::new(config).unwrap();

    let err = provider.stream_chat(&hello()).await.err().unwrap();

    assert!(
        matches!(err, ProviderError::Config(_)),
        "a refused redirect is a settings problem: {err:?}"
    );
    assert!(err.to_string().contains("another host"), "{err}");
    assert!(
        other.requests().is_empty(),
        "the other host must never see a request carrying x-api-key"
    );
    assert!(
        delays.lock().unwrap().is_empty(),
        "a refused redirect is not retried"
    );
    assert_no_key(&err);
}

#[tokio::test]
async fn a_base_url_with_credentials_is_refused() {
    let Err(error) =
        OpenAiCompatible::new(ProviderConfig::new("https://bob:hunter2@proxy.example/v1"))
    else {
        panic!("credentials in the URL must be refused");
    };
    let shown = error.to_string();
    assert!(shown.contains("user name or password"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
}
