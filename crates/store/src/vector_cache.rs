//! In-memory copies of vector stores' vectors, for a brute-force cosine scan.
//!
//! Reading a store's vectors out of SQLite takes far longer than comparing a query with all of
//! them (at 100 000 chunks of 384 dimensions, 150 MB of blobs against a few milliseconds of
//! arithmetic), so each (store, model) pair is read once into one contiguous matrix of unit
//! rows and kept. Before each use the copy is checked against the database inside the search's
//! read transaction: vectors added since (a larger `seq`) are appended; any removal (a new
//! `chunk_vector_removals.version`) makes it read afresh. The check sees writes of other
//! connections and processes too, and a rolled-back write never reaches the copy.

use std::collections::HashMap;
use std::thread;

use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Result, StoreError};

/// Below this many rows one thread scans faster than starting a second.
const PARALLEL_ROWS: usize = 16_384;

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
            .prepare_cached(
                "SELECT version FROM chunk_vector_removals WHERE vector_store_id = ?1",
            )?
            .query_row([vector_store_id], |row| row.get(0))
            .optional()?
            .unwrap_or(0);
        let key = (vector_store_id.to_owned(), model.to_owned());
        let copy = self.copies.entry(key.clone()).or_insert_with(StoreVectors::empty);
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
        }
    }

    /// Whether every row is complete; one cut short (a panic while reading) is read afresh.
    fn is_whole(&self) -> bool {
        self.chunk_ids.len() == self.row_files.len()
            && self.matrix.len() == self.chunk_ids.len() * self.dims
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
        let mut scores = vec![f32::NEG_INFINITY; self.chunk_ids.len()];
        let threads = thread::available_parallelism().map_or(1, |n| n.get());
        if threads > 1 && scores.len() >= PARALLEL_ROWS {
            let rows_per_part = scores.len().div_ceil(threads);
            thread::scope(|scope| {
                for (part, part_scores) in scores.chunks_mut(rows_per_part).enumerate() {
                    let first = part * rows_per_part;
                    let file_allowed = &file_allowed;
                    scope.spawn(move || self.score_rows(query, first, part_scores, file_allowed));
                }
            });
        } else {
            self.score_rows(query, 0, &mut scores, &file_allowed);
        }
        let mut ranked: Vec<(f32, usize)> = scores
            .iter()
            .enumerate()
            .filter(|(_, score)| score.is_finite())
            .map(|(row, score)| (*score, row))
            .collect();
        let by_score = |a: &(f32, usize), b: &(f32, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
        if ranked.len() > n {
            ranked.select_nth_unstable_by(n - 1, by_score);
            ranked.truncate(n);
        }
        ranked.sort_unstable_by(by_score);
        ranked
            .into_iter()
            .map(|(cosine, row)| Nearby {
                chunk_id: self.chunk_ids[row],
                file_id: &self.files[self.row_files[row] as usize],
                cosine,
            })
            .collect()
    }

    /// Scores rows `first..first + scores.len()`, leaving rows of files not allowed at −∞.
    fn score_rows(&self, query: &[f32], first: usize, scores: &mut [f32], file_allowed: &[bool]) {
        let rows = self.matrix[first * self.dims..].chunks_exact(self.dims);
        for ((score, row), file) in scores.iter_mut().zip(rows).zip(&self.row_files[first..]) {
            if file_allowed[*file as usize] {
                *score = dot(query, row);
            }
        }
    }
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
    fn normalize_gives_unit_length_and_keeps_zero() {
        let mut v = vec![3.0, 4.0];
        normalize(&mut v);
        assert_eq!(v, [0.6, 0.8]);
        let mut zero = vec![0.0; 3];
        normalize(&mut zero);
        assert_eq!(zero, [0.0; 3]);
    }
}
