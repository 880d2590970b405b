//! Setting up a provider: the one place that turns which API it speaks and its settings (base URL,
//! key, retries, timeouts) into a ready provider, for the server's command line and the app alike.

use std::sync::Arc;

use super::{
    ANTHROPIC_BASE_URL, Anthropic, OPENAI_BASE_URL, OpenAiCompatible, Provider, ProviderConfig,
    ProviderError,
};

/// The API a model provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderApi {
    /// OpenAI chat completions: OpenAI itself, Ollama, LM Studio, vLLM or any compatible server.
    OpenAiCompatible,
    /// Anthropic's Messages API.
    Anthropic,
}

impl ProviderApi {
    /// The official service's base URL, for when the settings name none.
    pub fn default_base_url(self) -> &'static str {
        match self {
            ProviderApi::OpenAiCompatible => OPENAI_BASE_URL,
            ProviderApi::Anthropic => ANTHROPIC_BASE_URL,
        }
    }

    /// A provider speaking this API with `config`. Nothing is sent yet; it fails only on settings
    /// no request could be made with (a base URL that does not parse, a key that cannot be a
    /// header value), with an error that never contains the key.
    pub fn build(self, config: ProviderConfig) -> Result<Arc<dyn Provider>, ProviderError> {
        Ok(match self {
            ProviderApi::OpenAiCompatible => Arc::new(OpenAiCompatible::new(config)?),
            ProviderApi::Anthropic => Arc::new(Anthropic::new(config)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ApiKey;

    #[test]
    fn unusable_settings_fail_without_showing_the_key() {
        let error = ProviderApi::Anthropic
            .build(ProviderConfig::new("not a url").api_key(ApiKey::new("sk-secret")))
            .unwrap_err()
            .to_string();
        assert!(error.contains("base URL"), "{error}");
        let error = ProviderApi::OpenAiCompatible
            .build(ProviderConfig::new(OPENAI_BASE_URL).api_key(ApiKey::new("sk-secret\n")))
            .unwrap_err()
            .to_string();
        assert!(!error.contains("sk-secret"), "the key leaked: {error}");
    }
}
