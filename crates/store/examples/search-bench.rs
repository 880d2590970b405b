//! Chunk search at scale: indexes synthetic chunks into a real database file and prints a table of
//! insert time, search latency (keyword, vector, hybrid) and size on disk.
//!
//! ```sh
//! cargo run --release -p hearth-store --example search-bench [-- CHUNKS...]   # default 10000 100000
//! ```
//!
//! Each chunk is ~200 words drawn with Zipf-like frequencies from a vocabulary of common English
//! words followed by made-up ones, with a random 384-dimensional unit vector. Files hold 100 chunks
//! each and are indexed one transaction per file, the way files are indexed in use. Queries are
//! questions of three less common words after "what is the". "Cold" is the first search after the
//! database is opened (the OS file cache stays warm; the vectors are read into memory then).

use std::path::Path;
use std::time::{Duration, Instant};

use hearth_store::{ChunkSearch, NewChunk, Ranking, Store};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde_json::json;

const DIMS: usize = 384;
const WORDS_PER_CHUNK: usize = 200;
const CHUNKS_PER_FILE: usize = 100;
const QUERIES: usize = 200;
const MODEL: &str = "all-minilm-l6-v2";
const STORE: &str = "vs_bench";

/// The most frequent English words, most frequent first: the head of the distribution.
const COMMON: &str = "the of and to a in is it you that he was for on are with as i his they be \
    at one have this from or had by hot word but what some we can out other were all there when up \
    use your how said an each she which do their time if will way about many then them write would \
    like so these her long make thing see him two has look more day could go come did number sound \
    no most people my over know water than call first who may down side been now find any new work \
    part take get place made live where after back little only round man year came show every good \
    me give our under name very through just form sentence great think say help low line differ \
    turn cause much mean before move right boy old too same tell does set three want air well also \
    play small end put home read hand port large spell add even land here must big high such follow \
    act why ask men change went light kind off need house picture try us again animal point mother \
    world near build self earth father head stand own page should country found answer school grow \
    study still learn plant cover food sun four between state keep eye never last let thought city \
    tree cross farm hard start might story saw far sea draw left late run while press close night \
    real life few north open seem together next white children begin got walk example ease paper";

const ONSETS: &[&str] = &[
    "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br", "cl",
    "dr", "gr", "pl", "st", "tr", "sh", "ch", "th",
];
const NUCLEI: &[&str] = &["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"];
const CODAS: &[&str] = &["", "n", "r", "l", "s", "t", "m", "nd", "st", "rk", "x"];

/// A vocabulary of `size` words, most frequent first, and the cumulative Zipf weights to draw from.
fn vocabulary(size: usize) -> (Vec<String>, Vec<f64>) {
    let rng = &mut StdRng::seed_from_u64(1);
    let mut words: Vec<String> = COMMON.split_whitespace().map(str::to_owned).collect();
    let mut seen: std::collections::HashSet<String> = words.iter().cloned().collect();
    while words.len() < size {
        let syllables = rng.random_range(2..=4);
        let word: String = (0..syllables)
            .map(|_| {
                format!(
                    "{}{}{}",
                    ONSETS[rng.random_range(0..ONSETS.len())],
                    NUCLEI[rng.random_range(0..NUCLEI.len())],
                    CODAS[rng.random_range(0..CODAS.len())]
                )
            })
            .collect();
        if seen.insert(word.clone()) {
            words.push(word);
        }
    }
    // Zipf–Mandelbrot, s = 1.05, q = 2.7: close to word counts in English prose.
    let mut total = 0.0;
    let cumulative = (0..size)
        .map(|rank| {
            total += 1.0 / (rank as f64 + 2.7).powf(1.05);
            total
        })
        .collect();
    (words, cumulative)
}

fn draw(cumulative: &[f64], rng: &mut StdRng) -> usize {
    let total = cumulative[cumulative.len() - 1];
    let target = rng.random::<f64>() * total;
    cumulative
        .partition_point(|&c| c < target)
        .min(cumulative.len() - 1)
}

fn chunk_text(words: &[String], cumulative: &[f64], rng: &mut StdRng) -> String {
    let mut text = String::with_capacity(WORDS_PER_CHUNK * 7);
    for i in 0..WORDS_PER_CHUNK {
        if i > 0 {
            text.push_str(if i % 17 == 0 { ". " } else { " " });
        }
        text.push_str(&words[draw(cumulative, rng)]);
    }
    text.push('.');
    text
}

fn unit_vector(rng: &mut StdRng) -> Vec<f32> {
    let mut v: Vec<f32> = (0..DIMS).map(|_| rng.random::<f32>() * 2.0 - 1.0).collect();
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter_mut().for_each(|x| *x /= norm);
    v
}

struct Indexed {
    text_time: Duration,
    vector_time: Duration,
    text_bytes: u64,
}

fn index(store: &Store, chunks: usize, rng: &mut StdRng) -> Indexed {
    let (words, cumulative) = vocabulary(30_000);
    store
        .insert_vector_store(&serde_json::from_value(json!({
            "id": STORE, "object": "vector_store", "created_at": 1, "name": "bench",
            "usage_bytes": 0, "status": "completed", "expires_after": null, "expires_at": null,
            "last_active_at": 1, "metadata": null,
            "file_counts": {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "total": 0}
        }))
        .unwrap())
        .unwrap();
    let mut result = Indexed {
        text_time: Duration::ZERO,
        vector_time: Duration::ZERO,
        text_bytes: 0,
    };
    for file in 0..chunks.div_ceil(CHUNKS_PER_FILE) {
        let file_id = format!("file-{file}");
        store
            .insert_file(
                &serde_json::from_value(json!({
                    "id": file_id, "object": "file", "bytes": 1, "created_at": 1,
                    "filename": "book.txt", "purpose": "assistants", "status": "processed"
                }))
                .unwrap(),
                Path::new("book.txt"),
            )
            .unwrap();
        store
            .insert_vector_store_file(
                &serde_json::from_value(json!({
                    "id": file_id, "object": "vector_store.file", "usage_bytes": 0,
                    "created_at": 1, "vector_store_id": STORE, "status": "completed",
                    "last_error": null
                }))
                .unwrap(),
                None,
            )
            .unwrap();
        let count = CHUNKS_PER_FILE.min(chunks - file * CHUNKS_PER_FILE);
        let texts: Vec<String> = (0..count)
            .map(|_| chunk_text(&words, &cumulative, rng))
            .collect();
        result.text_bytes += texts.iter().map(|t| t.len() as u64).sum::<u64>();
        let new: Vec<NewChunk> = texts
            .iter()
            .enumerate()
            .map(|(i, text)| NewChunk {
                index: i as u32,
                text,
                start: 0,
                end: text.chars().count() as u64,
                page: None,
                heading: None,
                tokens: WORDS_PER_CHUNK as u32,
            })
            .collect();
        let started = Instant::now();
        store.replace_file_chunks(STORE, &file_id, &new).unwrap();
        result.text_time += started.elapsed();

        let missing = store
            .chunks_missing_vectors(STORE, &file_id, MODEL)
            .unwrap();
        let vectors: Vec<(i64, Vec<f32>)> = missing
            .iter()
            .map(|(id, _)| (*id, unit_vector(rng)))
            .collect();
        let borrowed: Vec<(i64, &[f32])> =
            vectors.iter().map(|(id, v)| (*id, v.as_slice())).collect();
        let started = Instant::now();
        store.set_chunk_vectors(MODEL, &borrowed).unwrap();
        result.vector_time += started.elapsed();
    }
    result
}

/// Questions of three words from the less common part of the vocabulary, and their vectors.
fn questions(rng: &mut StdRng) -> Vec<(String, Vec<f32>)> {
    let (words, _) = vocabulary(30_000);
    (0..QUERIES)
        .map(|_| {
            let picked: Vec<&str> = (0..3)
                .map(|_| words[rng.random_range(300..8_000)].as_str())
                .collect();
            (
                format!("what is the {}", picked.join(" ")),
                unit_vector(rng),
            )
        })
        .collect()
}

fn search_once(store: &Store, query: &(String, Vec<f32>), ranking: Ranking) -> Duration {
    let ids = [STORE.to_owned()];
    let search = ChunkSearch {
        vector_store_ids: &ids,
        query: &query.0,
        query_vector: match ranking {
            Ranking::Keyword => None,
            _ => Some((MODEL, &query.1)),
        },
        filter: None,
        limit: 20,
        score_threshold: 0.0,
        ranking,
    };
    let started = Instant::now();
    let hits = store.search_chunks(&search).unwrap();
    let elapsed = started.elapsed();
    assert!(!hits.is_empty(), "every question should find something");
    elapsed
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    times[((times.len() - 1) as f64 * p).round() as usize]
}

fn ms(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1000.0)
}

fn disk_bytes(path: &Path) -> u64 {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", path.display())).ok())
        .map(|m| m.len())
        .sum()
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|arg| arg.parse().expect("each argument is a number of chunks"))
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10_000, 100_000]
    } else {
        sizes
    };
    println!(
        "| chunks | insert text (chunks/s) | insert vectors (chunks/s) | disk B/chunk | disk MB per MB text \
         | ranking | cold ms | p50 ms | p95 ms |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for chunks in sizes {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bench.db");
        let mut rng = StdRng::seed_from_u64(42);
        let indexed = {
            let store = Store::open(&path).unwrap();
            index(&store, chunks, &mut rng)
        };
        // Closing the last connection checkpoints the WAL into the file.
        let disk = disk_bytes(&path);
        let queries = questions(&mut rng);
        for (n, ranking) in [Ranking::Keyword, Ranking::Vector, Ranking::Hybrid]
            .into_iter()
            .enumerate()
        {
            let store = Store::open(&path).unwrap();
            let cold = search_once(&store, &queries[n], ranking);
            let mut times: Vec<Duration> = queries
                .iter()
                .map(|query| search_once(&store, query, ranking))
                .collect();
            let (p50, p95) = (percentile(&mut times, 0.5), percentile(&mut times, 0.95));
            let first = n == 0;
            println!(
                "| {} | {} | {} | {} | {} | {ranking:?} | {} | {} | {} |",
                if first {
                    chunks.to_string()
                } else {
                    String::new()
                },
                if first {
                    format!("{:.0}", chunks as f64 / indexed.text_time.as_secs_f64())
                } else {
                    String::new()
                },
                if first {
                    format!("{:.0}", chunks as f64 / indexed.vector_time.as_secs_f64())
                } else {
                    String::new()
                },
                if first {
                    (disk / chunks as u64).to_string()
                } else {
                    String::new()
                },
                if first {
                    format!("{:.2}", disk as f64 / indexed.text_bytes as f64)
                } else {
                    String::new()
                },
                ms(cold),
                ms(p50),
                ms(p95),
            );
        }
    }
}
