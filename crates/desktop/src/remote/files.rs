//! A remote profile's files (the charts and files its runs made, the documents it was given),
//! kept on this computer once read: a file's bytes never change after upload, so the copy is
//! always good, saves the download the next time an image scrolls into view, and lets a thread
//! with its charts be read offline.
//!
//! The copies live in a folder beside the profile's mirror (`profiles/<id>.files/`), so they go
//! with the profile and two servers' file ids never meet. Each file is `<file_id>` (the bytes)
//! and `<file_id>.json` (its file object), each written to a temporary file and renamed. The
//! lists the Knowledge page shows are kept there too, as `list.<what>.json` (a dot no id has), so
//! the page can be browsed offline as it last was.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use hearth_client::FileUpload;
use hearth_wire::{FileObject, Message};

use super::RemoteBackend;
use crate::error::BackendError;
use crate::save::write_atomically;

/// The folder of a profile's file copies, for its mirror at `mirror_path`.
pub(super) fn cache_dir(mirror_path: &Path) -> PathBuf {
    mirror_path.with_extension("files")
}

/// Whether `file_id` can name a file in the cache folder: one plain path component.
pub(super) fn usable_id(file_id: &str) -> Result<&str, BackendError> {
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

/// The folder of a profile's file copies.
#[derive(Debug, Clone)]
pub(super) struct FileCopies {
    dir: PathBuf,
}

impl FileCopies {
    pub(super) fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    fn has(&self, name: &str) -> bool {
        self.path(name).is_file()
    }

    /// Keeps a copy; a copy that cannot be written is only logged, as the read itself worked.
    fn keep(&self, name: &str, bytes: &[u8]) {
        let kept = std::fs::create_dir_all(&self.dir)
            .map_err(|error| error.to_string())
            .and_then(|()| {
                write_atomically(&self.path(name), bytes).map_err(|error| error.to_string())
            });
        if let Err(error) = kept {
            log::warn!("the offline copy of a file could not be kept: {error}");
        }
    }
}

/// The ids of the images `messages` show, which a thread needs to be read offline.
fn shown_images(messages: &[Message]) -> Vec<String> {
    crate::export::ThreadExport::image_ids(messages)
        .into_iter()
        .filter(|id| usable_id(id).is_ok())
        .collect()
}

impl RemoteBackend {
    fn cached(&self, name: &str) -> PathBuf {
        self.copies.path(name)
    }

    fn keep(&self, name: &str, bytes: &[u8]) {
        self.copies.keep(name, bytes);
    }

    /// Starts keeping copies of the images `messages` show that are not kept yet, in the
    /// background, so a thread once opened shows its charts offline even where the view never
    /// scrolled. A download that fails is left for the next time the thread is opened.
    pub(super) fn keep_images_of(&self, messages: &[Message]) {
        let missing: Vec<String> = shown_images(messages)
            .into_iter()
            .filter(|id| !self.copies.has(id))
            .collect();
        if missing.is_empty() {
            return;
        }
        let client = self.client.clone();
        let copies = self.copies.clone();
        let task = tokio::spawn(async move {
            for file_id in missing {
                if copies.has(&file_id) {
                    continue;
                }
                let object = client.retrieve_file(&file_id).await;
                let content = client.file_content(&file_id).await;
                match (object, content) {
                    (Ok(object), Ok(bytes)) => {
                        if let Ok(json) = serde_json::to_vec(&object) {
                            copies.keep(&format!("{file_id}.json"), &json);
                        }
                        copies.keep(&file_id, &bytes);
                    }
                    (Err(error), _) | (_, Err(error)) => {
                        log::debug!(
                            "the image {file_id} was not kept for offline reading: {error}"
                        );
                    }
                }
            }
        });
        self.copying
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(task);
    }

    /// Waits until the image copies started by opening threads are written.
    pub async fn wait_for_file_copies(&self) {
        loop {
            let task = self
                .copying
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .pop();
            match task {
                Some(task) => {
                    let _ = task.await;
                }
                None => return,
            }
        }
    }

    /// Uploads an image (purpose `vision`) through a temporary file, as the client streams
    /// uploads from disk.
    pub(super) async fn remote_upload_image(
        &self,
        filename: &str,
        bytes: Vec<u8>,
    ) -> Result<FileObject, BackendError> {
        let mut temporary = tempfile::NamedTempFile::new().map_err(|error| {
            BackendError::Internal(format!("Could not stage the image {filename}: {error}"))
        })?;
        temporary.write_all(&bytes).map_err(|error| {
            BackendError::Internal(format!("Could not stage the image {filename}: {error}"))
        })?;
        let upload = FileUpload::new(temporary.path(), "vision").file_name(filename);
        let file = self
            .call("uploading the image", self.client.upload_file(&upload))
            .await?;
        self.keep(&file.id, &bytes);
        if let Ok(json) = serde_json::to_vec(&file) {
            self.keep(&format!("{}.json", file.id), &json);
        }
        Ok(file)
    }

    /// A list as the server gave it (and kept, under `list.<what>.json`); offline, the list as
    /// it was last read, or the offline error when it never was.
    pub(super) fn kept_list<T: serde::Serialize + serde::de::DeserializeOwned>(
        &self,
        what: &str,
        read: Result<Vec<T>, BackendError>,
    ) -> Result<Vec<T>, BackendError> {
        let name = format!("list.{what}.json");
        match read {
            Ok(list) => {
                if let Ok(json) = serde_json::to_vec(&list) {
                    self.keep(&name, &json);
                }
                Ok(list)
            }
            Err(error @ BackendError::Offline { .. }) => std::fs::read(self.cached(&name))
                .ok()
                .and_then(|json| serde_json::from_slice(&json).ok())
                .ok_or(error),
            Err(error) => Err(error),
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
