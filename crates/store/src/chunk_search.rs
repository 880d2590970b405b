//! Searching the chunks of vector stores: BM25 over their text, cosine over their vectors, and
//! the two fused by reciprocal rank.
//!
//! Only chunks of files that are attached with status `completed` or `in_progress` (a file being
//! indexed is keyword-searchable before its vectors are done), whose uploaded file still exists,
//! and whose attributes pass the filter are found. Every score is in [0, 1].

use std::collections::{HashMap, HashSet};
use std::thread;

use hearth_wire::{Attributes, SearchFilter};
use rusqlite::{Connection, params};

use crate::attribute_filter::filter_matches;
use crate::chunks::check_vector;
use crate::error::{Result, StoreError};
use crate::keywords::ScoredQuery;
use crate::store::Store;
use crate::vector_cache::{VectorCache, normalize};

/// How the hits are ranked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Ranking {
    /// BM25 over the text only.
    Keyword,
    /// Cosine similarity of the vectors only.
    Vector,
    /// Both, fused by reciprocal rank; what searches use. The other two exist to measure it.
    #[default]
    Hybrid,
}

/// A search over the chunks of one or more vector stores.
#[derive(Debug, Clone, Copy)]
pub struct ChunkSearch<'a> {
    /// The stores searched.
    pub vector_store_ids: &'a [String],
    /// The question, as a person wrote it; any text is accepted.
    pub query: &'a str,
    /// The query's embedding and the model that made it; without it only keywords count.
    pub query_vector: Option<(&'a str, &'a [f32])>,
    /// A filter on the files' attributes.
    pub filter: Option<&'a SearchFilter>,
    /// How many hits at most, 1–50 (clamped).
    pub limit: usize,
    /// Hits scoring below this are left out; in [0, 1].
    pub score_threshold: f64,
    /// How the hits are ranked.
    pub ranking: Ranking,
}

/// A chunk found by [`Store::search_chunks`].
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkHit {
    /// The chunk.
    pub chunk_id: i64,
    /// Its vector store.
    pub vector_store_id: String,
    /// Its file.
    pub file_id: String,
    /// Its position in the file, from 0.
    pub index: u32,
    /// Its text.
    pub text: String,
    /// Where it starts in the file's extracted text.
    pub start: u64,
    /// Where it ends in the file's extracted text.
    pub end: u64,
    /// The page it starts on, for paged formats.
    pub page: Option<u32>,
    /// The heading it sits under.
    pub heading: Option<String>,
    /// Relevance in [0, 1], higher is better.
    pub score: f64,
}

/// The most hits one search returns.
pub const MAX_CHUNK_HITS: usize = 50;

/// How many of each ranking's best are fused. Deeper than any one answer, so that a chunk ranked
/// well by one side and fairly by the other still gets both contributions.
const FUSION_DEPTH: usize = 100;

/// The `k` of reciprocal rank fusion: a hit at rank `r` (from 1) adds `1 / (k + r)`. 60 is the
/// value it was proposed with; it keeps the top few ranks from drowning out agreement between
/// the two rankings.
const RRF_K: f64 = 60.0;

/// A ranking: chunk ids, best first, with a score in [0, 1].
type Ranked = Vec<(i64, f64)>;

/// The files that may be found, by store.
type AllowedFiles = HashMap<String, HashSet<String>>;

impl Store {
    /// The chunks best matching `search`, best first.
    pub fn search_chunks(&self, search: &ChunkSearch) -> Result<Vec<ChunkHit>> {
        if !(0.0..=1.0).contains(&search.score_threshold) {
            return Err(StoreError::InvalidInput(format!(
                "score_threshold {} is not between 0 and 1",
                search.score_threshold
            )));
        }
        let limit = search.limit.clamp(1, MAX_CHUNK_HITS);
        let query_vector = match search.query_vector {
            Some((model, vector)) => {
                check_vector("the query vector", vector)?;
                let mut unit = vector.to_vec();
                normalize(&mut unit);
                Some((model, unit))
            }
            None if search.ranking == Ranking::Vector => {
                return Err(StoreError::InvalidInput(
                    "a vector ranking needs the query's vector".to_owned(),
                ));
            }
            None => None,
        };

        let conn = self.lock();
        // One read transaction, so the files, the text and the vectors are one snapshot.
        let snapshot = conn.unchecked_transaction()?;
        let allowed = allowed_files(&snapshot, search)?;
        let mut cache = self.vector_cache();
        let by_vector = match (search.ranking, &query_vector) {
            (Ranking::Keyword, _) | (_, None) => None,
            (_, Some((model, unit))) => {
                refresh_vectors(&snapshot, &mut cache, search, model, unit.len())?;
                Some((*model, unit.as_slice()))
            }
        };
        let cache = &*cache;
        // The keyword side needs the connection, the vector side only memory: with both, they
        // run at the same time.
        let (keyword, vector) = thread::scope(|scope| {
            let vector = scope.spawn(|| match by_vector {
                Some((model, unit)) => vector_ranking(cache, search, model, unit, &allowed),
                None => Vec::new(),
            });
            let keyword = match search.ranking {
                Ranking::Vector => Ok(Vec::new()),
                _ => keyword_ranking(&snapshot, search, &allowed),
            };
            let vector = vector
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (keyword, vector)
        });
        let keyword = keyword?;
        let ranked = match search.ranking {
            Ranking::Keyword => keyword,
            Ranking::Vector => vector,
            Ranking::Hybrid => fuse(&[keyword, vector]),
        };
        let mut hits = Vec::new();
        for (chunk_id, score) in ranked {
            if hits.len() == limit {
                break;
            }
            if score >= search.score_threshold {
                hits.push(load_hit(&snapshot, chunk_id, score)?);
            }
        }
        Ok(hits)
    }
}

/// Brings the in-memory vectors of `model` of the searched stores up to date; refuses a query
/// vector whose size differs from theirs.
fn refresh_vectors(
    conn: &Connection,
    cache: &mut VectorCache,
    search: &ChunkSearch,
    model: &str,
    dims: usize,
) -> Result<()> {
    cache.forget_deleted_stores(conn)?;
    for store_id in search.vector_store_ids {
        let vectors = cache.current(conn, store_id, model)?;
        if vectors.dims() != 0 && vectors.dims() != dims {
            return Err(StoreError::InvalidInput(format!(
                "the query vector has {dims} dimensions, but vector store '{store_id}' holds \
                 {}-dimensional vectors of model '{model}'",
                vectors.dims()
            )));
        }
    }
    Ok(())
}

/// The chunks of allowed files nearest to `unit` among the vectors of `model`, with the cosine
/// (negative ones as 0) as score.
fn vector_ranking(
    cache: &VectorCache,
    search: &ChunkSearch,
    model: &str,
    unit: &[f32],
    allowed: &AllowedFiles,
) -> Ranked {
    let mut nearest: Vec<(i64, f32)> = Vec::new();
    for store_id in search.vector_store_ids {
        let (Some(files), Some(vectors)) = (allowed.get(store_id), cache.get(store_id, model))
        else {
            continue;
        };
        let found = vectors.nearest(unit, |file| files.contains(file), FUSION_DEPTH);
        nearest.extend(found.iter().map(|hit| (hit.chunk_id, hit.cosine)));
    }
    nearest.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    nearest.truncate(FUSION_DEPTH);
    nearest
        .into_iter()
        .map(|(chunk_id, cosine)| (chunk_id, f64::from(cosine).clamp(0.0, 1.0)))
        .collect()
}

/// The attached files of the searched stores that may be found: status `completed` or
/// `in_progress`, still uploaded, and passing the filter.
fn allowed_files(conn: &Connection, search: &ChunkSearch) -> Result<AllowedFiles> {
    let mut statement = conn.prepare_cached(
        "SELECT f.vector_store_id, f.id, json_extract(f.body, '$.attributes')
         FROM vector_store_files f
         WHERE f.vector_store_id IN (SELECT value FROM json_each(?1))
           AND f.status IN ('completed', 'in_progress')
           AND EXISTS (SELECT 1 FROM files WHERE files.id = f.id)",
    )?;
    let store_ids = serde_json::to_string(search.vector_store_ids)?;
    let mut rows = statement.query([store_ids])?;
    let mut allowed = AllowedFiles::new();
    while let Some(row) = rows.next()? {
        let store_id: String = row.get(0)?;
        let file_id: String = row.get(1)?;
        if let Some(filter) = search.filter {
            let attributes: Option<String> = row.get(2)?;
            let attributes: Attributes = match attributes {
                Some(json) => serde_json::from_str(&json)?,
                None => Attributes::new(),
            };
            if !filter_matches(filter, &attributes) {
                continue;
            }
        }
        allowed.entry(store_id).or_default().insert(file_id);
    }
    Ok(allowed)
}

/// How many of the best full-text matches are read first, before looking at which store and file
/// each belongs to. Ranking the matches by BM25 alone and looking up only these few chunks is far
/// cheaper than looking up the store of every match (at 100 000 chunks, tens of thousands of row
/// reads); only when too few of them may be found is every match looked up.
const KEYWORD_CANDIDATES: i64 = 4 * FUSION_DEPTH as i64;

/// The chunks of allowed files best matching the query's words by BM25, each scored relative
/// to the best (which scores 1).
fn keyword_ranking(
    conn: &Connection,
    search: &ChunkSearch,
    allowed: &AllowedFiles,
) -> Result<Ranked> {
    let Some(query) = crate::keywords::fts_query(conn, search.query)? else {
        return Ok(Vec::new());
    };
    let mut ranked = None;
    if let Some(narrowed) = &query.narrowed {
        // Too few chunks with the rarer words: the common words' matches count too.
        ranked = best_keyword_candidates(conn, narrowed, allowed)?
            .filter(|ranked| ranked.len() == FUSION_DEPTH);
    }
    if ranked.is_none() {
        ranked = best_keyword_candidates(conn, &query.any, allowed)?;
    }
    if ranked.is_none() {
        ranked = Some(all_keyword_matches(conn, search, &query.any, allowed)?);
    }
    let mut ranked = ranked.unwrap_or_default();
    let best = ranked.first().map_or(0.0, |hit| hit.1);
    if best > 0.0 {
        ranked
            .iter_mut()
            .for_each(|hit| hit.1 = (hit.1 / best).clamp(0.0, 1.0));
    }
    Ok(ranked)
}

/// The allowed chunks among the [`KEYWORD_CANDIDATES`] best full-text matches of `query`, with
/// their BM25 score; `None` when there are more matches than that and fewer than
/// [`FUSION_DEPTH`] of them are allowed, so that deeper matches could still count.
fn best_keyword_candidates(
    conn: &Connection,
    query: &ScoredQuery,
    allowed: &AllowedFiles,
) -> Result<Option<Ranked>> {
    // Best first, ties by chunk id.
    let candidates: Vec<(i64, f64)> = conn
        .prepare_cached(
            "SELECT rowid, hearth_bm25(chunks_fts, ?2) AS score FROM chunks_fts
             WHERE chunks_fts MATCH ?1
             ORDER BY score DESC, rowid
             LIMIT ?3",
        )?
        .query_map(
            params![query.query, query.weights, KEYWORD_CANDIDATES],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )?
        .collect::<rusqlite::Result<_>>()?;
    let mut place =
        conn.prepare_cached("SELECT vector_store_id, file_id FROM chunks WHERE id = ?1")?;
    let mut ranked = Vec::new();
    for (chunk_id, score) in &candidates {
        let mut rows = place.query([chunk_id])?;
        let Some(row) = rows.next()? else {
            continue;
        };
        let (store_id, file_id) = (text_at(row, 0)?, text_at(row, 1)?);
        if allowed
            .get(store_id)
            .is_some_and(|files| files.contains(file_id))
        {
            ranked.push((*chunk_id, *score));
            if ranked.len() == FUSION_DEPTH {
                break;
            }
        }
    }
    let every_match_seen = (candidates.len() as i64) < KEYWORD_CANDIDATES;
    Ok((ranked.len() == FUSION_DEPTH || every_match_seen).then_some(ranked))
}

/// The [`FUSION_DEPTH`] best allowed chunks among all full-text matches in the searched stores,
/// with their BM25 score.
fn all_keyword_matches(
    conn: &Connection,
    search: &ChunkSearch,
    query: &ScoredQuery,
    allowed: &AllowedFiles,
) -> Result<Ranked> {
    // CROSS JOIN: the full-text match drives; each match then finds its chunk by rowid.
    let mut statement = conn.prepare_cached(
        "SELECT c.id, c.vector_store_id, c.file_id, hearth_bm25(chunks_fts, ?2) AS score
         FROM chunks_fts CROSS JOIN chunks c ON c.id = chunks_fts.rowid
         WHERE chunks_fts MATCH ?1
           AND c.vector_store_id IN (SELECT value FROM json_each(?3))
         ORDER BY score DESC, c.id",
    )?;
    let store_ids = serde_json::to_string(search.vector_store_ids)?;
    let mut rows = statement.query(params![query.query, query.weights, store_ids])?;
    let mut ranked = Vec::new();
    while let Some(row) = rows.next()? {
        let store_id = text_at(row, 1)?;
        let file_id = text_at(row, 2)?;
        if !allowed
            .get(store_id)
            .is_some_and(|files| files.contains(file_id))
        {
            continue;
        }
        ranked.push((row.get::<_, i64>(0)?, row.get::<_, f64>(3)?));
        if ranked.len() == FUSION_DEPTH {
            break;
        }
    }
    Ok(ranked)
}

/// Reciprocal rank fusion of the rankings that found anything, scaled so that a chunk first in
/// all of them scores 1.
fn fuse(rankings: &[Ranked]) -> Ranked {
    let used = rankings
        .iter()
        .filter(|ranking| !ranking.is_empty())
        .count();
    if used == 0 {
        return Vec::new();
    }
    let best_possible = used as f64 / (RRF_K + 1.0);
    let mut fused: HashMap<i64, f64> = HashMap::new();
    for ranking in rankings {
        for (rank, (chunk_id, _)) in ranking.iter().enumerate() {
            *fused.entry(*chunk_id).or_default() += 1.0 / (RRF_K + rank as f64 + 1.0);
        }
    }
    let mut ranked: Ranked = fused
        .into_iter()
        .map(|(chunk_id, score)| (chunk_id, (score / best_possible).clamp(0.0, 1.0)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked
}

/// Column `index` of `row` as text, without copying it.
pub(crate) fn text_at<'r>(row: &'r rusqlite::Row<'_>, index: usize) -> rusqlite::Result<&'r str> {
    row.get_ref(index)?.as_str().map_err(|error| {
        rusqlite::Error::FromSqlConversionFailure(
            index,
            rusqlite::types::Type::Text,
            Box::new(error),
        )
    })
}

fn load_hit(conn: &Connection, chunk_id: i64, score: f64) -> Result<ChunkHit> {
    let hit = conn
        .prepare_cached(
            "SELECT vector_store_id, file_id, chunk_index, text, start_offset, end_offset, page,
                    heading
             FROM chunks WHERE id = ?1",
        )?
        .query_row([chunk_id], |row| {
            Ok(ChunkHit {
                chunk_id,
                vector_store_id: row.get(0)?,
                file_id: row.get(1)?,
                index: row.get(2)?,
                text: row.get(3)?,
                // Stored from u64, so never negative.
                start: row.get::<_, i64>(4)?.unsigned_abs(),
                end: row.get::<_, i64>(5)?.unsigned_abs(),
                page: row.get(6)?,
                heading: row.get(7)?,
                score,
            })
        })?;
    Ok(hit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agreement_outranks_one_first_place() {
        let keyword = vec![(1, 1.0), (3, 0.9), (4, 0.5)];
        let vector = vec![(2, 0.9), (3, 0.8), (5, 0.1)];
        let fused = fuse(&[keyword, vector]);
        assert_eq!(fused[0].0, 3, "second in both beats first in one");
        assert!(fused.iter().all(|(_, score)| (0.0..=1.0).contains(score)));
    }

    #[test]
    fn first_everywhere_scores_one() {
        let fused = fuse(&[vec![(7, 0.2)], vec![(7, 0.3)]]);
        assert_eq!(fused, [(7, 1.0)]);
        let alone = fuse(&[vec![(7, 0.2)], Vec::new()]);
        assert_eq!(
            alone,
            [(7, 1.0)],
            "an empty ranking does not halve the scores"
        );
    }
}
