//! Embedders: what turns chunks and queries into vectors. The built-in one runs in-process; a
//! provider's OpenAI-compatible `/v1/embeddings` is the other kind.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use hearth_http::ApiKey;
use serde::Deserialize;
use serde_json::json;

/// Turns texts into vectors. Vectors of different `model`s are never compared.
#[async_trait]
pub trait Embedder: Send + Sync {
    /// The model's id, recorded with every vector it makes.
    fn model(&self) -> &str;
    /// How many numbers each vector has, when known before the first call.
    fn dimensions(&self) -> Option<usize>;
    /// One vector per text, in order. The message of an error says what failed.
    async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, String>;

    /// One vector per chunk of one file, in order; each chunk is given with the character offset
    /// where it starts in the file's text. An embedder that can read overlapping chunks as the
    /// text they were cut from does (the built-in one); by default each chunk is embedded alone.
    async fn embed_chunks(&self, chunks: &[(u64, String)]) -> Result<Vec<Vec<f32>>, String> {
        let texts: Vec<String> = chunks.iter().map(|(_, text)| text.clone()).collect();
        self.embed(&texts).await
    }
}

impl fmt::Debug for dyn Embedder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Embedder")
            .field("model", &self.model())
            .field("dimensions", &self.dimensions())
            .finish()
    }
}

/// A provider's `POST {base_url}/embeddings` (OpenAI, Ollama, LM Studio, vLLM …).
pub struct ProviderEmbedder {
    http: reqwest::Client,
    base_url: String,
    api_key: Option<ApiKey>,
    model: String,
}

impl ProviderEmbedder {
    /// An embedder asking `base_url` (e.g. `https://api.openai.com/v1`) for `model`'s vectors.
    pub fn new(
        base_url: impl Into<String>,
        api_key: Option<ApiKey>,
        model: impl Into<String>,
    ) -> Self {
        Self {
            // The key travels in a header; a redirect to another host is not followed with it.
            http: reqwest::Client::builder()
                .redirect(hearth_http::same_origin_redirects())
                .build()
                .unwrap_or_default(),
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            api_key,
            model: model.into(),
        }
    }
}

#[derive(Deserialize)]
struct EmbeddingsResponse {
    data: Vec<EmbeddingItem>,
}

#[derive(Deserialize)]
struct EmbeddingItem {
    index: usize,
    embedding: Vec<f32>,
}

impl ProviderEmbedder {
    /// One `POST /embeddings`; errors quote the URL, unredacted.
    async fn request_embeddings(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, String> {
        let url = format!("{}/embeddings", self.base_url);
        let mut request = self
            .http
            .post(&url)
            .json(&json!({"model": self.model, "input": texts, "encoding_format": "float"}));
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key.expose());
        }
        let response = request
            .send()
            .await
            .map_err(|error| format!("the embeddings request to {url} failed: {error}"))?;
        let status = response.status();
        let body = response.text().await.map_err(|error| {
            format!("the embeddings answer from {url} could not be read: {error}")
        })?;
        if !status.is_success() {
            return Err(format!("{url} answered {status}: {body}"));
        }
        let mut parsed: EmbeddingsResponse = serde_json::from_str(&body).map_err(|error| {
            format!(
                "{url} answered with something that is not an embeddings list ({error}): {body}"
            )
        })?;
        if parsed.data.len() != texts.len() {
            return Err(format!(
                "{url} answered {} vectors for {} texts",
                parsed.data.len(),
                texts.len()
            ));
        }
        parsed.data.sort_by_key(|item| item.index);
        Ok(parsed.data.into_iter().map(|item| item.embedding).collect())
    }
}

#[async_trait]
impl Embedder for ProviderEmbedder {
    fn model(&self) -> &str {
        &self.model
    }

    fn dimensions(&self) -> Option<usize> {
        None
    }

    async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, String> {
        // The message reaches files' `last_error`: URLs in it lose their user info and query.
        self.request_embeddings(texts)
            .await
            .map_err(|message| hearth_http::redact_urls_in(&message))
    }
}

/// Where the built-in embedder's model files are kept in a data folder.
pub fn builtin_embedder_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("embedders").join(hearth_embed::MODEL)
}

/// The built-in embedder: all-MiniLM-L6-v2 run in this process on the CPU, offline.
pub struct BuiltinEmbedder {
    model: Arc<hearth_embed::Embedder>,
}

impl BuiltinEmbedder {
    /// Loads `model.safetensors` and `tokenizer.json` from `dir`; the error names the folder and
    /// what is missing or wrong.
    pub fn load(dir: &Path) -> Result<Self, String> {
        let model = hearth_embed::Embedder::load(dir).map_err(|error| {
            format!(
                "the built-in embedder could not be loaded from {}: {error}",
                dir.display()
            )
        })?;
        Ok(Self {
            model: Arc::new(model),
        })
    }
}

#[async_trait]
impl Embedder for BuiltinEmbedder {
    fn model(&self) -> &str {
        hearth_embed::MODEL
    }

    fn dimensions(&self) -> Option<usize> {
        Some(hearth_embed::DIMENSIONS)
    }

    async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, String> {
        let model = self.model.clone();
        let texts = texts.to_vec();
        // Seconds of matrix work for a batch of chunks: off the async threads.
        tokio::task::spawn_blocking(move || {
            let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
            model.embed(&texts).map_err(|error| error.to_string())
        })
        .await
        .map_err(|error| format!("the built-in embedder stopped: {error}"))?
    }

    async fn embed_chunks(&self, chunks: &[(u64, String)]) -> Result<Vec<Vec<f32>>, String> {
        let model = self.model.clone();
        let chunks = chunks.to_vec();
        tokio::task::spawn_blocking(move || {
            let passages: Vec<hearth_embed::Passage<'_>> = chunks
                .iter()
                .map(|(start, text)| hearth_embed::Passage {
                    text,
                    start: *start,
                })
                .collect();
            model
                .embed_passages(&passages)
                .map_err(|error| error.to_string())
        })
        .await
        .map_err(|error| format!("the built-in embedder stopped: {error}"))?
    }
}
