//! Files: metadata of uploaded and generated files, and where their bytes live on disk.

use std::path::{Path, PathBuf};

use hearth_wire::{FileObject, ListFilesQuery};
use rusqlite::{OptionalExtension, params};

use crate::error::{Result, StoreError};
use crate::page::{Listing, Page};
use crate::rows;
use crate::store::{Tx, delegate};

/// Version-1 schema of the `files` table; `path` is where the bytes are kept.
pub(crate) const CREATE: &str = "
CREATE TABLE files (
    id TEXT PRIMARY KEY NOT NULL,
    created_at INTEGER NOT NULL,
    purpose TEXT NOT NULL,
    path TEXT NOT NULL,
    body TEXT NOT NULL
) STRICT;
CREATE INDEX files_by_time ON files (created_at);
";

/// `GET /files` pages up to 10 000 files at once, and that is also its default.
const FILES_MAX_LIMIT: u32 = 10_000;

fn path_text(path: &Path) -> Result<&str> {
    path.to_str()
        .ok_or_else(|| StoreError::PathNotUtf8(path.to_string_lossy().into_owned()))
}

impl Tx<'_> {
    /// Stores a new file's metadata and the path of its bytes; fails if its id exists.
    pub fn insert_file(&self, file: &FileObject, path: &Path) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO files (id, created_at, purpose, path, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                file.id,
                file.created_at,
                file.purpose.as_str(),
                path_text(path)?,
                rows::json(file)?
            ])?;
        Ok(())
    }

    /// The file `id`'s metadata, if any.
    pub fn get_file(&self, id: &str) -> Result<Option<FileObject>> {
        rows::get(self, "files", &[("id", id)])
    }

    /// Where file `id`'s bytes are, if the file is known.
    pub fn file_path(&self, id: &str) -> Result<Option<PathBuf>> {
        let path: Option<String> = self
            .conn
            .prepare_cached("SELECT path FROM files WHERE id = ?1")?
            .query_row([id], |row| row.get(0))
            .optional()?;
        Ok(path.map(PathBuf::from))
    }

    /// How many files keep their bytes at `path`; identical uploads share one copy, which may be
    /// removed only when this reaches zero.
    pub fn files_at_path(&self, path: &Path) -> Result<u64> {
        let count: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM files WHERE path = ?1")?
            .query_row([path_text(path)?], |row| row.get(0))?;
        Ok(count.unsigned_abs())
    }

    /// Replaces a file's metadata (its path stays); `false` if there was none.
    pub fn update_file(&self, file: &FileObject) -> Result<bool> {
        let changed = self
            .conn
            .prepare_cached(
                "UPDATE files SET created_at = ?2, purpose = ?3, body = ?4 WHERE id = ?1",
            )?
            .execute(params![
                file.id,
                file.created_at,
                file.purpose.as_str(),
                rows::json(file)?
            ])?;
        Ok(changed > 0)
    }

    /// Deletes a file's row; `false` if there was none. Removing the bytes is the caller's job
    /// (after this commits, so a crash never leaves a row pointing at nothing).
    pub fn delete_file(&self, id: &str) -> Result<bool> {
        rows::delete(self, "files", &[("id", id)])
    }

    /// A page of files, with `GET /files`' rules: limit 1–10 000 (default 10 000), no `before`,
    /// optional `purpose` filter.
    pub fn list_files(&self, query: &ListFilesQuery) -> Result<Page<FileObject>> {
        let cursor = hearth_wire::ListQuery {
            limit: Some(query.limit.unwrap_or(FILES_MAX_LIMIT)),
            order: query.order.clone(),
            after: query.after.clone(),
            before: None,
            extra: Vec::new(),
        };
        let mut listing = Listing::new("files", &cursor)
            .filter("purpose", query.purpose.as_ref().map(|p| p.as_str()));
        listing.max_limit = FILES_MAX_LIMIT;
        listing.fetch(self, |f: &FileObject| &f.id)
    }
}

delegate! {
    /// Stores a new file's metadata and the path of its bytes; fails if its id exists.
    write fn insert_file(&self, file: &FileObject, path: &Path) -> ();
    /// The file `id`'s metadata, if any.
    read fn get_file(&self, id: &str) -> Option<FileObject>;
    /// Where file `id`'s bytes are, if the file is known.
    read fn file_path(&self, id: &str) -> Option<PathBuf>;
    /// How many files keep their bytes at `path`.
    read fn files_at_path(&self, path: &Path) -> u64;
    /// Replaces a file's metadata (its path stays); `false` if there was none.
    write fn update_file(&self, file: &FileObject) -> bool;
    /// Deletes a file's row; `false` if there was none.
    write fn delete_file(&self, id: &str) -> bool;
    /// A page of files with `GET /files`' rules.
    read fn list_files(&self, query: &ListFilesQuery) -> Page<FileObject>;
}
