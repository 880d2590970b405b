//! Anthropic's Messages API, spoken natively.
//!
//! JSON response formats are emulated, since the API has no such parameter: `json_schema` in a
//! request without function tools becomes a forced tool whose input schema is the format's schema,
//! and the tool's input streams back as ordinary text; `json_object`, or `json_schema` alongside
//! function tools (where forcing a tool would forbid calling the others), becomes an instruction
//! appended to the system prompt.

use async_trait::async_trait;
use reqwest::RequestBuilder;
use serde_json::{Map, Value, json};

use super::Provider;
use super::anthropic_stream::AnthropicDecoder;
use super::config::{ProviderConfig, Transport};
use super::error::ProviderError;
use super::events::ModelInfo;
use super::openai::parse_models;
use super::request::{ChatMessage, ChatRequest, ResponseFormat, ToolChoice};
use super::stream::{ChatStream, chat_stream};

/// Anthropic's endpoint (without `/v1`, which the paths add).
pub const ANTHROPIC_BASE_URL: &str = "https://api.anthropic.com";
/// The API version every request names.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";
/// Output limit sent when the request sets none: the API requires one.
pub const DEFAULT_MAX_TOKENS: u32 = 4096;

/// The Messages API at `config.base_url`.
#[derive(Debug)]
pub struct Anthropic {
    transport: Transport,
    default_max_tokens: u32,
}

impl Anthropic {
    /// A provider for `config.base_url` (normally [`ANTHROPIC_BASE_URL`]).
    pub fn new(config: ProviderConfig) -> Result<Self, ProviderError> {
        Ok(Self {
            transport: Transport::new(&config)?,
            default_max_tokens: DEFAULT_MAX_TOKENS,
        })
    }

    /// Sets the output limit used when a request has none.
    pub fn with_default_max_tokens(mut self, max_tokens: u32) -> Self {
        self.default_max_tokens = max_tokens;
        self
    }

    /// The JSON body `stream_chat` sends for `request`.
    pub fn request_body(&self, request: &ChatRequest) -> Value {
        request_body(request, self.default_max_tokens).0
    }

    fn headers(&self, builder: RequestBuilder) -> RequestBuilder {
        let builder = builder.header("anthropic-version", ANTHROPIC_VERSION);
        match &self.transport.key {
            Some(key) => builder.header("x-api-key", Transport::secret_header(key.expose())),
            None => builder,
        }
    }
}

#[async_trait]
impl Provider for Anthropic {
    async fn stream_chat(&self, request: &ChatRequest) -> Result<ChatStream, ProviderError> {
        let (body, response_tool) = request_body(request, self.default_max_tokens);
        let url = self.transport.url("/v1/messages");
        let response = self
            .transport
            .policy
            .send(
                || self.headers(self.transport.http.post(&url).json(&body)),
                self.transport.key_text(),
            )
            .await?;
        Ok(chat_stream(response, AnthropicDecoder::new(response_tool)))
    }

    async fn list_models(&self) -> Result<Vec<ModelInfo>, ProviderError> {
        let mut models = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut url = self.transport.url("/v1/models?limit=1000");
            if let Some(after) = &after {
                url.push_str("&after_id=");
                url.push_str(after);
            }
            let response = self
                .transport
                .policy
                .send(
                    || self.headers(self.transport.http.get(&url)),
                    self.transport.key_text(),
                )
                .await?;
            let text = response
                .text()
                .await
                .map_err(|e| ProviderError::from_transport(&e, true))?;
            let page = parse_models(&text)?;
            let value: Value = serde_json::from_str(&text).unwrap_or_default();
            let more = value.get("has_more").and_then(Value::as_bool) == Some(true);
            after = value
                .get("last_id")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let empty = page.is_empty();
            models.extend(page);
            if !more || empty || after.is_none() {
                return Ok(models);
            }
        }
    }
}

/// The Messages body for `request`, and the name of the forced tool standing in for a JSON-schema
/// response format, if one was added.
fn request_body(request: &ChatRequest, default_max_tokens: u32) -> (Value, Option<String>) {
    let mut system = request.system_text().unwrap_or("").to_owned();
    let mut tools: Vec<Value> = request.tools.iter().map(tool).collect();
    let mut tool_choice = match &request.tool_choice {
        ToolChoice::Auto => json!({"type": "auto"}),
        ToolChoice::None => json!({"type": "none"}),
        ToolChoice::Required => json!({"type": "any"}),
        ToolChoice::Function(name) => json!({"type": "tool", "name": name}),
    };
    let mut response_tool = None;
    match &request.response_format {
        None | Some(ResponseFormat::Text) => {}
        Some(ResponseFormat::JsonSchema { json_schema })
            if tools.is_empty() && request.tool_choice != ToolChoice::None =>
        {
            let description = json_schema
                .description
                .clone()
                .unwrap_or_else(|| "Give the answer as this tool's input.".into());
            tools.push(json!({
                "name": json_schema.name,
                "description": description,
                "input_schema": schema_or_empty(json_schema.schema.as_ref()),
            }));
            tool_choice = json!({"type": "tool", "name": json_schema.name});
            response_tool = Some(json_schema.name.clone());
        }
        Some(ResponseFormat::JsonSchema { json_schema }) => {
            let schema = Value::Object(json_schema.schema.clone().unwrap_or_default());
            append(
                &mut system,
                &format!(
                    "Answer with one JSON object and nothing else. It must follow this JSON Schema:\n{schema}"
                ),
            );
        }
        Some(ResponseFormat::JsonObject) => {
            append(&mut system, "Answer with one JSON object and nothing else.");
        }
    }
    let mut body = json!({
        "model": request.model,
        "max_tokens": request.max_output_tokens.unwrap_or(default_max_tokens),
        "messages": messages(&request.messages),
        "stream": true,
    });
    let fields = body.as_object_mut().expect("the body is an object");
    if !system.is_empty() {
        fields.insert("system".into(), system.into());
    }
    if !tools.is_empty() {
        if request.parallel_tool_calls == Some(false) && tool_choice["type"] != "none" {
            tool_choice["disable_parallel_tool_use"] = true.into();
        }
        fields.insert("tools".into(), tools.into());
        fields.insert("tool_choice".into(), tool_choice);
    }
    // The API takes 0–1 where the Assistants API allows 0–2, and recent models refuse both
    // `temperature` and `top_p` in one request, so temperature wins.
    if let Some(temperature) = request.temperature {
        fields.insert("temperature".into(), temperature.clamp(0.0, 1.0).into());
    } else if let Some(top_p) = request.top_p {
        fields.insert("top_p".into(), top_p.into());
    }
    (body, response_tool)
}

fn append(system: &mut String, text: &str) {
    if !system.is_empty() {
        system.push_str("\n\n");
    }
    system.push_str(text);
}

fn schema_or_empty(schema: Option<&Map<String, Value>>) -> Value {
    match schema {
        Some(schema) => Value::Object(schema.clone()),
        None => json!({"type": "object", "properties": {}}),
    }
}

fn tool(function: &super::request::FunctionObject) -> Value {
    let mut tool = json!({
        "name": function.name,
        "input_schema": schema_or_empty(function.parameters.as_ref()),
    });
    if let Some(description) = &function.description {
        tool["description"] = description.as_str().into();
    }
    tool
}

/// Messages as content blocks; consecutive turns of one role are merged, since tool results must
/// all sit in the one user turn after the assistant's tool calls, ahead of any text.
fn messages(messages: &[ChatMessage]) -> Vec<Value> {
    let mut turns: Vec<(&str, Vec<Value>)> = Vec::new();
    for message in messages {
        let (role, blocks) = match message {
            ChatMessage::User(text) => ("user", text_block(text).into_iter().collect()),
            ChatMessage::Assistant { text, tool_calls } => {
                let mut blocks: Vec<Value> = text_block(text).into_iter().collect();
                blocks.extend(tool_calls.iter().map(|call| {
                    json!({
                        "type": "tool_use",
                        "id": call.id,
                        "name": call.name,
                        "input": arguments(&call.arguments),
                    })
                }));
                ("assistant", blocks)
            }
            ChatMessage::ToolResult { call_id, output } => (
                "user",
                vec![json!({"type": "tool_result", "tool_use_id": call_id, "content": output})],
            ),
        };
        match turns.last_mut() {
            Some((last, existing)) if *last == role => existing.extend(blocks),
            _ => turns.push((role, blocks)),
        }
    }
    turns
        .into_iter()
        .filter(|(_, blocks)| !blocks.is_empty())
        .map(|(role, mut blocks)| {
            blocks.sort_by_key(|b| b["type"] != "tool_result");
            json!({"role": role, "content": blocks})
        })
        .collect()
}

/// The API rejects empty text blocks.
fn text_block(text: &str) -> Option<Value> {
    (!text.is_empty()).then(|| json!({"type": "text", "text": text}))
}

/// A tool call's input must be an object; arguments a model wrote badly are kept under `raw` rather
/// than dropped, so the next turn still shows what was called.
fn arguments(text: &str) -> Value {
    match serde_json::from_str::<Value>(text) {
        Ok(value @ Value::Object(_)) => value,
        _ if text.trim().is_empty() => json!({}),
        _ => json!({ "raw": text }),
    }
}
