//! The BERT forward pass over a batch of windows, packed one after another with no padding: the dense
//! layers see every token of the batch as one matrix, attention runs per window and head.

use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayViewMut1, Axis, s};

use crate::weights::{Dense, HEAD_SIZE, HEADS, HIDDEN, LAYER_NORM_EPS, Layer, Norm, Weights};

/// Runs the model over `windows` (word piece ids, each with its [CLS] and [SEP]) and returns the
/// last hidden state of every token, one row each, the windows one after another.
pub(crate) fn hidden_states(weights: &Weights, windows: &[&[u32]]) -> Array2<f32> {
    #[cfg(target_arch = "x86_64")]
    if crate::int8::available() {
        return wide::hidden_states(weights, windows);
    }
    forward(weights, windows)
}

/// The forward pass compiled a second time for AVX2 and FMA. Built for any x86-64, the
/// element-wise passes (softmax's and GELU's exponentials, the norms, quantizing activations) run
/// four lanes wide and took a third of the pass; here they run eight wide. Everything the pass
/// calls is inlined into this copy, so it is all compiled for these features.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod wide {
    use super::*;

    pub(super) fn hidden_states(weights: &Weights, windows: &[&[u32]]) -> Array2<f32> {
        assert!(crate::int8::available(), "the CPU lacks AVX2 or FMA");
        // SAFETY: the CPU has both features, checked just above.
        unsafe { forward_wide(weights, windows) }
    }

    #[target_feature(enable = "avx2,fma")]
    unsafe fn forward_wide(weights: &Weights, windows: &[&[u32]]) -> Array2<f32> {
        forward(weights, windows)
    }
}

#[inline(always)]
fn forward(weights: &Weights, windows: &[&[u32]]) -> Array2<f32> {
    let mut x = embed_tokens(weights, windows);
    for layer in &weights.layers {
        x = transformer_layer(layer, x, windows);
    }
    x
}

/// Runs the model over `windows` and returns each window's mean-pooled last hidden state,
/// unnormalized, in order.
pub(crate) fn pooled_windows(weights: &Weights, windows: &[&[u32]]) -> Vec<Vec<f32>> {
    let x = hidden_states(weights, windows);
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
#[inline(always)]
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

#[inline(always)]
fn transformer_layer(layer: &Layer, x: Array2<f32>, windows: &[&[u32]]) -> Array2<f32> {
    let qkv = dense(&x, &layer.qkv);
    let context = attention(&qkv, windows);
    let mut attended = product(&context, &layer.attention_out);
    add_bias_residual_and_normalize(
        &mut attended,
        &layer.attention_out,
        &x,
        &layer.attention_norm,
    );

    let mut intermediate = product(&attended, &layer.intermediate);
    add_bias_and_gelu(&mut intermediate, &layer.intermediate);
    let mut out = product(&intermediate, &layer.output);
    add_bias_residual_and_normalize(&mut out, &layer.output, &attended, &layer.output_norm);
    out
}

/// Scaled dot-product attention of every head, each window attending only to itself.
#[inline(always)]
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

#[inline(always)]
fn dense(x: &Array2<f32>, layer: &Dense) -> Array2<f32> {
    let mut y = product(x, layer);
    y += &layer.bias;
    y
}

/// `x · weight` without the bias, which the pass after it adds (one pass over the result, not two);
/// in 8-bit integers when the layer has been quantized.
#[inline(always)]
fn product(x: &Array2<f32>, layer: &Dense) -> Array2<f32> {
    match &layer.quantized {
        Some(quantized) => crate::int8::product(x, quantized),
        None => x.dot(&layer.weight),
    }
}

/// `y += bias`, then GELU, in one pass over the feed-forward layer's largest matrix (1536 floats a
/// token: separate passes would each stream it through memory again).
#[inline(always)]
fn add_bias_and_gelu(y: &mut Array2<f32>, layer: &Dense) {
    let bias = layer.bias.as_slice().expect("a bias is contiguous");
    let values = y.as_slice_mut().expect("a product is in standard layout");
    for row in values.chunks_exact_mut(bias.len()) {
        for (v, &b) in row.iter_mut().zip(bias) {
            *v = gelu(*v + b);
        }
    }
}

/// `y = layer_norm(y + bias + residual)`, row by row, each row read while it is still in cache.
#[inline(always)]
fn add_bias_residual_and_normalize(
    y: &mut Array2<f32>,
    layer: &Dense,
    residual: &Array2<f32>,
    norm: &Norm,
) {
    let bias = layer.bias.as_slice().expect("a bias is contiguous");
    let residual = residual
        .as_slice()
        .expect("activations are in standard layout");
    let values = y.as_slice_mut().expect("a product is in standard layout");
    for (row, residual_row) in values
        .chunks_exact_mut(HIDDEN)
        .zip(residual.chunks_exact(HIDDEN))
    {
        for ((v, &b), &r) in row.iter_mut().zip(bias).zip(residual_row) {
            *v += b + r;
        }
        layer_norm_slice(row, norm);
    }
}

#[inline(always)]
fn layer_norm(mut row: ArrayViewMut1<f32>, norm: &Norm) {
    layer_norm_slice(row.as_slice_mut().expect("rows are contiguous"), norm);
}

/// Layer norm of one contiguous row: mean and variance in two short passes, then scale and shift.
#[inline(always)]
fn layer_norm_slice(row: &mut [f32], norm: &Norm) {
    let gamma = norm.gamma.as_slice().expect("gamma is contiguous");
    let beta = norm.beta.as_slice().expect("beta is contiguous");
    let n = row.len() as f32;
    let mean = sum(row) / n;
    let variance = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
    let inv = 1.0 / (variance + LAYER_NORM_EPS).sqrt();
    for ((v, &g), &b) in row.iter_mut().zip(gamma).zip(beta) {
        *v = (*v - mean) * inv * g + b;
    }
}

/// A sum over eight running totals, so the additions do not wait on each other and vectorize
/// (a plain float sum must be added strictly in order).
#[inline(always)]
fn sum(values: &[f32]) -> f32 {
    let mut totals = [0.0f32; 8];
    let chunks = values.chunks_exact(8);
    let rest = chunks.remainder().iter().sum::<f32>();
    for chunk in chunks {
        for (t, &v) in totals.iter_mut().zip(chunk) {
            *t += v;
        }
    }
    totals.iter().sum::<f32>() + rest
}

#[inline(always)]
fn softmax(mut row: ArrayViewMut1<f32>) {
    let row = row.as_slice_mut().expect("score rows are contiguous");
    let max = row.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
    row.iter_mut().for_each(|v| *v = exp(*v - max));
    let inv = 1.0 / sum(row);
    row.iter_mut().for_each(|v| *v *= inv);
}

/// BERT's exact GELU, x·Φ(x), with Φ from erf.
#[inline(always)]
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x * std::f32::consts::FRAC_1_SQRT_2))
}

/// erf to within 1.5e-7 (Abramowitz and Stegun 7.1.26), far below f32 noise in the activations.
#[inline(always)]
fn erf(x: f32) -> f32 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let poly = t
        * (0.254_829_6
            + t * (-0.284_496_7 + t * (1.421_413_8 + t * (-1.453_152_1 + t * 1.061_405_4))));
    let y = 1.0 - poly * exp(-x * x);
    y.copysign(x)
}

/// e^x to within 2 ulp for the arguments softmax and GELU give it, written so the compiler can run it
/// on several lanes at once (std's `exp` is a library call per value, which made softmax and GELU
/// cost a third of the forward pass).
#[inline(always)]
fn exp(x: f32) -> f32 {
    // Adding 1.5·2^23 rounds to an integer without a call: the sum's low mantissa bits hold it.
    const ROUND: f32 = 12_582_912.0;
    let x = x.clamp(-87.0, 88.0);
    let shifted = x * std::f32::consts::LOG2_E + ROUND;
    let n = shifted - ROUND;
    // x - n·ln 2 in two parts, so the reduced argument keeps its precision.
    let r = x - n * 0.693_145_75 - n * 1.428_606_8e-6;
    let poly = 1.0
        + r * (1.0
            + r * (0.5
                + r * (0.166_666_67
                    + r * (0.041_666_668 + r * (0.008_333_334 + r * 0.001_388_889)))));
    let exponent = (shifted.to_bits() as i32 - ROUND.to_bits() as i32 + 127) << 23;
    poly * f32::from_bits(exponent as u32)
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
    fn exp_matches_std() {
        for i in -870..=879 {
            let x = i as f32 / 10.0 + 0.037;
            let (fast, exact) = (exp(x), x.exp());
            assert!(
                (fast - exact).abs() <= exact * 1e-6,
                "exp({x}) should be {exact}, got {fast}"
            );
        }
    }

    #[test]
    fn sum_of_eight_totals_matches_a_plain_sum() {
        let values: Vec<f32> = (0..19).map(|i| i as f32 * 0.5 - 3.0).collect();
        assert_eq!(sum(&values), values.iter().sum::<f32>());
    }

    #[test]
    fn bias_and_residual_are_added_before_the_norm() {
        let layer = Dense {
            weight: Array2::zeros((1, HIDDEN)),
            bias: ndarray::Array1::from_shape_fn(HIDDEN, |i| (i % 3) as f32),
            quantized: None,
        };
        let norm = Norm {
            gamma: ndarray::Array1::from_elem(HIDDEN, 2.0),
            beta: ndarray::Array1::from_elem(HIDDEN, 1.0),
        };
        let mut y = Array2::from_shape_fn((2, HIDDEN), |(r, i)| (r * i) as f32 * 0.01);
        let residual = Array2::from_shape_fn((2, HIDDEN), |(r, i)| ((r + i) % 5) as f32);
        let mut expected = &y + &layer.bias + &residual;
        add_bias_residual_and_normalize(&mut y, &layer, &residual, &norm);
        for (mut row, got) in expected.rows_mut().into_iter().zip(y.rows()) {
            let mean = row.sum() / HIDDEN as f32;
            let sd = (row.mapv(|v| (v - mean).powi(2)).sum() / HIDDEN as f32).sqrt();
            row.mapv_inplace(|v| (v - mean) / sd * 2.0 + 1.0);
            for (e, g) in row.iter().zip(got) {
                assert!(
                    (e - g).abs() < 1e-4,
                    "normalized value should be {e}, got {g}"
                );
            }
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
