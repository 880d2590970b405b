//! Hearth's built-in text embedder: all-MiniLM-L6-v2 (a 6-layer BERT, 384 dimensions, mean pooling,
//! normalized) run in-process on the CPU, so file search has dense vectors offline.
//!
//! The forward pass is written out over ndarray, whose f32 matrix products use matrixmultiply's
//! AVX2/FMA kernels; a window attends only to itself, so batches pack windows back to back with no
//! padding. Work is spread over the current rayon thread pool, one batch per thread at a time.

mod bert;
mod error;
mod weights;
mod windows;

use std::path::Path;

use rayon::prelude::*;
use tokenizers::Tokenizer;

pub use error::EmbedError;
use weights::Weights;

/// The model the built-in embedder runs; a vector store records it with its vectors.
pub const MODEL: &str = "all-MiniLM-L6-v2";
/// The length of every vector [`Embedder::embed`] returns.
pub const DIMENSIONS: usize = 384;
/// The model's weights in the model folder.
pub const MODEL_FILE: &str = "model.safetensors";
/// The model's tokenizer in the model folder.
pub const TOKENIZER_FILE: &str = "tokenizer.json";
/// The longest window, in word pieces ([CLS] and [SEP] included), that the model reads at once.
pub const WINDOW_TOKENS: usize = windows::WINDOW_TOKENS;

/// all-MiniLM-L6-v2, loaded and ready to embed from any thread.
pub struct Embedder {
    weights: Weights,
    tokenizer: Tokenizer,
    cls: u32,
    sep: u32,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder")
            .field("model", &MODEL)
            .finish_non_exhaustive()
    }
}

impl Embedder {
    /// Loads `model.safetensors` and `tokenizer.json` from `dir`; a clear error naming what is missing or wrong.
    pub fn load(dir: &Path) -> Result<Self, EmbedError> {
        let model_path = dir.join(MODEL_FILE);
        let tokenizer_path = dir.join(TOKENIZER_FILE);
        for path in [&model_path, &tokenizer_path] {
            if !path.is_file() {
                return Err(EmbedError::MissingFile { path: path.clone() });
            }
        }
        let read = |path: &Path| {
            std::fs::read(path).map_err(|source| EmbedError::Read {
                path: path.into(),
                source,
            })
        };
        let weights = Weights::from_safetensors(&model_path, &read(&model_path)?)?;

        let bad_tokenizer = |reason: String| EmbedError::BadFile {
            path: tokenizer_path.clone(),
            reason,
        };
        let mut tokenizer = Tokenizer::from_bytes(read(&tokenizer_path)?)
            .map_err(|e| bad_tokenizer(e.to_string()))?;
        // The file asks for truncation and padding to 128; windows are cut here instead.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(None)
            .map_err(|e| bad_tokenizer(e.to_string()))?;
        let special = |token: &str| {
            tokenizer
                .token_to_id(token)
                .ok_or_else(|| bad_tokenizer(format!("it has no {token} token")))
        };
        let (cls, sep) = (special("[CLS]")?, special("[SEP]")?);
        if tokenizer.get_vocab_size(true) > weights.vocabulary_size() {
            return Err(bad_tokenizer(format!(
                "its {} word pieces do not fit the model's {} embeddings",
                tokenizer.get_vocab_size(true),
                weights.vocabulary_size()
            )));
        }
        Ok(Embedder {
            weights,
            tokenizer,
            cls,
            sep,
        })
    }

    /// One L2-normalized 384-d vector per text, in order. Texts longer than the model's window are embedded
    /// in windows of at most 256 word pieces (with some overlap), each mean-pooled, and the windows combined
    /// (weighted by their token counts) and normalized, so all of a long chunk's text counts.
    ///
    /// Runs on the current rayon thread pool (the global one unless called inside `ThreadPool::install`).
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let pieces = texts
            .par_iter()
            .enumerate()
            .map(|(index, text)| {
                let encoding =
                    self.tokenizer
                        .encode(*text, false)
                        .map_err(|e| EmbedError::Tokenize {
                            index,
                            reason: e.to_string(),
                        })?;
                Ok(encoding.get_ids().to_vec())
            })
            .collect::<Result<Vec<_>, EmbedError>>()?;

        // Every window as [CLS] text [SEP], remembering which text it belongs to.
        let mut owners = Vec::new();
        let mut window_ids: Vec<Vec<u32>> = Vec::new();
        for (text, ids) in pieces.iter().enumerate() {
            for range in windows::window_ranges(ids.len()) {
                let mut window = Vec::with_capacity(range.len() + 2);
                window.push(self.cls);
                window.extend_from_slice(&ids[range]);
                window.push(self.sep);
                window_ids.push(window);
                owners.push(text);
            }
        }

        let lengths: Vec<usize> = window_ids.iter().map(Vec::len).collect();
        let batches = windows::batches(&lengths, rayon::current_num_threads());
        let pooled_batches: Vec<(Vec<usize>, Vec<Vec<f32>>)> = batches
            .into_par_iter()
            .map(|batch| {
                let windows: Vec<&[u32]> =
                    batch.iter().map(|&i| window_ids[i].as_slice()).collect();
                let pooled = bert::pooled_windows(&self.weights, &windows);
                (batch, pooled)
            })
            .collect();

        let mut sums = vec![vec![0.0f32; DIMENSIONS]; texts.len()];
        for (batch, pooled) in pooled_batches {
            for (window, vector) in batch.into_iter().zip(pooled) {
                let weight = lengths[window] as f32;
                for (sum, value) in sums[owners[window]].iter_mut().zip(vector) {
                    *sum += weight * value;
                }
            }
        }
        sums.iter_mut().for_each(|v| normalize(v));
        Ok(sums)
    }

    /// How many word pieces the model reads for `text` (without [CLS] and [SEP]).
    pub fn count_word_pieces(&self, text: &str) -> Result<usize, EmbedError> {
        let encoding = self
            .tokenizer
            .encode(text, false)
            .map_err(|e| EmbedError::Tokenize {
                index: 0,
                reason: e.to_string(),
            })?;
        Ok(encoding.len())
    }
}

fn normalize(vector: &mut [f32]) {
    let norm = vector.iter().map(|v| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        vector.iter_mut().for_each(|v| *v /= norm);
    }
}
