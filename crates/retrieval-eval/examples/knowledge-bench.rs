//! Prints how fast files become searchable and how fast search answers, with the built-in
//! embedder, on the documents of the labelled set (`bench/retrieval`), repeated where more text is
//! needed.
//!
//!     cargo run -p hearth-retrieval-eval --example knowledge-bench [--release] \
//!         [-- [--search-only | --book-only] [MAX_CHUNKS]]
//!
//! MAX_CHUNKS (default 100000) is the largest index the search latency is measured at. The
//! embedder's files are read from `HEARTH_TEST_EMBEDDER` (`scripts/embedder-model.sh`).
//!
//! `--search-only` measures only the search latency, on indexes kept between runs in
//! `hearth-knowledge-bench` under the system's temporary folder (built as the full run builds
//! them, the first time they are missing; delete the folder to build them again). `--book-only`
//! measures only the time to searchable of 1 MB and 10 MB of text.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hearth_embed::Embedder;
use hearth_retrieval_eval::{
    IngestTiming, LabelledSet, attach_file, create_vector_store, embed, ingest, peak_memory_bytes,
    repository_set_dir,
};
use hearth_store::{ChunkSearch, NewChunk, Ranking, Store};

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

const VECTOR_STORE: &str = "vs_bench";
const MB: f64 = 1_000_000.0;

/// Which parts of the benchmark run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sections {
    All,
    SearchOnly,
    BookOnly,
}

fn main() -> BenchResult<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let sections = match (flag("--search-only"), flag("--book-only")) {
        (true, true) => return Err("--search-only and --book-only exclude each other".into()),
        (true, false) => Sections::SearchOnly,
        (false, true) => Sections::BookOnly,
        (false, false) => Sections::All,
    };
    let max_chunks: usize = match args.iter().find(|a| !a.starts_with("--")) {
        Some(n) => n
            .parse()
            .map_err(|_| format!("MAX_CHUNKS should be a number of chunks, not '{n}'"))?,
        None => 100_000,
    };
    let embedder_dir = std::env::var_os("HEARTH_TEST_EMBEDDER")
        .map(PathBuf::from)
        .ok_or("set HEARTH_TEST_EMBEDDER to the embedder's folder (scripts/embedder-model.sh)")?;
    let embedder = Embedder::load(&embedder_dir)?;
    let set_dir = repository_set_dir();
    let set = LabelledSet::load(&set_dir)?;
    let scratch = tempfile::tempdir()?;
    let mut rows: Vec<[String; 3]> = Vec::new();

    if sections == Sections::All {
        ingest_throughput(&set_dir, &set, &embedder, scratch.path(), &mut rows)?;
        let sample = embedder_rate(&set, &embedder, &mut rows)?;
        time_to_searchable(&set, &embedder, scratch.path(), &mut rows)?;
        search_latency(
            &set,
            &embedder,
            LatencyIndex::Fresh {
                scratch: scratch.path(),
                sample: &sample,
            },
            max_chunks,
            &mut rows,
        )?;
    }
    if sections == Sections::BookOnly {
        time_to_searchable(&set, &embedder, scratch.path(), &mut rows)?;
    }
    if sections == Sections::SearchOnly {
        let cache = std::env::temp_dir().join("hearth-knowledge-bench");
        std::fs::create_dir_all(&cache)?;
        search_latency(
            &set,
            &embedder,
            LatencyIndex::Cached { dir: &cache },
            max_chunks,
            &mut rows,
        )?;
    }
    if let Some(peak) = peak_memory_bytes() {
        rows.push([
            "peak memory (VmHWM)".into(),
            format!("{:.0} MB", peak as f64 / MB),
            String::new(),
        ]);
    }

    println!("| measure | figure | target |");
    println!("| --- | --- | --- |");
    for [measure, figure, target] in rows {
        println!("| {measure} | {figure} | {target} |");
    }
    Ok(())
}

/// A new store file under `dir` with the benchmark's vector store in it.
fn new_store(dir: &Path, name: &str) -> BenchResult<(Store, PathBuf)> {
    let path = dir.join(format!("{name}.sqlite"));
    let store = Store::open(&path)?;
    create_vector_store(&store, VECTOR_STORE)?;
    Ok((store, path))
}

/// Bytes the store's files take (the database and its write-ahead log).
fn disk_bytes(path: &Path) -> u64 {
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    [path.to_path_buf(), wal]
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum()
}

/// Uploads the set's text documents, then its PDF, each with and without embedding.
fn ingest_throughput(
    set_dir: &Path,
    set: &LabelledSet,
    embedder: &Embedder,
    scratch: &Path,
    rows: &mut Vec<[String; 3]>,
) -> BenchResult<()> {
    for (kind, is_pdf) in [("text (HTML, Markdown, plain)", false), ("PDF", true)] {
        for with_embedding in [false, true] {
            let name = format!("ingest-{}-{}", is_pdf, with_embedding);
            let (store, _) = new_store(scratch, &name)?;
            let mut total = IngestTiming::default();
            for (n, document) in set.documents.iter().enumerate() {
                if document.name.ends_with(".pdf") != is_pdf {
                    continue;
                }
                let bytes = std::fs::read(set_dir.join("documents").join(&document.name))?;
                let embedder = with_embedding.then_some(embedder);
                total.add(&ingest(
                    &store,
                    VECTOR_STORE,
                    &format!("file-{n}"),
                    &document.name,
                    &bytes,
                    embedder,
                )?);
            }
            let seconds = total.total().as_secs_f64();
            rows.push([
                format!(
                    "ingest {kind}, {} embedding ({:.2} MB of files, {:.2} MB of text)",
                    if with_embedding { "with" } else { "without" },
                    total.file_bytes as f64 / MB,
                    total.text_bytes as f64 / MB
                ),
                format!(
                    "{:.2} MB/s of files, {:.1} chunks/s (parse {:.1} s, chunk {:.1} s, store {:.1} s, embed {:.1} s)",
                    total.file_bytes as f64 / MB / seconds,
                    total.chunks as f64 / seconds,
                    total.parse.as_secs_f64(),
                    total.chunk.as_secs_f64(),
                    total.store.as_secs_f64(),
                    total.embed.as_secs_f64()
                ),
                String::new(),
            ]);
        }
    }
    Ok(())
}

/// Full-size chunks of the set (about 800 tokens each): what the embedder's rate is measured on,
/// and whose vectors the latency index's vectors are drawn near.
fn sample_chunks(set: &LabelledSet) -> (Vec<&str>, usize) {
    let chunks: Vec<_> = set
        .documents
        .iter()
        .flat_map(|d| d.chunks.iter())
        .filter(|c| c.tokens >= 700)
        .take(64)
        .collect();
    let tokens = chunks.iter().map(|c| c.tokens as usize).sum();
    (chunks.iter().map(|c| c.text.as_str()).collect(), tokens)
}

/// Embeds full-size chunks of the set; returns their vectors for the latency index.
fn embedder_rate(
    set: &LabelledSet,
    embedder: &Embedder,
    rows: &mut Vec<[String; 3]>,
) -> BenchResult<Vec<Vec<f32>>> {
    let (texts, tokens) = sample_chunks(set);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let started = Instant::now();
    let vectors = embed(embedder, &texts)?;
    let seconds = started.elapsed().as_secs_f64();
    // About 24 MFLOPs per word piece for this model; word pieces run ~1.3 per o200k token.
    let gflops = tokens as f64 * 1.3 * 24e6 / seconds / 1e9;
    rows.push([
        format!(
            "built-in embedder, {} chunks of ~800 tokens, {threads} threads",
            texts.len()
        ),
        format!(
            "{:.2} chunks/s, {:.0} tokens/s (~{:.1} GFLOP/s)",
            texts.len() as f64 / seconds,
            tokens as f64 / seconds,
            gflops
        ),
        String::new(),
    ]);
    Ok(vectors)
}

/// The set's parsed text, repeated until it holds at least `bytes` bytes.
fn repeated_text(set: &LabelledSet, bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + 200_000);
    'fill: loop {
        for document in &set.documents {
            text.push_str(&document.document.text);
            text.push_str("\n\n");
            if text.len() >= bytes {
                break 'fill;
            }
        }
    }
    text
}

/// Time from upload to searchable: 1 MB with vectors, 10 MB by keywords only.
fn time_to_searchable(
    set: &LabelledSet,
    embedder: &Embedder,
    scratch: &Path,
    rows: &mut Vec<[String; 3]>,
) -> BenchResult<()> {
    for (megabytes, with_embedding, target) in
        [(1, true, "< 60 s on 2 cores"), (10, false, "< 10 s")]
    {
        let text = repeated_text(set, megabytes * 1_000_000);
        let (store, path) = new_store(scratch, &format!("book-{megabytes}"))?;
        let started = Instant::now();
        let timing = ingest(
            &store,
            VECTOR_STORE,
            "file-book",
            "book.txt",
            text.as_bytes(),
            with_embedding.then_some(embedder),
        )?;
        let query = "How do I escape a single quote inside a string literal?";
        let query_vector = embed(embedder, &[query])?.remove(0);
        let hits = store.search_chunks(&ChunkSearch {
            vector_store_ids: &[VECTOR_STORE.to_owned()],
            query,
            query_vector: with_embedding.then_some((hearth_embed::MODEL, query_vector.as_slice())),
            filter: None,
            limit: 20,
            score_threshold: 0.0,
            ranking: if with_embedding {
                Ranking::Hybrid
            } else {
                Ranking::Keyword
            },
        })?;
        let elapsed = started.elapsed();
        if hits.is_empty() {
            return Err(format!("the {megabytes} MB index answered nothing").into());
        }
        let how = if with_embedding {
            "with the built-in embedder (hybrid)"
        } else {
            "for BM25"
        };
        rows.push([
            format!(
                "{megabytes} MB of text ({} chunks) searchable {how}",
                timing.chunks
            ),
            format!(
                "{:.1} s (parse {:.1}, chunk {:.1}, store {:.1}, embed {:.1})",
                elapsed.as_secs_f64(),
                timing.parse.as_secs_f64(),
                timing.chunk.as_secs_f64(),
                timing.store.as_secs_f64(),
                timing.embed.as_secs_f64()
            ),
            target.into(),
        ]);
        rows.push([
            format!("bytes on disk per MB of text, {how}"),
            format!(
                "{:.2} MB",
                disk_bytes(&path) as f64 / (text.len() as f64 / MB) / MB
            ),
            String::new(),
        ]);
    }
    Ok(())
}

/// A unit vector near `base`: `base` plus small deterministic noise drawn from `seed`.
fn perturbed(base: &[f32], seed: u64) -> Vec<f32> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut v: Vec<f32> = base
        .iter()
        .map(|x| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            x + ((state >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.1
        })
        .collect();
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    v.iter_mut().for_each(|x| *x /= norm);
    v
}

/// Where the latency index comes from.
#[derive(Clone, Copy)]
enum LatencyIndex<'a> {
    /// Built afresh in `scratch`, its vectors drawn near `sample` (the embedder's sample vectors).
    Fresh {
        scratch: &'a Path,
        sample: &'a [Vec<f32>],
    },
    /// Kept in `dir` between runs, one file per size; a missing one is built there first.
    Cached { dir: &'a Path },
}

/// Chunks per filler file of the latency index.
const CHUNKS_PER_FILE: usize = 1000;

/// Adds filler files to the latency index until it holds `to` chunks (it holds `from`): the set's
/// chunk texts over and over, each with a vector near one of `sample`.
fn fill_index(
    store: &Store,
    texts: &[&str],
    sample: &[Vec<f32>],
    from: usize,
    to: usize,
) -> BenchResult<()> {
    let mut indexed = from;
    while indexed < to {
        let file_id = format!("file-{}", indexed / CHUNKS_PER_FILE);
        attach_file(store, VECTOR_STORE, &file_id, "filler.txt", 0)?;
        let chunks: Vec<NewChunk<'_>> = (0..CHUNKS_PER_FILE)
            .map(|i| NewChunk {
                index: i as _,
                text: texts[(indexed + i) % texts.len()],
                start: 0,
                end: 0,
                page: None,
                heading: None,
                tokens: 800,
            })
            .collect();
        store.transaction(|tx| tx.replace_file_chunks(VECTOR_STORE, &file_id, &chunks))?;
        let missing = store
            .read(|tx| tx.chunks_missing_vectors(VECTOR_STORE, &file_id, hearth_embed::MODEL))?;
        let vectors: Vec<Vec<f32>> = missing
            .iter()
            .map(|(id, _)| perturbed(&sample[*id as usize % sample.len()], *id as u64))
            .collect();
        let pairs: Vec<(i64, &[f32])> = missing
            .iter()
            .zip(&vectors)
            .map(|((id, _), v)| (*id, v.as_slice()))
            .collect();
        store.transaction(|tx| tx.set_chunk_vectors(hearth_embed::MODEL, &pairs))?;
        indexed += CHUNKS_PER_FILE;
    }
    Ok(())
}

/// The cached latency index of `chunks` chunks in `dir`, built there first when missing (as
/// [`LatencyIndex::Fresh`] builds it); with the seconds building took, if it was built now.
fn cached_index(
    dir: &Path,
    set: &LabelledSet,
    embedder: &Embedder,
    texts: &[&str],
    chunks: usize,
) -> BenchResult<(Store, PathBuf, Option<f64>)> {
    let path = dir.join(format!("latency-{chunks}.sqlite"));
    let done = dir.join(format!("latency-{chunks}.done"));
    if done.is_file() && path.is_file() {
        return Ok((Store::open(&path)?, path, None));
    }
    let (sample, _) = sample_chunks(set);
    let sample = embed(embedder, &sample)?;
    let building = dir.join(format!("latency-{chunks}.building.sqlite"));
    for stale in [&building, &path, &done] {
        if stale.exists() {
            std::fs::remove_file(stale)?;
        }
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", building.display()));
    }
    let started = Instant::now();
    {
        let store = Store::open(&building)?;
        create_vector_store(&store, VECTOR_STORE)?;
        fill_index(&store, texts, &sample, 0, chunks)?;
        // Dropped here: closing the last connection moves the write-ahead log into the file.
    }
    let seconds = started.elapsed().as_secs_f64();
    std::fs::rename(&building, &path)?;
    std::fs::write(&done, b"")?;
    Ok((Store::open(&path)?, path, Some(seconds)))
}

/// Hybrid search p50/p95 at 10k chunks and at `max_chunks`: the search alone (the query's vector
/// made beforehand), and the query embedded and searched, as file search does.
fn search_latency(
    set: &LabelledSet,
    embedder: &Embedder,
    index: LatencyIndex<'_>,
    max_chunks: usize,
    rows: &mut Vec<[String; 3]>,
) -> BenchResult<()> {
    let texts: Vec<&str> = set
        .documents
        .iter()
        .flat_map(|d| d.chunks.iter())
        .map(|c| c.text.as_str())
        .collect();
    let questions: Vec<&str> = set
        .questions
        .iter()
        .map(|q| q.question.question.as_str())
        .collect();
    let query_vectors = embed(embedder, &questions)?;
    let mut fresh = match index {
        LatencyIndex::Fresh { scratch, sample } => Some((new_store(scratch, "latency")?, sample)),
        LatencyIndex::Cached { .. } => None,
    };
    let mut indexed = 0;
    let mut fill_time = Duration::ZERO;
    let checkpoints = if max_chunks <= 10_000 {
        vec![max_chunks]
    } else {
        vec![10_000, max_chunks]
    };
    for checkpoint in checkpoints {
        let cached;
        let (store, path, built) = match (&mut fresh, index) {
            (Some(((store, path), sample)), _) => {
                let started = Instant::now();
                fill_index(store, &texts, sample, indexed, checkpoint)?;
                fill_time += started.elapsed();
                (&*store, path.clone(), Some(fill_time.as_secs_f64()))
            }
            (None, LatencyIndex::Cached { dir }) => {
                cached = cached_index(dir, set, embedder, &texts, checkpoint)?;
                (&cached.0, cached.1.clone(), cached.2)
            }
            (None, LatencyIndex::Fresh { .. }) => unreachable!("a fresh index is made above"),
        };
        indexed = checkpoint;
        let search = |question: &str, vector: &[f32]| {
            store.search_chunks(&ChunkSearch {
                vector_store_ids: &[VECTOR_STORE.to_owned()],
                query: question,
                query_vector: Some((hearth_embed::MODEL, vector)),
                filter: None,
                limit: 20,
                score_threshold: 0.0,
                ranking: Ranking::Hybrid,
            })
        };
        let mut alone = Vec::with_capacity(questions.len());
        for (question, vector) in questions.iter().zip(&query_vectors) {
            let started = Instant::now();
            search(question, vector)?;
            alone.push(started.elapsed());
        }
        let mut embedded = Vec::with_capacity(questions.len());
        for question in &questions {
            let started = Instant::now();
            let vector = embed(embedder, &[question])?.remove(0);
            search(question, &vector)?;
            embedded.push(started.elapsed());
        }
        let built = match built {
            Some(seconds) => format!("index built in {seconds:.0} s"),
            None => "index built by an earlier run".to_owned(),
        };
        for (what, mut times) in [("", alone), (", query embedded", embedded)] {
            times.sort();
            let at =
                |p: f64| times[((times.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1e3;
            rows.push([
                format!(
                    "hybrid search at {indexed} chunks{what} ({} queries; {built}, {:.0} MB on disk)",
                    times.len(),
                    disk_bytes(&path) as f64 / MB
                ),
                format!("p50 {:.1} ms, p95 {:.1} ms", at(0.5), at(0.95)),
                if checkpoint >= 100_000 {
                    "p50 < 30 ms at 100k".into()
                } else {
                    String::new()
                },
            ]);
        }
    }
    Ok(())
}
