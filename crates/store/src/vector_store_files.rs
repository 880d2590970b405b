//! Vector store files and file batches: which files a vector store holds, their processing state,
//! and the batches that added them. A file's row is keyed by store and file id, since one file may
//! sit in several stores.

use hearth_wire::{
    FileCounts, ListQuery, ListVectorStoreFilesQuery, VectorStoreFile, VectorStoreFileBatch,
};
use rusqlite::{OptionalExtension, params};

use crate::error::Result;
use crate::page::{Listing, Page};
use crate::rows;
use crate::store::{Tx, delegate};

/// Version-1 schema of `vector_store_file_batches` and `vector_store_files`. `id` of a file row is
/// the file's id; it has no foreign key to `files` because a mirror may hold a store's listing
/// without the files' metadata, so deleting a file's attachments is the engine's job.
pub(crate) const CREATE: &str = "
CREATE TABLE vector_store_file_batches (
    id TEXT PRIMARY KEY NOT NULL,
    vector_store_id TEXT NOT NULL REFERENCES vector_stores (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL
) STRICT;
CREATE INDEX vector_store_file_batches_by_store ON vector_store_file_batches (vector_store_id);
CREATE TABLE vector_store_files (
    vector_store_id TEXT NOT NULL REFERENCES vector_stores (id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    batch_id TEXT REFERENCES vector_store_file_batches (id) ON DELETE SET NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (vector_store_id, id)
) STRICT;
CREATE INDEX vector_store_files_by_time ON vector_store_files (vector_store_id, created_at);
CREATE INDEX vector_store_files_by_file ON vector_store_files (id);
CREATE INDEX vector_store_files_by_batch ON vector_store_files (batch_id);
";

/// Which embedding model a vector store's vectors come from, so vectors of two models are never
/// compared and a change of model is noticed and re-embedded.
pub(crate) const EMBEDDING_MODELS: &str = "
CREATE TABLE vector_store_embedding_models (
    vector_store_id TEXT PRIMARY KEY NOT NULL REFERENCES vector_stores (id) ON DELETE CASCADE,
    model TEXT NOT NULL
) STRICT;
";

impl Tx<'_> {
    /// Attaches a file to its vector store, as part of batch `batch_id` when given; fails if it is
    /// already attached or the store does not exist.
    pub fn insert_vector_store_file(
        &self,
        file: &VectorStoreFile,
        batch_id: Option<&str>,
    ) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO vector_store_files
                 (vector_store_id, id, batch_id, status, created_at, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                file.vector_store_id,
                file.id,
                batch_id,
                file.status.as_str(),
                file.created_at,
                rows::json(file)?
            ])?;
        Ok(())
    }

    /// File `file_id` of vector store `vector_store_id`, if attached.
    pub fn get_vector_store_file(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> Result<Option<VectorStoreFile>> {
        rows::get(
            self,
            "vector_store_files",
            &[("vector_store_id", vector_store_id), ("id", file_id)],
        )
    }

    /// Replaces a vector store file (status, usage, error …); `false` if it is not attached.
    pub fn update_vector_store_file(&self, file: &VectorStoreFile) -> Result<bool> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE vector_store_files SET status = ?3, created_at = ?4, body = ?5
                 WHERE vector_store_id = ?1 AND id = ?2",
            )?
            .execute(params![
                file.vector_store_id,
                file.id,
                file.status.as_str(),
                file.created_at,
                rows::json(file)?
            ])?;
        Ok(changed > 0)
    }

    /// Detaches a file from a vector store; `false` if it was not attached.
    pub fn delete_vector_store_file(&self, vector_store_id: &str, file_id: &str) -> Result<bool> {
        rows::delete(
            self,
            "vector_store_files",
            &[("vector_store_id", vector_store_id), ("id", file_id)],
        )
    }

    /// A page of a vector store's files, only those of batch `batch_id` when given, and only
    /// those in the query's `filter` status when it has one.
    pub fn list_vector_store_files(
        &self,
        vector_store_id: &str,
        batch_id: Option<&str>,
        query: &ListVectorStoreFilesQuery,
    ) -> Result<Page<VectorStoreFile>> {
        let cursor = ListQuery {
            limit: query.limit,
            order: query.order.clone(),
            after: query.after.clone(),
            before: query.before.clone(),
            extra: Vec::new(),
        };
        Listing::new("vector_store_files", &cursor)
            .parent("vector_store_id", vector_store_id)
            .filter("batch_id", batch_id)
            .filter("status", query.filter.as_ref().map(|s| s.as_str()))
            .fetch(self, |f: &VectorStoreFile| &f.id)
    }

    /// Counts of a vector store's files by status (of one batch when `batch_id` is given), for
    /// the `file_counts` of the store or batch.
    pub fn vector_store_file_counts(
        &self,
        vector_store_id: &str,
        batch_id: Option<&str>,
    ) -> Result<FileCounts> {
        let mut statement = self.conn.prepare_cached(
            "SELECT status, count(*) FROM vector_store_files
             WHERE vector_store_id = ?1 AND (?2 IS NULL OR batch_id = ?2) GROUP BY status",
        )?;
        let mut rows = statement.query(params![vector_store_id, batch_id])?;
        let mut counts = FileCounts::default();
        while let Some(row) = rows.next()? {
            let status: String = row.get(0)?;
            let count: i64 = row.get(1)?;
            // count(*) is never negative.
            let count = count.unsigned_abs();
            match status.as_str() {
                "in_progress" => counts.in_progress = count,
                "completed" => counts.completed = count,
                "failed" => counts.failed = count,
                "cancelled" => counts.cancelled = count,
                // Unknown statuses still count towards the total.
                _ => {}
            }
            counts.total += count;
        }
        Ok(counts)
    }

    /// Stores a new file batch; fails if its id exists or its vector store does not.
    pub fn insert_file_batch(&self, batch: &VectorStoreFileBatch) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO vector_store_file_batches (id, vector_store_id, status, created_at, body)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                batch.id,
                batch.vector_store_id,
                batch.status.as_str(),
                batch.created_at,
                rows::json(batch)?
            ])?;
        Ok(())
    }

    /// Batch `id` of vector store `vector_store_id`, if any.
    pub fn get_file_batch(
        &self,
        vector_store_id: &str,
        id: &str,
    ) -> Result<Option<VectorStoreFileBatch>> {
        rows::get(
            self,
            "vector_store_file_batches",
            &[("vector_store_id", vector_store_id), ("id", id)],
        )
    }

    /// Replaces a stored batch (status, counts); `false` if there was none.
    pub fn update_file_batch(&self, batch: &VectorStoreFileBatch) -> Result<bool> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE vector_store_file_batches SET status = ?3, created_at = ?4, body = ?5
                 WHERE id = ?1 AND vector_store_id = ?2",
            )?
            .execute(params![
                batch.id,
                batch.vector_store_id,
                batch.status.as_str(),
                batch.created_at,
                rows::json(batch)?
            ])?;
        Ok(changed > 0)
    }

    /// The vector stores file `file_id` is attached to.
    pub fn vector_stores_of_file(&self, file_id: &str) -> Result<Vec<String>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT vector_store_id FROM vector_store_files WHERE id = ?1")?;
        let ids = statement
            .query_map([file_id], |row| row.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(ids)
    }

    /// `(vector_store_id, file_id)` of every attached file in `status`, oldest first; at start-up,
    /// the files a previous process left being indexed.
    pub fn vector_store_files_in_status(&self, status: &str) -> Result<Vec<(String, String)>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT vector_store_id, id FROM vector_store_files WHERE status = ?1
             ORDER BY created_at, rowid",
        )?;
        let pairs = statement
            .query_map([status], |row| Ok((row.get(0)?, row.get(1)?)))?
            .collect::<rusqlite::Result<Vec<(String, String)>>>()?;
        Ok(pairs)
    }

    /// The batch that added file `file_id` to vector store `vector_store_id`, if one did.
    pub fn vector_store_file_batch_id(
        &self,
        vector_store_id: &str,
        file_id: &str,
    ) -> Result<Option<String>> {
        let batch: Option<Option<String>> = self
            .conn
            .prepare_cached(
                "SELECT batch_id FROM vector_store_files WHERE vector_store_id = ?1 AND id = ?2",
            )?
            .query_row([vector_store_id, file_id], |row| row.get(0))
            .optional()?;
        Ok(batch.flatten())
    }

    /// Ids of batch `batch_id`'s files that are in `status`.
    pub fn batch_file_ids(
        &self,
        vector_store_id: &str,
        batch_id: &str,
        status: &str,
    ) -> Result<Vec<String>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT id FROM vector_store_files
             WHERE vector_store_id = ?1 AND batch_id = ?2 AND status = ?3",
        )?;
        let ids = statement
            .query_map([vector_store_id, batch_id, status], |row| row.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(ids)
    }

    /// The embedding model whose vectors vector store `vector_store_id` holds, if it has any.
    pub fn vector_store_embedding_model(&self, vector_store_id: &str) -> Result<Option<String>> {
        let model: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT model FROM vector_store_embedding_models WHERE vector_store_id = ?1",
            )?
            .query_row([vector_store_id], |row| row.get(0))
            .optional()?;
        Ok(model)
    }

    /// Records that vector store `vector_store_id` holds vectors of `model` (none: keyword only).
    pub fn set_vector_store_embedding_model(
        &self,
        vector_store_id: &str,
        model: Option<&str>,
    ) -> Result<()> {
        match model {
            Some(model) => self
                .conn
                .prepare_cached(
                    "INSERT INTO vector_store_embedding_models (vector_store_id, model) VALUES (?1, ?2)
                     ON CONFLICT (vector_store_id) DO UPDATE SET model = excluded.model",
                )?
                .execute([vector_store_id, model])?,
            None => self
                .conn
                .prepare_cached(
                    "DELETE FROM vector_store_embedding_models WHERE vector_store_id = ?1",
                )?
                .execute([vector_store_id])?,
        };
        Ok(())
    }
}

delegate! {
    /// Attaches a file to its vector store, as part of batch `batch_id` when given.
    write fn insert_vector_store_file(&self, file: &VectorStoreFile, batch_id: Option<&str>) -> ();
    /// File `file_id` of vector store `vector_store_id`, if attached.
    read fn get_vector_store_file(&self, vector_store_id: &str, file_id: &str) -> Option<VectorStoreFile>;
    /// Replaces a vector store file; `false` if it is not attached.
    write fn update_vector_store_file(&self, file: &VectorStoreFile) -> bool;
    /// Detaches a file from a vector store; `false` if it was not attached.
    write fn delete_vector_store_file(&self, vector_store_id: &str, file_id: &str) -> bool;
    /// A page of a vector store's files (of one batch when given), with the status `filter`.
    read fn list_vector_store_files(&self, vector_store_id: &str, batch_id: Option<&str>, query: &ListVectorStoreFilesQuery) -> Page<VectorStoreFile>;
    /// Counts of a vector store's (or one batch's) files by status.
    read fn vector_store_file_counts(&self, vector_store_id: &str, batch_id: Option<&str>) -> FileCounts;
    /// Stores a new file batch.
    write fn insert_file_batch(&self, batch: &VectorStoreFileBatch) -> ();
    /// Batch `id` of vector store `vector_store_id`, if any.
    read fn get_file_batch(&self, vector_store_id: &str, id: &str) -> Option<VectorStoreFileBatch>;
    /// Replaces a stored batch; `false` if there was none.
    write fn update_file_batch(&self, batch: &VectorStoreFileBatch) -> bool;
    /// The vector stores file `file_id` is attached to.
    read fn vector_stores_of_file(&self, file_id: &str) -> Vec<String>;
    /// `(vector_store_id, file_id)` of every attached file in `status`, oldest first.
    read fn vector_store_files_in_status(&self, status: &str) -> Vec<(String, String)>;
    /// The batch that added a file to a vector store, if one did.
    read fn vector_store_file_batch_id(&self, vector_store_id: &str, file_id: &str) -> Option<String>;
    /// Ids of a batch's files that are in `status`.
    read fn batch_file_ids(&self, vector_store_id: &str, batch_id: &str, status: &str) -> Vec<String>;
    /// The embedding model whose vectors a vector store holds, if any.
    read fn vector_store_embedding_model(&self, vector_store_id: &str) -> Option<String>;
    /// Records the embedding model a vector store's vectors come from.
    write fn set_vector_store_embedding_model(&self, vector_store_id: &str, model: Option<&str>) -> ();
}
