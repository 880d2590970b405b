//! The file a download writes before it is complete, `<name>.<random>.part`, and its record
//! `<name>.<random>.part.json`: the address and the server's validator, so a later attempt
//! resumes only the same file from the same place.
//!
//! The file is locked while a download writes it, so two downloads never share one. It is
//! deleted when the download fails for good or is dropped; only [`Partial::keep`] leaves it
//! (and its record) for a resume.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tempfile::TempPath;

use super::source::Validator;
use crate::library::LibraryError;

const PART_SUFFIX: &str = ".part";
const RECORD_SUFFIX: &str = ".part.json";

/// What is recorded beside a partial file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Record {
    /// The model file name the download is for.
    pub(crate) file_name: String,
    /// Where it came from.
    pub(crate) url: String,
    /// Which version of the file the bytes are from.
    #[serde(flatten)]
    pub(crate) validator: Validator,
    /// The whole size, when the server said.
    pub(crate) total: Option<u64>,
}

/// A partial download, locked by this process.
#[derive(Debug)]
pub(crate) struct Partial {
    /// `None` once kept or moved to its final name; otherwise deleted on drop.
    path: Option<TempPath>,
    file: File,
    record_path: PathBuf,
    pub(crate) record: Record,
}

impl Partial {
    /// The partial file an earlier download of `file_name` from `url` left, locked for this
    /// one. Partials of the same name left by a download from another address, or without a
    /// readable record, can never resume and are deleted on the way.
    pub(crate) fn find(
        dir: &Path,
        file_name: &str,
        url: &str,
    ) -> Result<Option<Partial>, LibraryError> {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(LibraryError::io("reading the folder", dir)(e)),
        };
        // Left by versions that wrote `<name>.part` with no record: never safe to resume.
        let _ = std::fs::remove_file(dir.join(format!("{file_name}{PART_SUFFIX}")));
        let prefix = format!("{file_name}.");
        let mut found = None;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.starts_with(&prefix) || !name.ends_with(RECORD_SUFFIX) {
                continue;
            }
            let record_path = entry.path();
            let part = dir.join(name.trim_end_matches(".json"));
            let record: Option<Record> = std::fs::read(&record_path)
                .ok()
                .and_then(|bytes| serde_json::from_slice(&bytes).ok());
            if record.as_ref().is_some_and(|r| r.file_name != file_name) {
                continue; // another model's, whose name starts like this one
            }
            let same = record.as_ref().is_some_and(|r| r.url == url);
            let file = match open_locked(&part, file_name) {
                Ok(Some(file)) => file,
                Ok(None) => {
                    let _ = std::fs::remove_file(&record_path);
                    continue;
                }
                // Another download is writing it: this one must not, and must not delete it.
                Err(LibraryError::Busy(_)) if !same => continue,
                Err(error) => return Err(error),
            };
            let partial = Partial {
                path: Some(
                    TempPath::try_from_path(&part).map_err(LibraryError::io("opening", &part))?,
                ),
                file,
                record_path,
                record: record.clone().unwrap_or_else(|| Record {
                    file_name: file_name.to_owned(),
                    url: String::new(),
                    validator: Validator::default(),
                    total: None,
                }),
            };
            match record {
                Some(_) if same && found.is_none() => found = Some(partial),
                // Dropped: deleted with its record.
                _ => drop(partial),
            }
        }
        Ok(found)
    }

    /// A new, empty partial file in `dir` with `record` beside it.
    pub(crate) fn create(dir: &Path, record: Record) -> Result<Partial, LibraryError> {
        let named = tempfile::Builder::new()
            .prefix(&format!("{}.", record.file_name))
            .suffix(PART_SUFFIX)
            .tempfile_in(dir)
            .map_err(LibraryError::io("creating a file in", dir))?;
        let (file, path) = named.into_parts();
        lock(&file, &path, &record.file_name)?;
        let mut record_path = path.to_path_buf().into_os_string();
        record_path.push(".json");
        let partial = Partial {
            path: Some(path),
            file,
            record_path: record_path.into(),
            record,
        };
        partial.write_record()?;
        Ok(partial)
    }

    /// Empties the file for a download that starts over, from the version `record` names.
    pub(crate) fn restart(&mut self, record: Record) -> Result<(), LibraryError> {
        self.file
            .set_len(0)
            .map_err(LibraryError::io("emptying", self.path()))?;
        self.record = record;
        self.write_record()
    }

    /// The bytes in the file.
    pub(crate) fn len(&self) -> Result<u64, LibraryError> {
        Ok(self
            .file
            .metadata()
            .map_err(LibraryError::io("reading", self.path()))?
            .len())
    }

    /// Where the bytes go.
    pub(crate) fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(""))
    }

    /// A handle that appends to the file (sharing its lock).
    pub(crate) fn writer(&self) -> Result<tokio::fs::File, LibraryError> {
        let mut file = self
            .file
            .try_clone()
            .map_err(LibraryError::io("opening", self.path()))?;
        // After a restart the shared offset may still point past the emptied end.
        std::io::Seek::seek(&mut file, std::io::SeekFrom::End(0))
            .map_err(LibraryError::io("opening", self.path()))?;
        Ok(tokio::fs::File::from_std(file))
    }

    /// Whether a later attempt can resume this file: only when the server named its version.
    pub(crate) fn resumable(&self) -> bool {
        self.record.validator.if_range().is_some()
    }

    /// Leaves the file and its record for a resume when there is something to resume and it can
    /// resume safely; deletes them otherwise. Returns whether they were kept.
    pub(crate) fn keep(mut self) -> bool {
        if !self.resumable() || self.len().is_ok_and(|have| have == 0) {
            return false;
        }
        match self.path.take().map(TempPath::keep) {
            Some(Ok(_)) => true,
            Some(Err(error)) => {
                self.path = Some(error.path);
                false
            }
            None => false,
        }
    }

    /// Lets other handles read the finished file (a lock is exclusive on some systems).
    pub(crate) fn unlock(&self) -> Result<(), LibraryError> {
        self.file
            .unlock()
            .map_err(LibraryError::io("unlocking", self.path()))
    }

    /// Moves the finished file to `target`, never over a file already there (a model of that
    /// name added meanwhile), and deletes the record.
    pub(crate) fn finish(mut self, target: &Path) -> Result<(), LibraryError> {
        let Some(path) = self.path.take() else {
            return Ok(());
        };
        match path.persist_noclobber(target) {
            Ok(()) => {
                let _ = std::fs::remove_file(&self.record_path);
                Ok(())
            }
            Err(error) => {
                self.path = Some(error.path);
                if error.error.kind() == std::io::ErrorKind::AlreadyExists {
                    Err(LibraryError::Exists(self.record.file_name.clone()))
                } else {
                    Err(LibraryError::io("renaming", self.path())(error.error))
                }
            }
        }
    }

    fn write_record(&self) -> Result<(), LibraryError> {
        let json = serde_json::to_vec(&self.record)
            .map_err(|e| LibraryError::Download(format!("recording the download: {e}")))?;
        std::fs::write(&self.record_path, json)
            .map_err(LibraryError::io("writing", &self.record_path))
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if self.path.take().is_some() {
            // The TempPath deleted the file as it was dropped.
            let _ = std::fs::remove_file(&self.record_path);
        }
    }
}

/// Opens `part` and takes its lock; `None` when the file is gone.
fn open_locked(part: &Path, file_name: &str) -> Result<Option<File>, LibraryError> {
    let file = match std::fs::OpenOptions::new()
        .read(true)
        .append(true)
        .open(part)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(LibraryError::io("opening", part)(e)),
    };
    lock(&file, part, file_name)?;
    Ok(Some(file))
}

fn lock(file: &File, path: &Path, file_name: &str) -> Result<(), LibraryError> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(TryLockError::WouldBlock) => Err(LibraryError::Busy(file_name.to_owned())),
        Err(TryLockError::Error(e)) => Err(LibraryError::io("locking", path)(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_partial_file_is_never_shared_and_one_that_cannot_resume_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = ("https://a.example/m.gguf", "https://b.example/m.gguf");
        let record = Record {
            file_name: "m.gguf".into(),
            url: a.into(),
            validator: Validator {
                etag: Some("\"1\"".into()),
                last_modified: None,
            },
            total: Some(10),
        };
        let first = Partial::create(dir.path(), record.clone()).unwrap();
        std::fs::write(first.path(), b"12345").unwrap();
        assert!(
            matches!(
                Partial::find(dir.path(), "m.gguf", a),
                Err(LibraryError::Busy(_))
            ),
            "a file being written cannot be taken by a second download"
        );
        assert!(Partial::find(dir.path(), "m.gguf", b).unwrap().is_none());
        assert_eq!(
            names(dir.path()).len(),
            2,
            "another address leaves a busy file alone"
        );
        assert!(first.keep());

        let again = Partial::find(dir.path(), "m.gguf", a).unwrap().unwrap();
        assert_eq!((again.len().unwrap(), &again.record), (5, &record));
        assert!(again.keep());
        assert!(
            Partial::find(dir.path(), "other.gguf", a)
                .unwrap()
                .is_none()
        );
        assert_eq!(
            names(dir.path()).len(),
            2,
            "another model's download leaves it alone"
        );
        assert!(Partial::find(dir.path(), "m.gguf", b).unwrap().is_none());
        assert!(
            names(dir.path()).is_empty(),
            "a download of the name from another address removes what can never resume: {:?}",
            names(dir.path())
        );
    }
}
