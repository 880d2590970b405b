//! A remote profile's files (the charts and files its runs made, the documents it was given),
//! kept on this computer once read: a file's bytes never change after upload, so the copy is
//! always good, saves the download the next time an image scrolls into view, and lets a thread
//! with its charts be read offline.
//!
//! The copies live in a folder beside the profile's mirror (`profiles/<id>.files/`), so they go
//! with the profile and two servers' file ids never meet. Each file is `<file_id>` (the bytes)
//! and `<file_id>.json` (its file object), each written to a temporary file and renamed.

use std::path::{Path, PathBuf};

use hearth_wire::FileObject;

use super::RemoteBackend;
use crate::error::BackendError;
use crate::save::write_atomically;

/// The folder of a profile's file copies, for its mirror at `mirror_path`.
pub(super) fn cache_dir(mirror_path: &Path) -> PathBuf {
    mirror_path.with_extension("files")
}

/// Whether `file_id` can name a file in the cache folder: one plain path component.
fn usable_id(file_id: &str) -> Result<&str, BackendError> {
    let plain = !file_id.is_empty()
        && file_id.len() <= 128
        && file_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if plain {
        Ok(file_id)
    } else {
        Err(BackendError::Invalid(format!(
            "'{file_id}' is not a file id (file ids are letters, digits, '-' and '_')."
        )))
    }
}

impl RemoteBackend {
    fn cached(&self, name: &str) -> PathBuf {
        self.files_dir.join(name)
    }

    /// Keeps a copy; a copy that cannot be written is only logged, as the read itself worked.
    fn keep(&self, name: &str, bytes: &[u8]) {
        let kept = std::fs::create_dir_all(&self.files_dir)
            .map_err(|error| error.to_string())
            .and_then(|()| {
                write_atomically(&self.cached(name), bytes).map_err(|error| error.to_string())
            });
        if let Err(error) = kept {
            log::warn!("the offline copy of a file could not be kept: {error}");
        }
    }

    /// The file object: from the server when it answers (and kept), else the copy.
    pub(super) async fn remote_file(&self, file_id: &str) -> Result<FileObject, BackendError> {
        let file_id = usable_id(file_id)?;
        let json_name = format!("{file_id}.json");
        let read = self
            .call("reading the file", self.client.retrieve_file(file_id))
            .await;
        match read {
            Ok(file) => {
                if let Ok(json) = serde_json::to_vec(&file) {
                    self.keep(&json_name, &json);
                }
                Ok(file)
            }
            Err(error @ BackendError::Offline { .. }) => {
                let kept = std::fs::read(self.cached(&json_name))
                    .ok()
                    .and_then(|json| serde_json::from_slice(&json).ok());
                kept.ok_or(error)
            }
            Err(error) => Err(error),
        }
    }

    /// The file's bytes: the copy when there is one, else from the server (and kept).
    pub(super) async fn remote_file_content(&self, file_id: &str) -> Result<Vec<u8>, BackendError> {
        let file_id = usable_id(file_id)?;
        if let Ok(bytes) = std::fs::read(self.cached(file_id)) {
            return Ok(bytes);
        }
        let bytes = self
            .call("downloading the file", self.client.file_content(file_id))
            .await?;
        self.keep(file_id, &bytes);
        Ok(bytes.to_vec())
    }
}
