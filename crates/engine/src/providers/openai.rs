//! OpenAI-compatible Chat Completions: OpenAI, Ollama, LM Studio, llama.cpp server, vLLM, OpenRouter.

use async_trait::async_trait;
use reqwest::header::AUTHORIZATION;
use serde_json::{Value, json};

use super::Provider;
use super::config::{ProviderConfig, Transport};
use super::error::ProviderError;
use super::events::ModelInfo;
use super::openai_stream::OpenAiDecoder;
use super::request::{ChatMessage, ChatRequest, ResponseFormat, ToolChoice};
use super::stream::{ChatStream, chat_stream};

/// OpenAI's own endpoint.
pub const OPENAI_BASE_URL: &str = "https://api.openai.com/v1";
/// Ollama's OpenAI-compatible endpoint on its default port.
pub const OLLAMA_BASE_URL: &str = "http://127.0.0.1:11434/v1";
/// LM Studio's server on its default port.
pub const LM_STUDIO_BASE_URL: &str = "http://127.0.0.1:1234/v1";

/// A server speaking Chat Completions, chosen by base URL; the key, when set, goes in a bearer header.
#[derive(Debug)]
pub struct OpenAiCompatible {
    transport: Transport,
}

impl OpenAiCompatible {
    /// A provider for `config.base_url` (which includes the version segment, e.g. `…/v1`).
    pub fn new(config: ProviderConfig) -> Result<Self, ProviderError> {
        Ok(Self {
            transport: Transport::new(&config)?,
        })
    }

    /// The JSON body `stream_chat` sends for `request`.
    pub fn request_body(&self, request: &ChatRequest) -> Value {
        // OpenAI's reasoning models refuse `max_tokens`; most compatible servers only know it.
        let max_field = if self.transport.base_url.starts_with(OPENAI_BASE_URL) {
            "max_completion_tokens"
        } else {
            "max_tokens"
        };
        request_body(request, max_field)
    }

    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.authorize(self.transport.http.get(self.transport.url(path)))
    }

    fn authorize(&self, builder: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.transport.key {
            Some(key) => builder.header(
                AUTHORIZATION,
                Transport::secret_header(&format!("Bearer {}", key.expose())),
            ),
            None => builder,
        }
    }
}

#[async_trait]
impl Provider for OpenAiCompatible {
    async fn stream_chat(&self, request: &ChatRequest) -> Result<ChatStream, ProviderError> {
        let body = self.request_body(request);
        let url = self.transport.url("/chat/completions");
        let response = self
            .transport
            .policy
            .send(
                || self.authorize(self.transport.http.post(&url).json(&body)),
                self.transport.key_text(),
            )
            .await?;
        Ok(chat_stream(response, OpenAiDecoder::default()))
    }

    async fn list_models(&self) -> Result<Vec<ModelInfo>, ProviderError> {
        let response = self
            .transport
            .policy
            .send(|| self.get("/models"), self.transport.key_text())
            .await?;
        let text = response
            .text()
            .await
            .map_err(|e| ProviderError::from_transport(&e, true))?;
        parse_models(&text)
    }
}

/// Reads a `/models` list; the context window has a different name on each server.
pub(crate) fn parse_models(text: &str) -> Result<Vec<ModelInfo>, ProviderError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| ProviderError::malformed(format!("model list: {e}"), text))?;
    let data = value
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| ProviderError::malformed("model list without `data`", text))?;
    Ok(data
        .iter()
        .filter_map(|model| {
            let id = model.get("id")?.as_str()?.to_owned();
            let context_window = [
                "context_window",
                "context_length",
                "max_model_len",
                "max_context_length",
                "max_input_tokens",
            ]
            .iter()
            .find_map(|field| model.get(*field).and_then(Value::as_u64));
            Some(ModelInfo { id, context_window })
        })
        .collect())
}

/// The Chat Completions body for `request`, naming the output limit `max_field`.
fn request_body(request: &ChatRequest, max_field: &str) -> Value {
    let mut messages = Vec::with_capacity(request.messages.len() + 1);
    if let Some(system) = request.system_text() {
        messages.push(json!({"role": "system", "content": system}));
    }
    messages.extend(request.messages.iter().map(message));
    let mut body = json!({
        "model": request.model,
        "messages": messages,
        "stream": true,
        "stream_options": {"include_usage": true},
    });
    let fields = body.as_object_mut().expect("the body is an object");
    if !request.tools.is_empty() {
        let tools: Vec<Value> = request
            .tools
            .iter()
            .map(|function| json!({"type": "function", "function": function}))
            .collect();
        fields.insert("tools".into(), tools.into());
        let choice = match &request.tool_choice {
            ToolChoice::Auto => json!("auto"),
            ToolChoice::None => json!("none"),
            ToolChoice::Required => json!("required"),
            ToolChoice::Function(name) => json!({"type": "function", "function": {"name": name}}),
        };
        fields.insert("tool_choice".into(), choice);
        // OpenAI rejects `parallel_tool_calls` in a request without tools.
        if let Some(parallel) = request.parallel_tool_calls {
            fields.insert("parallel_tool_calls".into(), parallel.into());
        }
    }
    if let Some(temperature) = request.temperature {
        fields.insert("temperature".into(), temperature.into());
    }
    if let Some(top_p) = request.top_p {
        fields.insert("top_p".into(), top_p.into());
    }
    if let Some(max) = request.max_output_tokens {
        fields.insert(max_field.into(), max.into());
    }
    match &request.response_format {
        // Plain text is every server's default; some older local servers reject the field.
        None | Some(ResponseFormat::Text) => {}
        Some(format) => {
            let format = serde_json::to_value(format).expect("response formats serialize");
            fields.insert("response_format".into(), format);
        }
    }
    body
}

fn message(message: &ChatMessage) -> Value {
    match message {
        ChatMessage::User(text) => json!({"role": "user", "content": text}),
        ChatMessage::Assistant { text, tool_calls } if tool_calls.is_empty() => {
            json!({"role": "assistant", "content": text})
        }
        ChatMessage::Assistant { text, tool_calls } => {
            let calls: Vec<Value> = tool_calls
                .iter()
                .map(|call| {
                    json!({
                        "id": call.id,
                        "type": "function",
                        "function": {"name": call.name, "arguments": call.arguments},
                    })
                })
                .collect();
            let content = if text.is_empty() {
                Value::Null
            } else {
                text.as_str().into()
            };
            json!({"role": "assistant", "content": content, "tool_calls": calls})
        }
        ChatMessage::ToolResult { call_id, output } => {
            json!({"role": "tool", "tool_call_id": call_id, "content": output})
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_windows_are_read_from_each_servers_field() {
        let text = r#"{"object":"list","data":[
            {"id":"a","context_length":8192},
            {"id":"b","max_model_len":4096},
            {"id":"c"}]}"#;
        let models = parse_models(text).unwrap();
        let windows: Vec<_> = models.iter().map(|m| m.context_window).collect();
        assert_eq!(windows, [Some(8192), Some(4096), None]);
        assert!(matches!(
            parse_models("<html>"),
            Err(ProviderError::Malformed { .. })
        ));
    }

    #[test]
    fn openai_itself_gets_max_completion_tokens() {
        let request = ChatRequest {
            max_output_tokens: Some(5),
            ..ChatRequest::new("m", vec![])
        };
        let openai = OpenAiCompatible::new(ProviderConfig::new(OPENAI_BASE_URL)).unwrap();
        assert_eq!(openai.request_body(&request)["max_completion_tokens"], 5);
        let ollama = OpenAiCompatible::new(ProviderConfig::new(OLLAMA_BASE_URL)).unwrap();
        assert_eq!(ollama.request_body(&request)["max_tokens"], 5);
    }
}
