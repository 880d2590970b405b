//! Where file bytes live: one copy per distinct content, named by its SHA-256, under
//! `<files_dir>/blobs`. An upload is written to `<files_dir>/tmp` first, hashed as it streams,
//! fsynced and only then renamed into place, so a crash mid-upload leaves no file behind (the
//! partial bytes are removed at the next start).

use std::fmt::Display;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use hearth_store::Store;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// The content-addressed folder.
#[derive(Debug, Clone)]
pub(crate) struct Blobs {
    root: PathBuf,
}

/// An upload's bytes, received and hashed but not yet a file. Dropping it removes the bytes.
#[derive(Debug)]
pub struct StagedUpload {
    temp: Option<PathBuf>,
    sha256: String,
    bytes: u64,
}

impl StagedUpload {
    /// How many bytes were received.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The SHA-256 of the bytes, in lowercase hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }
}

impl Drop for StagedUpload {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            // Best effort; whatever is left is removed at the next start.
            let _ = std::fs::remove_file(temp);
        }
    }
}

/// Why receiving an upload stopped.
#[derive(Debug)]
pub(crate) enum ReceiveError {
    /// More bytes arrived than the limit allows.
    TooLarge,
    /// The client's body broke off or could not be read.
    Body(String),
    /// The disk refused.
    Io(String),
}

impl Blobs {
    /// The folder `root`, created with its `blobs` and `tmp` subfolders.
    pub(crate) fn open(root: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(root.join("blobs"))?;
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(Self {
            root: root.to_owned(),
        })
    }

    fn blob_path(&self, sha256: &str) -> PathBuf {
        self.root.join("blobs").join(sha256)
    }

    /// Streams `body` into a temporary file, hashing it, and stops as soon as it passes `limit`.
    pub(crate) async fn receive<S, E>(
        &self,
        body: S,
        limit: u64,
    ) -> Result<StagedUpload, ReceiveError>
    where
        S: Stream<Item = Result<Bytes, E>>,
        E: Display,
    {
        let temp = self
            .root
            .join("tmp")
            .join(format!("{}.part", hearth_store::new_id("upload-")));
        let io = |error: std::io::Error| ReceiveError::Io(format!("{}: {error}", temp.display()));
        let mut file = tokio::fs::File::create(&temp).await.map_err(io)?;
        // From here on, dropping `staged` removes the temporary file on every early return.
        let mut staged = StagedUpload {
            temp: Some(temp.clone()),
            sha256: String::new(),
            bytes: 0,
        };
        let mut hasher = Sha256::new();
        futures_util::pin_mut!(body);
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|error| ReceiveError::Body(error.to_string()))?;
            staged.bytes += chunk.len() as u64;
            if staged.bytes > limit {
                return Err(ReceiveError::TooLarge);
            }
            hasher.update(&chunk);
            file.write_all(&chunk).await.map_err(io)?;
        }
        file.flush().await.map_err(io)?;
        file.sync_all().await.map_err(io)?;
        staged.sha256 = format!("{:x}", hasher.finalize());
        Ok(staged)
    }

    /// Moves staged bytes to their content-addressed place (or drops them when an identical copy
    /// is there already) and returns that place. The caller holds the blob lock.
    pub(crate) fn keep(&self, mut staged: StagedUpload) -> std::io::Result<PathBuf> {
        let path = self.blob_path(&staged.sha256);
        let Some(temp) = staged.temp.take() else {
            return Ok(path);
        };
        if path.exists() {
            std::fs::remove_file(&temp)?;
        } else {
            std::fs::rename(&temp, &path)?;
            sync_dir(&self.root.join("blobs"));
        }
        Ok(path)
    }

    /// Removes the bytes at `path` if no file points at them any more. The caller holds the blob
    /// lock and has committed the deletion of the file that used them.
    pub(crate) fn release(&self, store: &Store, path: &Path) {
        match store.files_at_path(path) {
            Ok(0) => {
                if let Err(error) = std::fs::remove_file(path) {
                    log::warn!("could not remove {}: {error}", path.display());
                }
            }
            Ok(_) => {}
            Err(error) => log::warn!(
                "could not tell whether {} is still used: {error}",
                path.display()
            ),
        }
    }

    /// At start-up: removes partial uploads and bytes no file points at (a crash between the
    /// rename and the insert). Returns how many were removed.
    pub(crate) fn clean_up(&self, store: &Store) -> usize {
        let mut removed = 0;
        for entry in read_dir(&self.root.join("tmp")) {
            if std::fs::remove_file(&entry).is_ok() {
                removed += 1;
            }
        }
        for entry in read_dir(&self.root.join("blobs")) {
            if matches!(store.files_at_path(&entry), Ok(0)) && std::fs::remove_file(&entry).is_ok()
            {
                removed += 1;
            }
        }
        removed
    }
}

fn read_dir(dir: &Path) -> Vec<PathBuf> {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(error) => {
            log::warn!("could not read {}: {error}", dir.display());
            Vec::new()
        }
    }
}

/// Makes a rename durable: on Unix, the directory entry is only on disk once the folder is synced.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Err(error) = std::fs::File::open(dir).and_then(|d| d.sync_all()) {
        log::warn!("could not sync {}: {error}", dir.display());
    }
    #[cfg(not(unix))]
    let _ = dir;
}
