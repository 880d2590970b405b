//! One owner per data folder: the program that runs the engine on a data folder holds an OS file
//! lock on `hearth.lock` inside it, so the app and `hearth-server` never both run start-up
//! recovery and runs on the same database (the second would fail the first one's live runs).
//!
//! The lock is the operating system's (`flock` on Unix, `LockFileEx` on Windows), so it is
//! released when its holder exits in any way, `kill -9` included: a stale lock cannot exist. The
//! file also says who holds it (program and process id), so the one refused can name the holder.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The lock file's name inside the data folder.
pub const LOCK_FILE: &str = "hearth.lock";

/// Who holds a data folder's lock, as written in the lock file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LockHolder {
    /// The program, as people know it: `Hearth` (the app) or `hearth-server`.
    pub program: String,
    /// Its process id.
    pub pid: u32,
}

impl std::fmt::Display for LockHolder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (pid {})", self.program, self.pid)
    }
}

/// Why a data folder's lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum DataLockError {
    /// Another process holds it. `holder` is `None` when the file could not be read (it is being
    /// written this instant, or the OS keeps locked files unreadable).
    #[error("{} is using the data folder {}", holder_text(.holder), .dir.display())]
    InUse {
        /// The data folder.
        dir: PathBuf,
        /// Who holds it, when known.
        holder: Option<LockHolder>,
    },
    /// The lock file could not be created, locked or written.
    #[error("while locking the data folder {}: {source}", .dir.display())]
    Io {
        /// The data folder.
        dir: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
}

fn holder_text(holder: &Option<LockHolder>) -> String {
    holder
        .as_ref()
        .map_or_else(|| "Another Hearth program".to_owned(), ToString::to_string)
}

/// A held data-folder lock; dropping it (or the process ending) releases it.
#[derive(Debug)]
pub struct DataLock {
    // Kept open: the lock lives as long as this handle.
    _file: File,
    path: PathBuf,
}

impl DataLock {
    /// Takes the lock of `dir` (which must exist) for `program`, or says who holds it. Never
    /// waits: a second owner is refused at once.
    pub fn acquire(dir: &Path, program: &str) -> Result<Self, DataLockError> {
        let io = |source| DataLockError::Io {
            dir: dir.to_owned(),
            source,
        };
        let path = dir.join(LOCK_FILE);
        // Not truncated on open: until the lock is ours, the holder's name in it must stay readable.
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(DataLockError::InUse {
                    dir: dir.to_owned(),
                    holder: read_holder(&mut file),
                });
            }
            Err(TryLockError::Error(error)) => return Err(io(error)),
        }
        let holder = LockHolder {
            program: program.to_owned(),
            pid: std::process::id(),
        };
        let text = serde_json::to_string(&holder).map_err(|error| io(error.into()))?;
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.write_all(text.as_bytes()).map_err(io)?;
        file.flush().map_err(io)?;
        Ok(Self { _file: file, path })
    }

    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Reads who holds the lock; `None` when the file is empty (being written) or unreadable.
fn read_holder(file: &mut File) -> Option<LockHolder> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    file.read_to_string(&mut text).ok()?;
    serde_json::from_str(&text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_owner_is_refused_with_the_holders_name() {
        let dir = tempfile::tempdir().unwrap();
        let held = DataLock::acquire(dir.path(), "Hearth").unwrap();
        // A second open file description conflicts like another process would.
        let error = DataLock::acquire(dir.path(), "hearth-server").unwrap_err();
        match &error {
            DataLockError::InUse { holder, .. } => assert_eq!(
                holder.as_ref(),
                Some(&LockHolder {
                    program: "Hearth".to_owned(),
                    pid: std::process::id()
                }),
                "the refusal should name the holder"
            ),
            other => panic!("expected InUse, got {other:?}"),
        }
        let text = error.to_string();
        assert!(
            text.contains(&format!("Hearth (pid {})", std::process::id()))
                && text.contains(&dir.path().display().to_string()),
            "the message should name the holder and the folder: {text}"
        );
        drop(held);
        DataLock::acquire(dir.path(), "hearth-server")
            .expect("the lock should be free once its holder lets go");
    }

    #[test]
    fn a_missing_folder_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone");
        let error = DataLock::acquire(&missing, "Hearth").unwrap_err();
        assert!(
            matches!(error, DataLockError::Io { .. }) && error.to_string().contains("gone"),
            "the error should name the folder: {error}"
        );
    }
}
