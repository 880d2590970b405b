//! One whole quality measurement: index the set, embed it, ask every question with each ranking.

use std::path::Path;
use std::time::{Duration, Instant};

use hearth_embed::{Embedder, Products};
use hearth_store::Store;

use crate::corpus::{Reading, add_chunks, create_vector_store, embed, embed_missing, file_id};
use crate::dataset::LabelledSet;
use crate::error::{EvalError, Result};
use crate::metrics::{RANKINGS, Scores, evaluate};

/// The vector store the set is indexed into.
const VECTOR_STORE: &str = "vs_retrieval_set";

/// The outcome of [`run_quality`].
#[derive(Debug)]
pub struct QualityRun {
    /// The set, parsed and located.
    pub set: LabelledSet,
    /// Chunks indexed.
    pub chunks: usize,
    /// Time to parse, chunk and locate the set.
    pub load_time: Duration,
    /// Time to embed every chunk.
    pub embed_time: Duration,
    /// One entry per ranking of [`RANKINGS`].
    pub scores: Vec<Scores>,
}

/// Loads the set in `set_dir`, indexes it into a new store at `store_path`, embeds it with the
/// embedder whose files are in `embedder_dir` as file search does, and scores every ranking.
pub fn run_quality(set_dir: &Path, store_path: &Path, embedder_dir: &Path) -> Result<QualityRun> {
    run_quality_with(
        set_dir,
        store_path,
        embedder_dir,
        Products::Int8,
        Reading::Passages,
    )
}

/// [`run_quality`] with the embedder's products and the way chunks are read chosen, to compare
/// them.
pub fn run_quality_with(
    set_dir: &Path,
    store_path: &Path,
    embedder_dir: &Path,
    products: Products,
    reading: Reading,
) -> Result<QualityRun> {
    let started = Instant::now();
    let set = LabelledSet::load(set_dir)?;
    let load_time = started.elapsed();

    let store = Store::open(store_path)?;
    create_vector_store(&store, VECTOR_STORE)?;
    let mut chunks = 0;
    for (n, document) in set.documents.iter().enumerate() {
        chunks += add_chunks(&store, VECTOR_STORE, &file_id(n), document)?;
    }

    let embedder =
        Embedder::load_with(embedder_dir, products).map_err(|e| EvalError::Embed(e.to_string()))?;
    let started = Instant::now();
    for (n, document) in set.documents.iter().enumerate() {
        embed_missing(
            &store,
            &embedder,
            VECTOR_STORE,
            &file_id(n),
            document,
            reading,
        )?;
    }
    let embed_time = started.elapsed();

    let questions: Vec<&str> = set
        .questions
        .iter()
        .map(|q| q.question.question.as_str())
        .collect();
    let query_vectors = embed(&embedder, &questions)?;
    let scores = RANKINGS
        .iter()
        .map(|&ranking| {
            evaluate(
                &store,
                VECTOR_STORE,
                &set.questions,
                &query_vectors,
                ranking,
            )
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(QualityRun {
        set,
        chunks,
        load_time,
        embed_time,
        scores,
    })
}
