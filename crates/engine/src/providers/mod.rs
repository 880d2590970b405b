//! Model providers: one small interface over OpenAI-compatible chat completions and Anthropic's
//! Messages API, streaming answers as [`ChatEvent`]s.
//!
//! Requests are retried (rate limits, server errors, timeouts, connection failures) only until an
//! answer starts streaming; dropping a [`ChatStream`] closes its connection, which is how a run is
//! cancelled. API keys are [`ApiKey`]s, which never print, and are scrubbed from provider messages.

mod anthropic;
mod anthropic_stream;
mod api;
mod config;
mod error;
mod events;
mod openai;
mod openai_stream;
mod request;
mod retry;
mod router;
mod stream;

pub use anthropic::{ANTHROPIC_BASE_URL, ANTHROPIC_VERSION, Anthropic, DEFAULT_MAX_TOKENS};
pub use api::ProviderApi;
pub use config::{ApiKey, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, ProviderConfig};
pub use error::ProviderError;
pub use events::{ChatEvent, FinishReason, ModelInfo};
pub use openai::{LM_STUDIO_BASE_URL, OLLAMA_BASE_URL, OPENAI_BASE_URL, OpenAiCompatible};
pub use request::{
    ChatMessage, ChatRequest, FunctionObject, JsonSchemaFormat, ResponseFormat, ToolCall,
    ToolChoice,
};
pub use retry::{Backoff, DEFAULT_MAX_RETRIES, DelayLog, Sleeper};
pub use router::{Route, Router};
pub use stream::ChatStream;

use async_trait::async_trait;

/// A source of model answers. Object-safe: the engine holds an `Arc<dyn Provider>`.
#[async_trait]
pub trait Provider: Send + Sync + std::fmt::Debug {
    /// Starts streaming the answer to `request`. Fails before streaming for errors the provider
    /// reports up front (after retries); failures after the start arrive as the stream's last item.
    async fn stream_chat(&self, request: &ChatRequest) -> Result<ChatStream, ProviderError>;

    /// The models the provider offers.
    async fn list_models(&self) -> Result<Vec<ModelInfo>, ProviderError>;
}
