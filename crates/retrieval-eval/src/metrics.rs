//! Running the questions against the index and scoring where the answer came back.

use hearth_store::{ChunkHit, ChunkSearch, Ranking, Store};

use crate::corpus::file_id;
use crate::dataset::LocatedQuestion;
use crate::error::Result;

/// Results fetched per question: ranks past this count as not found (MRR contribution 0).
pub const DEPTH: usize = 20;
/// The cut-off of recall@k.
pub const RECALL_AT: usize = 5;

/// The three rankings file search offers, in the order tables show them.
pub const RANKINGS: [Ranking; 3] = [Ranking::Keyword, Ranking::Vector, Ranking::Hybrid];

/// A ranking's name as tables print it.
pub fn ranking_name(ranking: Ranking) -> &'static str {
    match ranking {
        Ranking::Keyword => "keyword (BM25)",
        Ranking::Vector => "vector",
        Ranking::Hybrid => "hybrid",
    }
}

/// How one ranking did over the set.
#[derive(Debug, Clone)]
pub struct Scores {
    /// The ranking measured.
    pub ranking: Ranking,
    /// For each question, the 1-based rank of the first result that answers it.
    pub ranks: Vec<Option<usize>>,
}

impl Scores {
    /// Share of questions answered within the first [`RECALL_AT`] results.
    pub fn recall_at_5(&self) -> f64 {
        let hits = self
            .ranks
            .iter()
            .filter(|r| r.is_some_and(|r| r <= RECALL_AT))
            .count();
        hits as f64 / self.ranks.len().max(1) as f64
    }

    /// Mean reciprocal rank of the first answering result (0 when none in the first [`DEPTH`]).
    pub fn mrr(&self) -> f64 {
        let sum: f64 = self
            .ranks
            .iter()
            .map(|r| r.map_or(0.0, |r| 1.0 / r as f64))
            .sum();
        sum / self.ranks.len().max(1) as f64
    }
}

/// Whether `hit` answers a question whose quote spans `span` of file `file_id`: the chunk must be
/// of that file and cover more than half of the quote (a quote may straddle two chunks).
pub fn answers(hit: &ChunkHit, file_id: &str, span: (usize, usize)) -> bool {
    let (start, end) = (span.0 as u64, span.1 as u64);
    let covered = end.min(hit.end).saturating_sub(start.max(hit.start));
    hit.file_id == file_id && covered * 2 > end - start
}

/// Asks every question of `questions` with `ranking`; `query_vectors` holds the questions'
/// embeddings (needed for the vector and hybrid rankings).
pub fn evaluate(
    store: &Store,
    vector_store_id: &str,
    questions: &[LocatedQuestion],
    query_vectors: &[Vec<f32>],
    ranking: Ranking,
) -> Result<Scores> {
    let store_ids = [vector_store_id.to_owned()];
    let mut ranks = Vec::with_capacity(questions.len());
    for (question, vector) in questions.iter().zip(query_vectors) {
        let query_vector = match ranking {
            Ranking::Keyword => None,
            _ => Some((hearth_embed::MODEL, vector.as_slice())),
        };
        let hits = store.search_chunks(&ChunkSearch {
            vector_store_ids: &store_ids,
            query: &question.question.question,
            query_vector,
            filter: None,
            limit: DEPTH,
            score_threshold: 0.0,
            ranking,
        })?;
        let file = file_id(question.document);
        ranks.push(
            hits.iter()
                .position(|hit| answers(hit, &file, question.span))
                .map(|i| i + 1),
        );
    }
    Ok(Scores { ranking, ranks })
}
