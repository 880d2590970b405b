//! The model's tensors, read from `model.safetensors` and checked against BERT-MiniLM's shapes.

use std::path::Path;

use ndarray::{Array1, Array2};
use safetensors::{Dtype, SafeTensors};

use crate::EmbedError;
use crate::int8::QuantizedWeight;

pub(crate) const HIDDEN: usize = 384;
pub(crate) const HEADS: usize = 12;
pub(crate) const HEAD_SIZE: usize = HIDDEN / HEADS;
pub(crate) const INTERMEDIATE: usize = 1536;
pub(crate) const LAYERS: usize = 6;
pub(crate) const MAX_POSITIONS: usize = 512;
/// BERT's layer norms use this epsilon (config `layer_norm_eps`).
pub(crate) const LAYER_NORM_EPS: f32 = 1e-12;

/// A layer norm's scale and shift.
pub(crate) struct Norm {
    pub gamma: Array1<f32>,
    pub beta: Array1<f32>,
}

/// A dense layer, its weight stored input × output so `x.dot(&weight)` applies it.
pub(crate) struct Dense {
    pub weight: Array2<f32>,
    pub bias: Array1<f32>,
    /// The weight in 8 bits, when products run in integers.
    pub quantized: Option<QuantizedWeight>,
}

impl Dense {
    fn new(weight: Array2<f32>, bias: Array1<f32>) -> Self {
        Self {
            weight,
            bias,
            quantized: None,
        }
    }
}

/// One transformer layer.
pub(crate) struct Layer {
    /// Query, key and value in one product: output columns 0..384 are Q, 384..768 K, 768..1152 V.
    pub qkv: Dense,
    pub attention_out: Dense,
    pub attention_norm: Norm,
    pub intermediate: Dense,
    pub output: Dense,
    pub output_norm: Norm,
}

/// Everything the forward pass reads.
pub(crate) struct Weights {
    pub word_embeddings: Array2<f32>,
    pub position_embeddings: Array2<f32>,
    pub token_type_embedding: Array1<f32>,
    pub embedding_norm: Norm,
    pub layers: Vec<Layer>,
}

impl Weights {
    /// Reads and checks every tensor the model needs from the safetensors bytes of `path`.
    pub fn from_safetensors(path: &Path, bytes: &[u8]) -> Result<Self, EmbedError> {
        let bad = |reason: String| EmbedError::BadFile {
            path: path.to_path_buf(),
            reason,
        };
        let tensors = SafeTensors::deserialize(bytes).map_err(|e| bad(e.to_string()))?;
        let reader = Reader {
            tensors: &tensors,
            bad: &bad,
        };

        let token_types = reader.matrix("embeddings.token_type_embeddings.weight", &[2, HIDDEN])?;
        let layers = (0..LAYERS)
            .map(|i| reader.layer(i))
            .collect::<Result<Vec<_>, _>>()?;
        let word_embeddings = reader.matrix("embeddings.word_embeddings.weight", &[0, HIDDEN])?;
        Ok(Weights {
            word_embeddings,
            position_embeddings: reader.matrix(
                "embeddings.position_embeddings.weight",
                &[MAX_POSITIONS, HIDDEN],
            )?,
            token_type_embedding: token_types.row(0).to_owned(),
            embedding_norm: reader.norm("embeddings.LayerNorm")?,
            layers,
        })
    }

    /// Makes every dense layer's products run in 8-bit integers.
    pub fn quantize(&mut self) {
        for layer in &mut self.layers {
            for dense in [
                &mut layer.qkv,
                &mut layer.attention_out,
                &mut layer.intermediate,
                &mut layer.output,
            ] {
                dense.quantized = Some(QuantizedWeight::new(dense.weight.view()));
            }
        }
    }

    /// How many word pieces the embedding table knows.
    pub fn vocabulary_size(&self) -> usize {
        self.word_embeddings.nrows()
    }
}

struct Reader<'a, F> {
    tensors: &'a SafeTensors<'a>,
    bad: &'a F,
}

impl<F: Fn(String) -> EmbedError> Reader<'_, F> {
    /// The tensor's values, after checking its type and shape (a 0 in `shape` accepts any size).
    fn values(&self, name: &str, shape: &[usize]) -> Result<(Vec<usize>, Vec<f32>), EmbedError> {
        let tensor = self
            .tensors
            .tensor(name)
            .map_err(|_| (self.bad)(format!("it has no tensor {name}")))?;
        if tensor.dtype() != Dtype::F32 {
            return Err((self.bad)(format!(
                "{name} is {:?}, not F32",
                tensor.dtype()
            )));
        }
        let actual = tensor.shape();
        let fits = actual.len() == shape.len()
            && actual.iter().zip(shape).all(|(&a, &s)| s == 0 || a == s);
        if !fits {
            return Err((self.bad)(format!(
                "{name} has shape {actual:?}, expected {shape:?}"
            )));
        }
        let values = tensor
            .data()
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        Ok((actual.to_vec(), values))
    }

    fn vector(&self, name: &str, len: usize) -> Result<Array1<f32>, EmbedError> {
        Ok(Array1::from(self.values(name, &[len])?.1))
    }

    fn matrix(&self, name: &str, shape: &[usize; 2]) -> Result<Array2<f32>, EmbedError> {
        let (actual, values) = self.values(name, shape)?;
        Array2::from_shape_vec((actual[0], actual[1]), values)
            .map_err(|e| (self.bad)(format!("{name}: {e}")))
    }

    fn norm(&self, prefix: &str) -> Result<Norm, EmbedError> {
        Ok(Norm {
            gamma: self.vector(&format!("{prefix}.weight"), HIDDEN)?,
            beta: self.vector(&format!("{prefix}.bias"), HIDDEN)?,
        })
    }

    /// A linear layer; the file stores weights output × input, the forward pass wants input × output.
    fn dense(&self, prefix: &str, inputs: usize, outputs: usize) -> Result<Dense, EmbedError> {
        let weight = self.matrix(&format!("{prefix}.weight"), &[outputs, inputs])?;
        Ok(Dense::new(
            weight.t().as_standard_layout().into_owned(),
            self.vector(&format!("{prefix}.bias"), outputs)?,
        ))
    }

    fn layer(&self, index: usize) -> Result<Layer, EmbedError> {
        let p = format!("encoder.layer.{index}");
        let [q, k, v] = ["query", "key", "value"]
            .map(|part| self.dense(&format!("{p}.attention.self.{part}"), HIDDEN, HIDDEN));
        let (q, k, v) = (q?, k?, v?);
        let qkv = Dense::new(
            ndarray::concatenate(
                ndarray::Axis(1),
                &[q.weight.view(), k.weight.view(), v.weight.view()],
            )
            .expect("Q, K and V weights share their input size"),
            ndarray::concatenate(
                ndarray::Axis(0),
                &[q.bias.view(), k.bias.view(), v.bias.view()],
            )
            .expect("biases are vectors"),
        );
        Ok(Layer {
            qkv,
            attention_out: self.dense(&format!("{p}.attention.output.dense"), HIDDEN, HIDDEN)?,
            attention_norm: self.norm(&format!("{p}.attention.output.LayerNorm"))?,
            intermediate: self.dense(&format!("{p}.intermediate.dense"), HIDDEN, INTERMEDIATE)?,
            output: self.dense(&format!("{p}.output.dense"), INTERMEDIATE, HIDDEN)?,
            output_norm: self.norm(&format!("{p}.output.LayerNorm"))?,
        })
    }
}
