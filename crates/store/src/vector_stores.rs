//! Vector stores: their table and operations. Deleting one deletes its files and batches.

use hearth_wire::{ListQuery, VectorStore};
use rusqlite::params;

use crate::error::Result;
use crate::page::{Listing, Page};
use crate::rows;
use crate::store::{Tx, delegate};

/// Version-1 schema of the `vector_stores` table.
pub(crate) const CREATE: &str = "
CREATE TABLE vector_stores (
    id TEXT PRIMARY KEY NOT NULL,
    created_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    body TEXT NOT NULL
) STRICT;
CREATE INDEX vector_stores_by_time ON vector_stores (created_at);
";

impl Tx<'_> {
    /// Stores a new vector store; fails if its id exists.
    pub fn insert_vector_store(&self, store: &VectorStore) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO vector_stores (id, created_at, status, body) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                store.id,
                store.created_at,
                store.status.as_str(),
                rows::json(store)?
            ])?;
        Ok(())
    }

    /// The vector store `id`, if any.
    pub fn get_vector_store(&self, id: &str) -> Result<Option<VectorStore>> {
        rows::get(self, "vector_stores", &[("id", id)])
    }

    /// Replaces a stored vector store; `false` if there was none.
    pub fn update_vector_store(&self, store: &VectorStore) -> Result<bool> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE vector_stores SET created_at = ?2, status = ?3, body = ?4 WHERE id = ?1",
            )?
            .execute(params![
                store.id,
                store.created_at,
                store.status.as_str(),
                rows::json(store)?
            ])?;
        Ok(changed > 0)
    }

    /// Deletes a vector store with its files and batches; `false` if there was none.
    pub fn delete_vector_store(&self, id: &str) -> Result<bool> {
        rows::delete(self, "vector_stores", &[("id", id)])
    }

    /// A page of vector stores.
    pub fn list_vector_stores(&self, query: &ListQuery) -> Result<Page<VectorStore>> {
        Listing::new("vector_stores", query).fetch(self, |v: &VectorStore| &v.id)
    }
}

delegate! {
    /// Stores a new vector store; fails if its id exists.
    write fn insert_vector_store(&self, store: &VectorStore) -> ();
    /// The vector store `id`, if any.
    read fn get_vector_store(&self, id: &str) -> Option<VectorStore>;
    /// Replaces a stored vector store; `false` if there was none.
    write fn update_vector_store(&self, store: &VectorStore) -> bool;
    /// Deletes a vector store with its files and batches; `false` if there was none.
    write fn delete_vector_store(&self, id: &str) -> bool;
    /// A page of vector stores.
    read fn list_vector_stores(&self, query: &ListQuery) -> Page<VectorStore>;
}
