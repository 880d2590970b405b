//! The BERT forward pass over a batch of windows, packed one after another with no padding: the dense
//! layers see every token of the batch as one matrix, attention runs per window and head.

use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayViewMut1, Axis, s};

use crate::weights::{Dense, HEAD_SIZE, HEADS, HIDDEN, LAYER_NORM_EPS, Layer, Norm, Weights};

/// Runs the model over `windows` (word piece ids, each with its [CLS] and [SEP]) and returns each
/// window's mean-pooled last hidden state, unnormalized, in order.
pub(crate) fn pooled_windows(weights: &Weights, windows: &[&[u32]]) -> Vec<Vec<f32>> {
    let mut x = embed_tokens(weights, windows);
    for layer in &weights.layers {
        x = transformer_layer(layer, x, windows);
    }
    let mut start = 0;
    windows
        .iter()
        .map(|window| {
            let rows = x.slice(s![start..start + window.len(), ..]);
            start += window.len();
            rows.mean_axis(Axis(0))
                .expect("a window holds at least [CLS] and [SEP]")
                .to_vec()
        })
        .collect()
}

/// Word, position and token-type embeddings summed and normalized: one row per token.
fn embed_tokens(weights: &Weights, windows: &[&[u32]]) -> Array2<f32> {
    let tokens: usize = windows.iter().map(|w| w.len()).sum();
    let mut x = Array2::zeros((tokens, HIDDEN));
    let mut rows = x.rows_mut().into_iter();
    for window in windows {
        for (position, &id) in window.iter().enumerate() {
            let mut row = rows.next().expect("one row per token");
            row.assign(&weights.word_embeddings.row(id as usize));
            row += &weights.position_embeddings.row(position);
            row += &weights.token_type_embedding;
            layer_norm(row, &weights.embedding_norm);
        }
    }
    x
}

fn transformer_layer(layer: &Layer, x: Array2<f32>, windows: &[&[u32]]) -> Array2<f32> {
    let qkv = dense(&x, &layer.qkv);
    let context = attention(&qkv, windows);
    let mut attended = dense(&context, &layer.attention_out);
    attended += &x;
    normalize_rows(&mut attended, &layer.attention_norm);

    let mut intermediate = dense(&attended, &layer.intermediate);
    intermediate.mapv_inplace(gelu);
    let mut out = dense(&intermediate, &layer.output);
    out += &attended;
    normalize_rows(&mut out, &layer.output_norm);
    out
}

/// Scaled dot-product attention of every head, each window attending only to itself.
fn attention(qkv: &Array2<f32>, windows: &[&[u32]]) -> Array2<f32> {
    let scale = 1.0 / (HEAD_SIZE as f32).sqrt();
    let mut context = Array2::zeros((qkv.nrows(), HIDDEN));
    let mut start = 0;
    for window in windows {
        let rows = start..start + window.len();
        start += window.len();
        let mut scores = Array2::zeros((window.len(), window.len()));
        for head in 0..HEADS {
            let cols = head * HEAD_SIZE..(head + 1) * HEAD_SIZE;
            let q = qkv.slice(s![rows.clone(), cols.clone()]);
            let k = qkv.slice(s![rows.clone(), HIDDEN + cols.start..HIDDEN + cols.end]);
            let v = qkv.slice(s![
                rows.clone(),
                2 * HIDDEN + cols.start..2 * HIDDEN + cols.end
            ]);
            general_mat_mul(scale, &q, &k.t(), 0.0, &mut scores);
            scores.rows_mut().into_iter().for_each(softmax);
            general_mat_mul(
                1.0,
                &scores,
                &v,
                0.0,
                &mut context.slice_mut(s![rows.clone(), cols]),
            );
        }
    }
    context
}

fn dense(x: &Array2<f32>, layer: &Dense) -> Array2<f32> {
    let mut y = x.dot(&layer.weight);
    y += &layer.bias;
    y
}

fn normalize_rows(x: &mut Array2<f32>, norm: &Norm) {
    x.rows_mut()
        .into_iter()
        .for_each(|row| layer_norm(row, norm));
}

fn layer_norm(mut row: ArrayViewMut1<f32>, norm: &Norm) {
    let n = row.len() as f32;
    let mean = row.sum() / n;
    let variance = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
    let inv = 1.0 / (variance + LAYER_NORM_EPS).sqrt();
    ndarray::Zip::from(&mut row)
        .and(&norm.gamma)
        .and(&norm.beta)
        .for_each(|v, &g, &b| *v = (*v - mean) * inv * g + b);
}

fn softmax(mut row: ArrayViewMut1<f32>) {
    let max = row.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    row.mapv_inplace(|v| (v - max).exp());
    let sum = row.sum();
    row /= sum;
}

/// BERT's exact GELU, x·Φ(x), with Φ from erf.
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

/// erf to within 1.5e-7 (Abramowitz and Stegun 7.1.26), far below f32 noise in the activations.
fn erf(x: f32) -> f32 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_7 + t * (1.421_413_8 + t * (-1.453_152_1 + t * 1.061_405_4))));
    let y = 1.0 - poly * (-x * x).exp();
    y.copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_matches_known_values() {
        for (x, expected) in [
            (0.0, 0.0),
            (0.5, 0.520_499_9),
            (1.0, 0.842_700_8),
            (-2.0, -0.995_322_3),
        ] {
            assert!(
                (erf(x) - expected).abs() < 1e-6,
                "erf({x}) should be {expected}, got {}",
                erf(x)
            );
        }
    }

    #[test]
    fn softmax_sums_to_one_and_keeps_order() {
        let mut row = ndarray::arr1(&[1.0f32, 3.0, 2.0]);
        softmax(row.view_mut());
        assert!((row.sum() - 1.0).abs() < 1e-6);
        assert!(row[1] > row[2] && row[2] > row[0]);
    }
}
