//! Dense products in 8-bit integers: weights quantized once per output column (symmetric,
//! -63..=63), activations per row as they come (asymmetric, 0..=127 above the row's minimum),
//! multiplied with AVX2's `vpmaddubsw`, which does 32 multiply-adds per instruction where an f32 FMA
//! does 8.
//!
//! Both get seven bits, not eight, so that no sum ever saturates and two `vpmaddubsw` results can be
//! added in 16 bits before they are widened: `vpmaddubsw` adds two u8·i8 products into an i16 with
//! saturation, and 2·(2·127·63) fits where 2·(2·127·127) would not. Widening (`vpmaddwd`) runs on
//! the same two ports as `vpmaddubsw` on AMD's Zen cores; once per two products instead of once per
//! product, the kernel issues a quarter fewer multiplications.

// The kernel needs AVX2 intrinsics (unsafe to call) and unchecked loads from the packed buffers;
// every pointer it reads is bounds-checked by `products_avx2`'s caller before the loop.
#![allow(unsafe_code)]

use ndarray::{Array2, ArrayView2};

/// Whether this CPU can run the integer kernel (checked at run time; the f32 path is used otherwise).
pub(crate) fn available() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Output columns per 256-bit register of i32 sums.
const LANES: usize = 8;
/// Inputs each `vpmaddubsw` group sums per output column.
const GROUP: usize = 4;
/// The largest weight in integers: seven bits (see the module's notes).
const WEIGHT_MAX: f32 = 63.0;
/// Rows of activations per block: with 1536 inputs, 128 rows of u8 (192 KB) stay in the L2 cache
/// while every column block passes over them.
const ROW_BLOCK: usize = 128;

/// A weight matrix (inputs × outputs) in 8 bits, packed for the kernel.
pub(crate) struct QuantizedWeight {
    inputs: usize,
    outputs: usize,
    /// For each block of 8 output columns, for each group of 4 inputs: 8 × 4 bytes, column-major
    /// within the group, so one 32-byte load feeds one `vpmaddubsw`.
    packed: Vec<i8>,
    /// Per output column: the float one integer step stands for.
    scales: Vec<f32>,
    /// Per output column: the sum of its quantized weights times its scale (for the activations'
    /// offset).
    scaled_sums: Vec<f32>,
}

impl QuantizedWeight {
    /// Quantizes `weight` (inputs × outputs). Inputs must be a multiple of 8 and outputs of 16,
    /// as every product of this model is.
    pub(crate) fn new(weight: ArrayView2<f32>) -> Self {
        let (inputs, outputs) = weight.dim();
        assert!(
            inputs % (2 * GROUP) == 0 && outputs % (2 * LANES) == 0,
            "the kernel needs inputs in eights and outputs in sixteens, not {inputs} x {outputs}"
        );
        let scales: Vec<f32> = (0..outputs)
            .map(|j| {
                let max = weight.column(j).iter().fold(0.0f32, |m, v| m.max(v.abs()));
                if max > 0.0 { max / WEIGHT_MAX } else { 1.0 }
            })
            .collect();
        let q = |k: usize, j: usize| {
            (weight[[k, j]] / scales[j])
                .round()
                .clamp(-WEIGHT_MAX, WEIGHT_MAX) as i8
        };
        let scaled_sums = (0..outputs)
            .map(|j| (0..inputs).map(|k| i32::from(q(k, j))).sum::<i32>() as f32 * scales[j])
            .collect();
        let mut packed = Vec::with_capacity(inputs * outputs);
        for block in 0..outputs / LANES {
            for group in 0..inputs / GROUP {
                for lane in 0..LANES {
                    for t in 0..GROUP {
                        packed.push(q(group * GROUP + t, block * LANES + lane));
                    }
                }
            }
        }
        Self {
            inputs,
            outputs,
            packed,
            scales,
            scaled_sums,
        }
    }

    /// The weight as the kernel sees it, back in floats (for tests of the quantization error).
    #[cfg(test)]
    fn value(&self, k: usize, j: usize) -> f32 {
        let (block, lane) = (j / LANES, j % LANES);
        let (group, t) = (k / GROUP, k % GROUP);
        let at = ((block * (self.inputs / GROUP) + group) * LANES + lane) * GROUP + t;
        f32::from(self.packed[at]) * self.scales[j]
    }
}

/// Activations in seven bits: `x ≈ minimum + step · value`, one minimum and step per row.
struct QuantizedRows {
    values: Vec<u8>,
    minimums: Vec<f32>,
    steps: Vec<f32>,
}

#[inline(always)]
fn quantize_rows(x: &Array2<f32>) -> QuantizedRows {
    let (rows, cols) = x.dim();
    let x = x.as_slice().expect("activations are in standard layout");
    let mut values = vec![0u8; rows * cols];
    let mut minimums = Vec::with_capacity(rows);
    let mut steps = Vec::with_capacity(rows);
    for (row, out) in x.chunks_exact(cols).zip(values.chunks_exact_mut(cols)) {
        let (min, max) = range(row);
        let step = if max > min { (max - min) / 127.0 } else { 1.0 };
        let inverse = 1.0 / step;
        for (o, &v) in out.iter_mut().zip(row) {
            // Non-negative, so adding a half and truncating rounds to nearest.
            *o = ((v - min) * inverse + 0.5).min(127.0) as u8;
        }
        minimums.push(min);
        steps.push(step);
    }
    QuantizedRows {
        values,
        minimums,
        steps,
    }
}

/// The smallest and largest value of `row`, over eight running lanes so the comparisons vectorize.
#[inline(always)]
fn range(row: &[f32]) -> (f32, f32) {
    let (mut lo, mut hi) = ([f32::INFINITY; 8], [f32::NEG_INFINITY; 8]);
    let chunks = row.chunks_exact(8);
    for &v in chunks.remainder() {
        lo[0] = lo[0].min(v);
        hi[0] = hi[0].max(v);
    }
    for chunk in chunks {
        for lane in 0..8 {
            lo[lane] = lo[lane].min(chunk[lane]);
            hi[lane] = hi[lane].max(chunk[lane]);
        }
    }
    (
        lo.iter().fold(f32::INFINITY, |m, &v| m.min(v)),
        hi.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v)),
    )
}

/// `x · weight` in integers; the result within a few tenths of a percent of the f32 product.
#[inline(always)]
pub(crate) fn product(x: &Array2<f32>, weight: &QuantizedWeight) -> Array2<f32> {
    let (rows, inputs) = x.dim();
    assert_eq!(inputs, weight.inputs, "activations and weight disagree");
    let quantized = quantize_rows(x);
    let mut y = vec![0.0f32; rows * weight.outputs];
    products_into(&quantized, weight, &mut y);
    Array2::from_shape_vec((rows, weight.outputs), y).expect("one value per row and column")
}

/// `y[i][j] = min[i]·Σₖ w[k][j] + step[i]·Σₖ a[i][k]·w[k][j]`, the sums in integers.
fn products_into(a: &QuantizedRows, weight: &QuantizedWeight, y: &mut [f32]) {
    let rows = a.minimums.len();
    assert!(
        a.values.len() == rows * weight.inputs
            && a.steps.len() == rows
            && y.len() == rows * weight.outputs
            && weight.packed.len() == weight.inputs * weight.outputs
            && weight.scales.len() == weight.outputs
            && weight.scaled_sums.len() == weight.outputs,
        "buffers should match the product's shape"
    );
    #[cfg(target_arch = "x86_64")]
    {
        if available() {
            // SAFETY: AVX2 and FMA are present (checked just above), and the buffer sizes were
            // checked against the shape, which is all the kernel indexes by.
            unsafe { avx2::products(a, weight, y) };
            return;
        }
    }
    scalar_products(a, weight, y);
}

/// The same products without SIMD: the check for the kernel, and what runs where AVX2 is missing.
fn scalar_products(a: &QuantizedRows, weight: &QuantizedWeight, y: &mut [f32]) {
    let (inputs, outputs) = (weight.inputs, weight.outputs);
    let groups = inputs / GROUP;
    for (i, out) in y.chunks_exact_mut(outputs).enumerate() {
        for (j, out) in out.iter_mut().enumerate() {
            let (block, lane) = (j / LANES, j % LANES);
            let mut sum = 0i32;
            for group in 0..groups {
                let base = ((block * groups + group) * LANES + lane) * GROUP;
                for t in 0..GROUP {
                    sum += i32::from(a.values[i * inputs + group * GROUP + t])
                        * i32::from(weight.packed[base + t]);
                }
            }
            *out =
                sum as f32 * a.steps[i] * weight.scales[j] + a.minimums[i] * weight.scaled_sums[j];
        }
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::*;

    use super::{GROUP, LANES, QuantizedRows, QuantizedWeight, ROW_BLOCK};

    /// Fills `y` (rows × outputs) from `a` (rows × inputs, each value at most 127).
    ///
    /// # Safety
    /// The CPU must have AVX2 and FMA; `a`, `y` and the weight must have the sizes their shapes
    /// give (checked by the caller).
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn products(a: &QuantizedRows, weight: &QuantizedWeight, y: &mut [f32]) {
        let rows = a.steps.len();
        let groups = weight.inputs / GROUP;
        let block_bytes = groups * LANES * GROUP;
        for first_row in (0..rows).step_by(ROW_BLOCK) {
            let last_row = (first_row + ROW_BLOCK).min(rows);
            // Two blocks of 8 columns at a time: 16 columns × 4 rows of sums fill 8 registers.
            for block in (0..weight.outputs / LANES).step_by(2) {
                let column = block * LANES;
                let tile = Tile {
                    w: &weight.packed[block * block_bytes..(block + 2) * block_bytes],
                    scales: &weight.scales[column..column + 2 * LANES],
                    scaled_sums: &weight.scaled_sums[column..column + 2 * LANES],
                    block_bytes,
                    groups,
                    inputs: weight.inputs,
                    outputs: weight.outputs,
                    column,
                };
                let mut row = first_row;
                while row + 4 <= last_row {
                    // SAFETY: AVX2 is present (this function's contract); rows < `rows`.
                    unsafe { tile.rows::<4>(a, row, y) };
                    row += 4;
                }
                while row < last_row {
                    // SAFETY: as above.
                    unsafe { tile.rows::<1>(a, row, y) };
                    row += 1;
                }
            }
        }
    }

    /// Sixteen output columns: two 8-column blocks of the packed weight.
    struct Tile<'a> {
        w: &'a [i8],
        scales: &'a [f32],
        scaled_sums: &'a [f32],
        block_bytes: usize,
        groups: usize,
        inputs: usize,
        outputs: usize,
        column: usize,
    }

    impl Tile<'_> {
        /// The products of `R` rows from `row` on for this tile's 16 columns.
        ///
        /// # Safety
        /// The CPU must have AVX2 and FMA, and rows `row..row + R` must exist in `a` and `y`.
        #[target_feature(enable = "avx2,fma")]
        unsafe fn rows<const R: usize>(&self, rows: &QuantizedRows, row: usize, y: &mut [f32]) {
            let a = &rows.values;
            let ones = _mm256_set1_epi16(1);
            let mut acc = [[_mm256_setzero_si256(); 2]; R];
            let (w0, w1) = (self.w.as_ptr(), self.w[self.block_bytes..].as_ptr());
            let a = a[row * self.inputs..(row + R) * self.inputs].as_ptr();
            // Two groups at a time: their products are added in 16 bits (they cannot saturate,
            // see the module's notes), then widened to 32 once.
            for group in (0..self.groups).step_by(2) {
                let offset = group * LANES * GROUP;
                let next = offset + LANES * GROUP;
                // SAFETY: each block holds `groups` (an even number of) groups of 32 bytes, and
                // each row `inputs` bytes, so every load below is inside the slices taken above.
                let (w0a, w0b, w1a, w1b) = unsafe {
                    (
                        _mm256_loadu_si256(w0.add(offset).cast()),
                        _mm256_loadu_si256(w0.add(next).cast()),
                        _mm256_loadu_si256(w1.add(offset).cast()),
                        _mm256_loadu_si256(w1.add(next).cast()),
                    )
                };
                for (r, acc) in acc.iter_mut().enumerate() {
                    // SAFETY: as above.
                    let (four, next_four) = unsafe {
                        let at = a.add(r * self.inputs + group * GROUP);
                        (
                            at.cast::<i32>().read_unaligned(),
                            at.add(GROUP).cast::<i32>().read_unaligned(),
                        )
                    };
                    let (av, next_av) = (_mm256_set1_epi32(four), _mm256_set1_epi32(next_four));
                    let s0 = _mm256_add_epi16(
                        _mm256_maddubs_epi16(av, w0a),
                        _mm256_maddubs_epi16(next_av, w0b),
                    );
                    let s1 = _mm256_add_epi16(
                        _mm256_maddubs_epi16(av, w1a),
                        _mm256_maddubs_epi16(next_av, w1b),
                    );
                    acc[0] = _mm256_add_epi32(acc[0], _mm256_madd_epi16(s0, ones));
                    acc[1] = _mm256_add_epi32(acc[1], _mm256_madd_epi16(s1, ones));
                }
            }
            // SAFETY: the tile's column slices hold 16 floats, two registers' worth.
            let (scales, offsets) = unsafe {
                (
                    [
                        _mm256_loadu_ps(self.scales.as_ptr()),
                        _mm256_loadu_ps(self.scales.as_ptr().add(LANES)),
                    ],
                    [
                        _mm256_loadu_ps(self.scaled_sums.as_ptr()),
                        _mm256_loadu_ps(self.scaled_sums.as_ptr().add(LANES)),
                    ],
                )
            };
            for (r, acc) in acc.iter().enumerate() {
                let step = _mm256_set1_ps(rows.steps[row + r]);
                let minimum = _mm256_set1_ps(rows.minimums[row + r]);
                let out = &mut y[(row + r) * self.outputs + self.column..][..2 * LANES];
                for half in 0..2 {
                    let value = _mm256_fmadd_ps(
                        _mm256_cvtepi32_ps(acc[half]),
                        _mm256_mul_ps(step, scales[half]),
                        _mm256_mul_ps(minimum, offsets[half]),
                    );
                    // SAFETY: `out` holds 16 floats, two registers' worth.
                    unsafe { _mm256_storeu_ps(out.as_mut_ptr().add(half * LANES), value) };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pseudo_random(rows: usize, cols: usize, seed: u32) -> Array2<f32> {
        let mut state = seed.wrapping_mul(2_654_435_761) | 1;
        Array2::from_shape_fn((rows, cols), |_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state % 2001) as f32 / 1000.0 - 1.0
        })
    }

    #[test]
    fn kernel_matches_the_plain_products() {
        // 7 rows: one block of four and three single rows; 32 columns: two tiles.
        let weight = QuantizedWeight::new(pseudo_random(40, 32, 1).view());
        let x = pseudo_random(7, 40, 2);
        let q = quantize_rows(&x);
        let mut fast = vec![0.0; 7 * 32];
        let mut plain = vec![0.0; 7 * 32];
        products_into(&q, &weight, &mut fast);
        scalar_products(&q, &weight, &mut plain);
        for (f, p) in fast.iter().zip(&plain) {
            // Same integer sums; only the float rounding of the scaling may differ.
            assert!(
                (f - p).abs() <= 1e-5 * p.abs().max(1.0),
                "kernel {f} vs plain {p}"
            );
        }
    }

    #[test]
    fn the_largest_values_do_not_saturate() {
        // Activations at the top of their range (127, bar the row's minimum) and weights at the top
        // of theirs, all of one sign per column: each 16-bit sum of two groups reaches 4·127·63, the
        // most it can be; the kernel must still agree with the plain sums and the float product.
        let w = Array2::from_shape_fn((64, 16), |(_, j)| if j % 2 == 0 { 1.0 } else { -1.0 });
        let weight = QuantizedWeight::new(w.view());
        let x = Array2::from_shape_fn((5, 64), |(_, k)| if k == 0 { 0.0 } else { 1.0 });
        let q = quantize_rows(&x);
        assert!(q.values.iter().skip(1).take(63).all(|&v| v == 127));
        let mut fast = vec![0.0; 5 * 16];
        let mut plain = vec![0.0; 5 * 16];
        products_into(&q, &weight, &mut fast);
        scalar_products(&q, &weight, &mut plain);
        let exact = x.dot(&w);
        for ((f, p), e) in fast.iter().zip(&plain).zip(&exact) {
            assert!((f - p).abs() <= 1e-4 * p.abs(), "kernel {f} vs plain {p}");
            assert!((f - e).abs() <= 1e-3 * e.abs(), "kernel {f} vs float {e}");
        }
    }

    #[test]
    fn products_stay_close_to_the_float_product() {
        let w = pseudo_random(384, 48, 3);
        let weight = QuantizedWeight::new(w.view());
        // A row offset away from zero checks the activations' minimum is accounted for.
        let x = pseudo_random(9, 384, 4) + 0.5;
        let exact = x.dot(&w);
        let approx = product(&x, &weight);
        let (mut error, mut norm) = (0.0f32, 0.0f32);
        for (e, a) in exact.iter().zip(&approx) {
            error += (e - a) * (e - a);
            norm += e * e;
        }
        let relative = (error / norm).sqrt();
        assert!(
            relative < 0.02,
            "relative error {relative} should be under 2%"
        );
    }

    #[test]
    fn weights_round_to_the_nearest_step() {
        let w = pseudo_random(8, 16, 5);
        let weight = QuantizedWeight::new(w.view());
        for k in 0..8 {
            for j in 0..16 {
                let step = weight.scales[j];
                assert!(
                    (weight.value(k, j) - w[[k, j]]).abs() <= step / 2.0 + 1e-6,
                    "weight ({k}, {j}) should be within half a step"
                );
            }
        }
    }

    #[test]
    fn a_constant_row_is_exact() {
        let w = pseudo_random(16, 16, 6);
        let weight = QuantizedWeight::new(w.view());
        let x = Array2::from_elem((1, 16), 0.25f32);
        let exact = x.dot(&w);
        let approx = product(&x, &weight);
        for (e, a) in exact.iter().zip(&approx) {
            // Only the weights' rounding remains: a constant row has no quantization error.
            assert!((e - a).abs() < 0.01, "{e} vs {a}");
        }
    }
}
