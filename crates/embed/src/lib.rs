//! Hearth's built-in text embedder: all-MiniLM-L6-v2 (a 6-layer BERT, 384 dimensions, mean pooling,
//! normalized) run in-process on the CPU, so file search has dense vectors offline.
//!
//! The forward pass is written out over ndarray. Its dense products run in 8-bit integers with an
//! AVX2 kernel where the CPU has AVX2, else in f32 with matrixmultiply's kernels; a window attends
//! only to itself, so batches pack windows back to back with no padding. Work is spread over the
//! current rayon thread pool, one batch per thread at a time.

mod bert;
mod error;
mod int8;
mod passages;
mod weights;
mod windows;

use std::path::Path;

use ndarray::Array2;
use rayon::prelude::*;
use tokenizers::Tokenizer;

pub use error::EmbedError;
pub use passages::Passage;
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

/// How the dense layers' matrix products are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Products {
    /// 32-bit floats (matrixmultiply's kernels).
    F32,
    /// 8-bit integers (an AVX2 kernel): about twice as fast, vectors within cosine 0.99 of f32's.
    Int8,
}

/// all-MiniLM-L6-v2, loaded and ready to embed from any thread.
pub struct Embedder {
    weights: Weights,
    products: Products,
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
    /// Loads `model.safetensors` and `tokenizer.json` from `dir`, with the fastest products this
    /// CPU runs; a clear error naming what is missing or wrong.
    pub fn load(dir: &Path) -> Result<Self, EmbedError> {
        Self::load_with(dir, Products::Int8)
    }

    /// Like [`Embedder::load`], with the products asked for; `Int8` falls back to `F32` on a CPU
    /// without AVX2 ([`Embedder::products`] says which ran).
    pub fn load_with(dir: &Path, products: Products) -> Result<Self, EmbedError> {
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
        let mut weights = Weights::from_safetensors(&model_path, &read(&model_path)?)?;
        let products = match products {
            Products::Int8 if int8::available() => {
                weights.quantize();
                Products::Int8
            }
            _ => Products::F32,
        };

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
            products,
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

    /// How the dense layers multiply in this embedder.
    pub fn products(&self) -> Products {
        self.products
    }

    /// One L2-normalized vector per passage, in order, for passages cut from one text with overlap
    /// (a file's chunks). Passages that overlap or touch are joined back into their text, which
    /// the model reads once in windows; each passage's vector is the mean of the word pieces'
    /// last hidden states within it (a word piece read by two windows counts with both readings).
    /// Each word piece is thus read once, not once per passage holding it, and sees the text
    /// around it, also across a passage's edges.
    pub fn embed_passages(&self, passages: &[Passage<'_>]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let runs = passages::join(passages);
        let tokenized = runs
            .par_iter()
            .enumerate()
            .map(|(index, run)| self.run_windows(index, run))
            .collect::<Result<Vec<_>, EmbedError>>()?;
        let windows: Vec<RunWindow> = tokenized.into_iter().flatten().collect();
        let lengths: Vec<usize> = windows.iter().map(|w| w.ids.len()).collect();
        let batches = windows::batches(&lengths, rayon::current_num_threads());
        let contributions: Vec<Vec<(usize, Vec<f32>, usize)>> = batches
            .into_par_iter()
            .map(|batch| {
                let ids: Vec<&[u32]> = batch.iter().map(|&i| windows[i].ids.as_slice()).collect();
                let states = bert::hidden_states(&self.weights, &ids);
                let mut row = 0;
                let mut found = Vec::new();
                for &i in &batch {
                    pool_members(&windows[i], &states, row, &mut found);
                    row += windows[i].ids.len();
                }
                found
            })
            .collect();

        let mut sums = vec![vec![0.0f32; DIMENSIONS]; passages.len()];
        let mut counts = vec![0usize; passages.len()];
        for (passage, sum, count) in contributions.into_iter().flatten() {
            sums[passage]
                .iter_mut()
                .zip(sum)
                .for_each(|(total, value)| *total += value);
            counts[passage] += count;
        }
        // A passage with no word piece of its own (only spaces, say) is embedded alone, as `embed` would.
        let empty: Vec<usize> = (0..passages.len()).filter(|&i| counts[i] == 0).collect();
        if !empty.is_empty() {
            let texts: Vec<&str> = empty.iter().map(|&i| passages[i].text).collect();
            for (i, vector) in empty.iter().zip(self.embed(&texts)?) {
                sums[*i] = vector;
            }
        }
        sums.iter_mut().for_each(|v| normalize(v));
        Ok(sums)
    }

    /// The windows the model reads for one run of passages, each knowing which of its word pieces
    /// fall within which passage.
    fn run_windows(&self, index: usize, run: &passages::Run) -> Result<Vec<RunWindow>, EmbedError> {
        let encoding = self
            .tokenizer
            .encode(run.text.as_str(), false)
            .map_err(|e| EmbedError::Tokenize {
                index,
                reason: e.to_string(),
            })?;
        let ids = encoding.get_ids();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // A word piece belongs to the passages its first byte is in.
        let starts: Vec<usize> = encoding.get_offsets().iter().map(|o| o.0).collect();
        let members: Vec<(usize, std::ops::Range<usize>)> = run
            .members
            .iter()
            .map(|(passage, bytes)| {
                let first = starts.partition_point(|&s| s < bytes.start);
                let end = starts.partition_point(|&s| s < bytes.end);
                (*passage, first..end)
            })
            .collect();
        Ok(windows::window_ranges(ids.len())
            .into_iter()
            .map(|range| {
                let mut window = Vec::with_capacity(range.len() + 2);
                window.push(self.cls);
                window.extend_from_slice(&ids[range.clone()]);
                window.push(self.sep);
                let members = members
                    .iter()
                    .filter_map(|(passage, tokens)| {
                        let from = tokens.start.max(range.start);
                        let to = tokens.end.min(range.end);
                        // Rows in the window: [CLS] comes first.
                        (from < to)
                            .then(|| (*passage, from - range.start + 1..to - range.start + 1))
                    })
                    .collect();
                RunWindow {
                    ids: window,
                    members,
                }
            })
            .collect())
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

/// One window of a run: its word pieces with [CLS] and [SEP], and for each passage it reads a part
/// of, which of its rows that part is.
struct RunWindow {
    ids: Vec<u32>,
    members: Vec<(usize, std::ops::Range<usize>)>,
}

/// Adds the sums of each member's rows of `window` (whose first row in `states` is `first_row`).
fn pool_members(
    window: &RunWindow,
    states: &Array2<f32>,
    first_row: usize,
    found: &mut Vec<(usize, Vec<f32>, usize)>,
) {
    for (passage, rows) in &window.members {
        let mut sum = vec![0.0f32; DIMENSIONS];
        for row in rows.clone() {
            sum.iter_mut()
                .zip(states.row(first_row + row))
                .for_each(|(total, value)| *total += value);
        }
        found.push((*passage, sum, rows.len()));
    }
}

fn normalize(vector: &mut [f32]) {
    let norm = vector.iter().map(|v| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        vector.iter_mut().for_each(|v| *v /= norm);
    }
}
