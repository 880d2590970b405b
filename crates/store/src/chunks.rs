//! Chunks of the files in vector stores: their text (indexed for BM25 by FTS5), where each sits in
//! its file, and their embedding vectors.
//!
//! A chunk belongs to one file of one vector store; detaching the file or deleting the store
//! deletes its chunks, and with them their full-text rows (triggers) and vectors (a cascade).
//! Vectors are little-endian f32 blobs, at most one per chunk, tagged with the model that made
//! them, so that a search never compares vectors of different models.

use rusqlite::{OptionalExtension, params};

use crate::error::{Result, StoreError};
use crate::store::{Tx, delegate};

/// Version-12 schema: chunks, their full-text index, their vectors, and what tells an in-memory
/// copy of a store's vectors that it went stale.
///
/// `porter unicode61`: stemming lets a question's "indexing" find a text's "indexed", which
/// questions in English need; the words are stemmed once, when indexed, so it costs nothing at
/// query time.
///
/// `chunk_vectors.seq` only ever grows (AUTOINCREMENT never reuses a value), so a copy that has
/// read up to some `seq` can pick up what was added since. A removed or replaced vector cannot be
/// noticed that way; the trigger gives the store a new random `chunk_vector_removals.version`
/// instead, whichever way the row went (a file detached, a store deleted, a chunk replaced), and
/// the copy is read again. Random rather than counted, so that a store's row deleted and made
/// again never repeats a version a copy may still hold.
pub(crate) const CREATE: &str = "
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    vector_store_id TEXT NOT NULL,
    file_id TEXT NOT NULL,
    chunk_index INTEGER NOT NULL,
    text TEXT NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    page INTEGER,
    heading TEXT,
    tokens INTEGER NOT NULL,
    text_bytes INTEGER NOT NULL,
    FOREIGN KEY (vector_store_id, file_id)
        REFERENCES vector_store_files (vector_store_id, id) ON DELETE CASCADE
) STRICT;
CREATE UNIQUE INDEX chunks_by_file ON chunks (vector_store_id, file_id, chunk_index);
CREATE VIRTUAL TABLE chunks_fts USING fts5 (
    text,
    content = 'chunks',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts (rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts (chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TABLE chunk_vectors (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    chunk_id INTEGER NOT NULL UNIQUE REFERENCES chunks (id) ON DELETE CASCADE,
    vector_store_id TEXT NOT NULL,
    model TEXT NOT NULL,
    vector BLOB NOT NULL
) STRICT;
CREATE INDEX chunk_vectors_by_store ON chunk_vectors (vector_store_id, model, seq);
CREATE TABLE chunk_vector_removals (
    vector_store_id TEXT PRIMARY KEY NOT NULL,
    version INTEGER NOT NULL
) STRICT;
CREATE TRIGGER chunk_vectors_removed AFTER DELETE ON chunk_vectors BEGIN
    INSERT INTO chunk_vector_removals (vector_store_id, version)
    VALUES (old.vector_store_id, random())
    ON CONFLICT (vector_store_id) DO UPDATE SET version = excluded.version;
END;
CREATE TRIGGER chunk_vector_removals_forgotten AFTER DELETE ON vector_stores BEGIN
    DELETE FROM chunk_vector_removals WHERE vector_store_id = old.id;
END;
";

/// A chunk to index, as the documents crate cuts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewChunk<'a> {
    /// Its position in the file, from 0.
    pub index: u32,
    /// Its text.
    pub text: &'a str,
    /// Where it starts in the file's extracted text (characters).
    pub start: u64,
    /// Where it ends in the file's extracted text (characters, exclusive).
    pub end: u64,
    /// The page it starts on, for paged formats, from 1.
    pub page: Option<u32>,
    /// The heading it sits under, where the format has headings.
    pub heading: Option<&'a str>,
    /// Its length in tokens.
    pub tokens: u32,
}

/// Where a chunk sits in its file: what a citation shows beside the quoted passage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkPlace {
    /// The page it starts on, for paged formats, from 1.
    pub page: Option<u32>,
    /// The heading it sits under, where the format has headings.
    pub heading: Option<String>,
}

/// A vector as stored: its numbers as little-endian f32.
pub(crate) fn vector_blob(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Checks that a vector can be stored and compared: not empty, every number finite.
pub(crate) fn check_vector(what: &str, vector: &[f32]) -> Result<()> {
    if vector.is_empty() {
        return Err(StoreError::InvalidInput(format!("{what} has no numbers")));
    }
    if let Some(position) = vector.iter().position(|x| !x.is_finite()) {
        return Err(StoreError::InvalidInput(format!(
            "{what} has a number that is not finite at position {position}"
        )));
    }
    Ok(())
}

impl Tx<'_> {
    /// Replaces the chunks of one file in one vector store (BM25-searchable as soon as this
    /// commits); their old vectors go with them. The file must be attached to the store.
    pub fn replace_file_chunks(
        &self,
        vector_store_id: &str,
        file_id: &str,
        chunks: &[NewChunk],
    ) -> Result<()> {
        if self
            .get_vector_store_file(vector_store_id, file_id)?
            .is_none()
        {
            return Err(StoreError::InvalidInput(format!(
                "file '{file_id}' is not attached to vector store '{vector_store_id}'"
            )));
        }
        self.delete_file_chunks(vector_store_id, file_id)?;
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO chunks (vector_store_id, file_id, chunk_index, text, start_offset,
                                 end_offset, page, heading, tokens, text_bytes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for chunk in chunks {
            if chunk.end < chunk.start {
                return Err(StoreError::InvalidInput(format!(
                    "chunk {} of file '{file_id}' ends ({}) before it starts ({})",
                    chunk.index, chunk.end, chunk.start
                )));
            }
            insert.execute(params![
                vector_store_id,
                file_id,
                chunk.index,
                chunk.text,
                offset(chunk.start)?,
                offset(chunk.end)?,
                chunk.page,
                chunk.heading,
                chunk.tokens,
                chunk.text.len() as i64,
            ])?;
        }
        Ok(())
    }

    /// Chunks of the file that have no vector from `model` yet, in file order: (chunk id, text).
    pub fn chunks_missing_vectors(
        &self,
        vector_store_id: &str,
        file_id: &str,
        model: &str,
    ) -> Result<Vec<(i64, String)>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT c.id, c.text FROM chunks c
             LEFT JOIN chunk_vectors v ON v.chunk_id = c.id AND v.model = ?3
             WHERE c.vector_store_id = ?1 AND c.file_id = ?2 AND v.chunk_id IS NULL
             ORDER BY c.chunk_index",
        )?;
        let chunks = statement
            .query_map(params![vector_store_id, file_id, model], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(chunks)
    }

    /// Stores `model`'s vectors for chunks, replacing any vector they had. Every vector of one
    /// model in one store must have the same number of dimensions. A chunk deleted meanwhile (its
    /// file detached while its vectors were being computed) is skipped.
    pub fn set_chunk_vectors(&self, model: &str, vectors: &[(i64, &[f32])]) -> Result<()> {
        if model.is_empty() {
            return Err(StoreError::InvalidInput(
                "the embedding model's name is empty".to_owned(),
            ));
        }
        let mut store_of = self
            .conn
            .prepare_cached("SELECT vector_store_id FROM chunks WHERE id = ?1")?;
        let mut dims_in = self.conn.prepare_cached(
            "SELECT length(vector) / 4 FROM chunk_vectors
             WHERE vector_store_id = ?1 AND model = ?2 LIMIT 1",
        )?;
        let mut remove = self
            .conn
            .prepare_cached("DELETE FROM chunk_vectors WHERE chunk_id = ?1")?;
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO chunk_vectors (chunk_id, vector_store_id, model, vector)
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (chunk_id, vector) in vectors {
            check_vector(&format!("the vector of chunk {chunk_id}"), vector)?;
            let Some(store_id) = store_of
                .query_row([chunk_id], |row| row.get::<_, String>(0))
                .optional()?
            else {
                continue;
            };
            let dims: Option<i64> = dims_in
                .query_row(params![store_id, model], |row| row.get(0))
                .optional()?;
            if let Some(dims) = dims
                && dims != vector.len() as i64
            {
                return Err(StoreError::InvalidInput(format!(
                    "the vector of chunk {chunk_id} has {} dimensions, but vector store \
                     '{store_id}' holds {dims}-dimensional vectors of model '{model}'",
                    vector.len()
                )));
            }
            remove.execute([chunk_id])?;
            insert.execute(params![chunk_id, store_id, model, vector_blob(vector)])?;
        }
        Ok(())
    }

    /// Deletes the chunks (with their full-text rows and vectors) of one file in one store.
    pub fn delete_file_chunks(&self, vector_store_id: &str, file_id: &str) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM chunks WHERE vector_store_id = ?1 AND file_id = ?2")?
            .execute(params![vector_store_id, file_id])?;
        Ok(())
    }

    /// Deletes every chunk (with full-text rows and vectors) of a vector store.
    pub fn delete_vector_store_chunks(&self, vector_store_id: &str) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM chunks WHERE vector_store_id = ?1")?
            .execute([vector_store_id])?;
        Ok(())
    }

    /// The page and heading of the chunk of `file_id` whose text is `text` (in any vector store:
    /// the same file is chunked the same way wherever it is); `None` when no chunk has that text.
    pub fn chunk_place(&self, file_id: &str, text: &str) -> Result<Option<ChunkPlace>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT page, heading FROM chunks WHERE file_id = ?1 AND text = ?2
                 ORDER BY id LIMIT 1",
            )?
            .query_row(params![file_id, text], |row| {
                Ok(ChunkPlace {
                    page: row.get(0)?,
                    heading: row.get(1)?,
                })
            })
            .optional()?)
    }

    /// Bytes the store's chunk text and vectors take (for `usage_bytes`).
    pub fn vector_store_chunk_bytes(&self, vector_store_id: &str) -> Result<u64> {
        let bytes: i64 = self
            .conn
            .prepare_cached(
                "SELECT coalesce((SELECT sum(text_bytes) FROM chunks WHERE vector_store_id = ?1), 0)
                      + coalesce((SELECT sum(length(vector)) FROM chunk_vectors
                                  WHERE vector_store_id = ?1), 0)",
            )?
            .query_row([vector_store_id], |row| row.get(0))?;
        Ok(bytes.unsigned_abs())
    }
}

/// A character offset as SQLite's integer.
fn offset(value: u64) -> Result<i64> {
    i64::try_from(value)
        .map_err(|_| StoreError::InvalidInput(format!("chunk offset {value} is out of range")))
}

delegate! {
    /// Replaces the chunks of one file in one vector store.
    write fn replace_file_chunks(&self, vector_store_id: &str, file_id: &str, chunks: &[NewChunk<'_>]) -> ();
    /// Chunks of the file that have no vector from `model` yet: (chunk id, text).
    read fn chunks_missing_vectors(&self, vector_store_id: &str, file_id: &str, model: &str) -> Vec<(i64, String)>;
    /// Stores `model`'s vectors for chunks.
    write fn set_chunk_vectors(&self, model: &str, vectors: &[(i64, &[f32])]) -> ();
    /// Deletes the chunks of one file in one store.
    write fn delete_file_chunks(&self, vector_store_id: &str, file_id: &str) -> ();
    /// Deletes every chunk of a vector store.
    write fn delete_vector_store_chunks(&self, vector_store_id: &str) -> ();
    /// The page and heading of a file's chunk with this text.
    read fn chunk_place(&self, file_id: &str, text: &str) -> Option<ChunkPlace>;
    /// Bytes the store's chunk text and vectors take.
    read fn vector_store_chunk_bytes(&self, vector_store_id: &str) -> u64;
}
