//! In-memory copies of vector stores' vectors, for a brute-force cosine scan.
//!
//! Reading a store's vectors out of SQLite takes far longer than comparing a query with all of
//! them (at 100 000 chunks of 384 dimensions, 150 MB of blobs against a few milliseconds of
//! arithmetic), so each (store, model) pair is read once into one contiguous matrix of unit
//! rows and kept. Before each use the copy is checked against the database inside the search's
//! read transaction: vectors added since (a larger `seq`) are appended; any removal (a new
//! `chunk_vector_removals.version`) makes it read afresh. The check sees writes of other
//! connections and processes too, and a rolled-back write never reaches the copy.
//!
//! The scan is bound by memory bandwidth, not arithmetic: on a 2-core laptop-class machine,
//! reading 150 MB of f32 takes ~26 ms whatever the thread count. So each row is also kept as
//! int8 (with its scale), a quarter of the bytes; the scan ranks on those, and the few best
//! candidates are ranked again with their exact f32 numbers.

use std::collections::HashMap;
use std::thread;

use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Result, StoreError};

/// Below this many rows one thread scans faster than starting a second.
const PARALLEL_ROWS: usize = 16_384;

/// How many int8 candidates are ranked exactly per hit wanted. int8 rounding moves a cosine by
/// about 0.005; four times the hits wanted, and at least [`MIN_CANDIDATES`], leaves room for
/// the ones it pushed down.
const CANDIDATES_PER_HIT: usize = 4;
const MIN_CANDIDATES: usize = 256;

/// The copies, by (vector store id, model).
#[derive(Default)]
pub(crate) struct VectorCache {
    copies: HashMap<(String, String), StoreVectors>,
}

/// One store's vectors of one model, each scaled to unit length.
pub(crate) struct StoreVectors {
    /// `chunk_vector_removals.version` when read (0 when the store had none).
    removals: i64,
    /// The largest `chunk_vectors.seq` read.
    last_seq: i64,
    /// Dimensions of every row; 0 until the first row is read.
    dims: usize,
    /// Row by row: the chunk.
    chunk_ids: Vec<i64>,
    /// Row by row: the chunk's file, as an index into `files`.
    row_files: Vec<u32>,
    /// The distinct file ids.
    files: Vec<String>,
    file_numbers: HashMap<String, u32>,
    /// `dims` numbers per row, rows one after another.
    matrix: Vec<f32>,
    /// The same rows as int8, each number times 127 over the row's largest magnitude.
    quantized: Vec<i8>,
    /// Row by row: what an int8 number is worth.
    scales: Vec<f32>,
}

/// A row found near the query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Nearby<'a> {
    pub chunk_id: i64,
    pub file_id: &'a str,
    /// Cosine similarity, −1 to 1.
    pub cosine: f32,
}

impl VectorCache {
    /// The store's vectors of `model`, brought up to date with what `conn` sees.
    pub(crate) fn current(
        &mut self,
        conn: &Connection,
        vector_store_id: &str,
        model: &str,
    ) -> Result<&StoreVectors> {
        let removals: i64 = conn
            .prepare_cached("SELECT version FROM chunk_vector_removals WHERE vector_store_id = ?1")?
            .query_row([vector_store_id], |row| row.get(0))
            .optional()?
            .unwrap_or(0);
        let key = (vector_store_id.to_owned(), model.to_owned());
        let copy = self
            .copies
            .entry(key.clone())
            .or_insert_with(StoreVectors::empty);
        if copy.removals != removals || !copy.is_whole() {
            *copy = StoreVectors::empty();
            copy.removals = removals;
        }
        if let Err(error) = copy.read_new(conn, vector_store_id, model) {
            self.copies.remove(&key);
            return Err(error);
        }
        Ok(&self.copies[&key])
    }

    /// The copy of the store's vectors of `model` as last brought up to date by
    /// [`VectorCache::current`].
    pub(crate) fn get(&self, vector_store_id: &str, model: &str) -> Option<&StoreVectors> {
        self.copies
            .get(&(vector_store_id.to_owned(), model.to_owned()))
    }

    /// Drops the copies of stores that no longer exist, so their memory is given back.
    pub(crate) fn forget_deleted_stores(&mut self, conn: &Connection) -> Result<()> {
        let mut exists = conn.prepare_cached("SELECT 1 FROM vector_stores WHERE id = ?1")?;
        let mut gone = Vec::new();
        for key in self.copies.keys() {
            if exists.query_row([&key.0], |_| Ok(())).optional()?.is_none() {
                gone.push(key.clone());
            }
        }
        for key in gone {
            self.copies.remove(&key);
        }
        Ok(())
    }
}

impl StoreVectors {
    fn empty() -> Self {
        Self {
            removals: 0,
            last_seq: 0,
            dims: 0,
            chunk_ids: Vec::new(),
            row_files: Vec::new(),
            files: Vec::new(),
            file_numbers: HashMap::new(),
            matrix: Vec::new(),
            quantized: Vec::new(),
            scales: Vec::new(),
        }
    }

    /// Whether every row is complete; one cut short (a panic while reading) is read afresh.
    fn is_whole(&self) -> bool {
        self.chunk_ids.len() == self.row_files.len()
            && self.chunk_ids.len() == self.scales.len()
            && self.matrix.len() == self.chunk_ids.len() * self.dims
            && self.quantized.len() == self.matrix.len()
    }

    /// Dimensions of the vectors; 0 when there are none.
    pub(crate) fn dims(&self) -> usize {
        self.dims
    }

    /// Appends the vectors stored after the last one read.
    fn read_new(&mut self, conn: &Connection, vector_store_id: &str, model: &str) -> Result<()> {
        let mut statement = conn.prepare_cached(
            "SELECT v.seq, v.chunk_id, c.file_id, v.vector
             FROM chunk_vectors v JOIN chunks c ON c.id = v.chunk_id
             WHERE v.vector_store_id = ?1 AND v.model = ?2 AND v.seq > ?3
             ORDER BY v.seq",
        )?;
        let mut rows = statement.query(params![vector_store_id, model, self.last_seq])?;
        while let Some(row) = rows.next()? {
            let seq: i64 = row.get(0)?;
            let chunk_id: i64 = row.get(1)?;
            let file_id: String = row.get(2)?;
            let blob = row.get_ref(3)?.as_blob().map_err(|error| {
                rusqlite::Error::FromSqlConversionFailure(3, Type::Blob, Box::new(error))
            })?;
            self.push(chunk_id, file_id, blob)?;
            self.last_seq = seq;
        }
        Ok(())
    }

    fn push(&mut self, chunk_id: i64, file_id: String, blob: &[u8]) -> Result<()> {
        let dims = blob.len() / 4;
        if self.dims == 0 {
            self.dims = dims;
        }
        if dims != self.dims || blob.len() % 4 != 0 {
            return Err(StoreError::InvalidInput(format!(
                "the stored vector of chunk {chunk_id} has {} bytes, not {} dimensions",
                blob.len(),
                self.dims
            )));
        }
        let start = self.matrix.len();
        self.matrix.extend(
            blob.chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        );
        normalize(&mut self.matrix[start..]);
        let scale = quantize(&self.matrix[start..], &mut self.quantized);
        self.scales.push(scale);
        let next = self.files.len() as u32;
        let number = *self.file_numbers.entry(file_id).or_insert_with_key(|id| {
            self.files.push(id.clone());
            next
        });
        self.chunk_ids.push(chunk_id);
        self.row_files.push(number);
        Ok(())
    }

    /// The `n` rows most similar to `query` (a unit vector of `dims()` numbers) among those of
    /// files `allowed` accepts, most similar first.
    pub(crate) fn nearest(
        &self,
        query: &[f32],
        allowed: impl Fn(&str) -> bool,
        n: usize,
    ) -> Vec<Nearby<'_>> {
        if self.chunk_ids.is_empty() || n == 0 {
            return Vec::new();
        }
        let file_allowed: Vec<bool> = self.files.iter().map(|file| allowed(file)).collect();
        let mut query_quantized = Vec::with_capacity(query.len());
        let query_scale = quantize(query, &mut query_quantized);
        let mut scores = vec![f32::NEG_INFINITY; self.chunk_ids.len()];
        let threads = thread::available_parallelism().map_or(1, |n| n.get());
        let score_part = |first: usize, part: &mut [f32]| {
            self.approximate(&query_quantized, query_scale, first, part, &file_allowed);
        };
        if threads > 1 && scores.len() >= PARALLEL_ROWS {
            let rows_per_part = scores.len().div_ceil(threads);
            thread::scope(|scope| {
                for (index, part) in scores.chunks_mut(rows_per_part).enumerate() {
                    scope.spawn(move || score_part(index * rows_per_part, part));
                }
            });
        } else {
            score_part(0, &mut scores);
        }
        let candidates = best_rows(&scores, (n * CANDIDATES_PER_HIT).max(MIN_CANDIDATES));
        let exact: Vec<(f32, usize)> = candidates
            .into_iter()
            .map(|(_, row)| (dot(query, self.row(row)), row))
            .collect();
        let mut ranked = best_of(exact, n);
        ranked.truncate(n);
        ranked
            .into_iter()
            .map(|(cosine, row)| Nearby {
                chunk_id: self.chunk_ids[row],
                file_id: &self.files[self.row_files[row] as usize],
                cosine,
            })
            .collect()
    }

    fn row(&self, row: usize) -> &[f32] {
        &self.matrix[row * self.dims..(row + 1) * self.dims]
    }

    /// Approximate cosines of rows `first..first + scores.len()` from their int8 copies,
    /// leaving rows of files not allowed at −∞.
    fn approximate(
        &self,
        query: &[i8],
        query_scale: f32,
        first: usize,
        scores: &mut [f32],
        file_allowed: &[bool],
    ) {
        let rows = self.quantized[first * self.dims..].chunks_exact(self.dims);
        let meta = self.row_files[first..].iter().zip(&self.scales[first..]);
        for ((score, row), (file, scale)) in scores.iter_mut().zip(rows).zip(meta) {
            if file_allowed[*file as usize] {
                *score = dot_i8(query, row) as f32 * scale * query_scale;
            }
        }
    }
}

/// The `n` best finite scores with their rows, best first.
fn best_rows(scores: &[f32], n: usize) -> Vec<(f32, usize)> {
    let finite: Vec<(f32, usize)> = scores
        .iter()
        .enumerate()
        .filter(|(_, score)| score.is_finite())
        .map(|(row, score)| (*score, row))
        .collect();
    best_of(finite, n)
}

/// The `n` best of `scored`, best first (ties: the earlier row first).
fn best_of(mut scored: Vec<(f32, usize)>, n: usize) -> Vec<(f32, usize)> {
    let by_score = |a: &(f32, usize), b: &(f32, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    if scored.len() > n && n > 0 {
        scored.select_nth_unstable_by(n - 1, by_score);
        scored.truncate(n);
    }
    scored.sort_unstable_by(by_score);
    scored
}

/// Appends `vector` as int8 to `out`, scaled so its largest magnitude is 127; what one int8 unit
/// is worth (0 for a zero vector).
fn quantize(vector: &[f32], out: &mut Vec<i8>) -> f32 {
    let largest = vector.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    if largest == 0.0 {
        out.extend(std::iter::repeat_n(0, vector.len()));
        return 0.0;
    }
    let scale = largest / 127.0;
    // Within ±127 by construction, so the cast never saturates.
    out.extend(vector.iter().map(|x| (x / scale).round() as i8));
    scale
}

/// The dot product of int8 vectors, in 16 independent i32 lanes (each product fits in i16).
fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    let (a_blocks, a_rest) = a.as_chunks::<16>();
    let (b_blocks, b_rest) = b.as_chunks::<16>();
    let mut lanes = [0i32; 16];
    for (x, y) in a_blocks.iter().zip(b_blocks) {
        for ((lane, x), y) in lanes.iter_mut().zip(x).zip(y) {
            *lane += i32::from(i16::from(*x) * i16::from(*y));
        }
    }
    let rest: i32 = a_rest
        .iter()
        .zip(b_rest)
        .map(|(x, y)| i32::from(*x) * i32::from(*y))
        .sum();
    lanes.iter().sum::<i32>() + rest
}

/// Scales a vector to unit length; a zero vector stays zero (and so is similar to nothing).
pub(crate) fn normalize(vector: &mut [f32]) {
    let norm = dot(vector, vector).sqrt();
    if norm > 0.0 {
        vector.iter_mut().for_each(|x| *x /= norm);
    }
}

/// The dot product, in eight independent lanes so the compiler keeps it in vector registers.
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let (a_blocks, a_rest) = a.as_chunks::<8>();
    let (b_blocks, b_rest) = b.as_chunks::<8>();
    let mut lanes = [0.0f32; 8];
    for (x, y) in a_blocks.iter().zip(b_blocks) {
        for ((lane, x), y) in lanes.iter_mut().zip(x).zip(y) {
            *lane += x * y;
        }
    }
    let rest: f32 = a_rest.iter().zip(b_rest).map(|(x, y)| x * y).sum();
    lanes.iter().sum::<f32>() + rest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_counts_every_number_including_the_tail() {
        let a: Vec<f32> = (1..=11).map(|x| x as f32).collect();
        let b = vec![1.0; 11];
        assert_eq!(dot(&a, &b), 66.0, "1 + 2 + … + 11");
    }

    #[test]
    fn int8_cosines_stay_close_and_the_exact_pass_restores_the_order() {
        let mut copy = StoreVectors::empty();
        let mut seed = 7u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 40) as f32 / (1u64 << 24) as f32 - 0.5
        };
        for id in 0..2000 {
            let v: Vec<f32> = (0..384).map(|_| next()).collect();
            copy.push(
                id,
                format!("file-{}", id % 3),
                &crate::chunks::vector_blob(&v),
            )
            .unwrap();
        }
        let mut query: Vec<f32> = (0..384).map(|_| next()).collect();
        normalize(&mut query);
        let mut exact: Vec<(f32, i64)> = (0..2000)
            .map(|row| (dot(&query, copy.row(row)), copy.chunk_ids[row]))
            .collect();
        exact.sort_by(|a, b| b.0.total_cmp(&a.0));
        let found = copy.nearest(&query, |_| true, 20);
        let found_ids: Vec<i64> = found.iter().map(|hit| hit.chunk_id).collect();
        let exact_ids: Vec<i64> = exact[..20].iter().map(|(_, id)| *id).collect();
        assert_eq!(
            found_ids, exact_ids,
            "random vectors, the hardest case, rank exactly"
        );
        assert!(
            (found[0].cosine - exact[0].0).abs() < 1e-6,
            "scores are exact cosines"
        );

        let mut quantized = Vec::new();
        let scale = quantize(&query, &mut quantized);
        let approximate =
            dot_i8(&quantized, &copy.quantized[..384]) as f32 * scale * copy.scales[0];
        assert!((approximate - dot(&query, copy.row(0))).abs() < 0.01);
    }

    #[test]
    fn normalize_gives_unit_length_and_keeps_zero() {
        let mut v = vec![3.0, 4.0];
        normalize(&mut v);
        assert_eq!(v, [0.6, 0.8]);
        let mut zero = vec![0.0; 3];
        normalize(&mut zero);
        assert_eq!(zero, [0.0; 3]);
    }
}
