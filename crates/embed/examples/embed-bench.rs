//! The built-in embedder's speed: word pieces and chunks per second on 1 and 2 threads, for 800- and
//! 100-word-piece chunks, with f32 and with 8-bit integer products, against a plain f32 matrix
//! product of the model's own shape as the ceiling. Each figure is the best of three runs, the two
//! kinds of products taking turns, so a busy neighbour on the machine skews both alike.
//!
//!     cargo run --release -p hearth-embed --example embed-bench [MODEL_DIR]
//!
//! MODEL_DIR defaults to $HEARTH_TEST_EMBEDDER (scripts/env.sh; scripts/embedder-model.sh fills it).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hearth_embed::{Embedder, Products, WINDOW_TOKENS};
use ndarray::Array2;

/// Multiply-adds of one token through the dense layers (Q, K, V, attention output, feed-forward),
/// times two for FLOPs, times six layers.
const DENSE_FLOPS_PER_TOKEN: f64 =
    2.0 * (384.0 * 1152.0 + 384.0 * 384.0 + 2.0 * 384.0 * 1536.0) * 6.0;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("HEARTH_TEST_EMBEDDER").ok())
        .map(PathBuf::from)
        .expect("give the model folder, or set HEARTH_TEST_EMBEDDER (source scripts/env.sh)");
    let started = Instant::now();
    let embedder = Embedder::load_with(&dir, Products::F32).unwrap_or_else(|e| panic!("{e}"));
    let int8 = Embedder::load_with(&dir, Products::Int8).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "loaded {} twice in {:.2} s; the faster one runs {:?} products",
        hearth_embed::MODEL,
        started.elapsed().as_secs_f64(),
        int8.products()
    );

    // Any text will do for speed (only its word piece count matters): the crate's own sources.
    let corpus = concat!(
        include_str!("../src/lib.rs"),
        include_str!("../src/bert.rs"),
        include_str!("../src/windows.rs")
    );
    let ceilings: Vec<f64> = [1, 2].map(gemm_ceiling).to_vec();
    println!("\nceiling: f32 GEMM [2048 x 384] x [384 x 1536] (ndarray/matrixmultiply)");
    for (threads, gflops) in [1, 2].iter().zip(&ceilings) {
        println!("  {threads} thread(s): {gflops:.1} GFLOP/s");
    }

    println!(
        "\n{:<22} {:>8} {:>7} {:>9} {:>14} {:>9} {:>11}",
        "chunks", "products", "threads", "chunks/s", "word pieces/s", "GFLOP/s", "of ceiling"
    );
    for (size, count) in [(800, 16), (100, 128)] {
        let chunks = make_chunks(&embedder, corpus, size, count);
        let texts: Vec<&str> = chunks.iter().map(String::as_str).collect();
        let pieces: Vec<usize> = texts
            .iter()
            .map(|t| embedder.count_word_pieces(t).unwrap())
            .collect();
        let total_pieces: usize = pieces.iter().sum();
        let flops: f64 = pieces.iter().map(|&n| flops_of_text(n)).sum();
        for (threads, ceiling) in [1, 2].iter().zip(&ceilings) {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(*threads)
                .build()
                .expect("a thread pool");
            let kinds = [&embedder, &int8];
            let mut best = [Duration::MAX; 2];
            for _ in 0..3 {
                for (best, model) in best.iter_mut().zip(kinds) {
                    pool.install(|| model.embed(&texts[..2]).expect("warm-up"));
                    let elapsed =
                        pool.install(|| time(|| model.embed(&texts).expect("embedding works")));
                    *best = (*best).min(elapsed);
                }
            }
            for (elapsed, model) in best.iter().zip(kinds) {
                let seconds = elapsed.as_secs_f64();
                let gflops = flops / seconds / 1e9;
                println!(
                    "{:<22} {:>8} {:>7} {:>9.1} {:>14.0} {:>9.1} {:>10.0}%",
                    format!("{count} x {size} word pieces"),
                    format!("{:?}", model.products()),
                    threads,
                    count as f64 / seconds,
                    total_pieces as f64 / seconds,
                    gflops,
                    100.0 * gflops / ceiling
                );
            }
        }
    }
    println!(
        "\nFLOPs per word piece: {:.1} M in the dense layers, plus attention (~{:.1} M in a full {}-piece window)",
        DENSE_FLOPS_PER_TOKEN / 1e6,
        attention_flops_per_token(WINDOW_TOKENS) / 1e6,
        WINDOW_TOKENS
    );
}

/// Chunks of about `size` word pieces each, cut from `corpus` at word boundaries (cycling through it).
fn make_chunks(embedder: &Embedder, corpus: &str, size: usize, count: usize) -> Vec<String> {
    let words: Vec<&str> = corpus.split_whitespace().collect();
    let mut next = words.iter().cycle();
    (0..count)
        .map(|_| {
            let (mut chunk, mut pieces) = (String::new(), 0);
            while pieces < size {
                let word = next.next().expect("the corpus cycles");
                pieces += embedder.count_word_pieces(word).unwrap();
                chunk.push_str(word);
                chunk.push(' ');
            }
            chunk
        })
        .collect()
}

/// FLOPs to embed a text of `pieces` word pieces, split into windows as the embedder does.
fn flops_of_text(pieces: usize) -> f64 {
    let text_per_window = WINDOW_TOKENS - 2;
    let (mut left, mut flops) = (pieces, 0.0);
    loop {
        let window = left.min(text_per_window) + 2;
        flops += window as f64 * (DENSE_FLOPS_PER_TOKEN + attention_flops_per_token(window));
        if left <= text_per_window {
            return flops;
        }
        left -= text_per_window - 32;
    }
}

/// Q·Kᵀ and P·V for one token against a window of `len` tokens, over all heads and layers.
fn attention_flops_per_token(len: usize) -> f64 {
    2.0 * 2.0 * len as f64 * 384.0 * 6.0
}

/// GFLOP/s of `threads` threads each multiplying matrices of the feed-forward layer's shape.
fn gemm_ceiling(threads: usize) -> f64 {
    let (m, k, n, rounds) = (2048, 384, 1536, 20);
    let elapsed = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let a =
                        Array2::from_shape_fn((m, k), |(i, j)| ((i * 7 + j * 3) % 11) as f32 * 0.1);
                    let b = Array2::from_shape_fn((k, n), |(i, j)| ((i * 5 + j) % 13) as f32 * 0.1);
                    let _ = a.dot(&b);
                    time(|| {
                        for _ in 0..rounds {
                            std::hint::black_box(a.dot(&b));
                        }
                    })
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("worker"))
            .max()
            .expect("a worker")
    });
    (threads * rounds) as f64 * 2.0 * (m * k * n) as f64 / elapsed.as_secs_f64() / 1e9
}

fn time<T>(work: impl FnOnce() -> T) -> Duration {
    let started = Instant::now();
    std::hint::black_box(work());
    started.elapsed()
}
