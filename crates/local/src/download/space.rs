//! Room on the disk: checked before a download starts (against the size the server announces) and
//! while bytes arrive, so a download stops with a clear message instead of filling the disk.

use std::path::{Path, PathBuf};

use crate::library::LibraryError;

/// Room left free for everything else on the disk (the database, logs, other programs).
pub const SPACE_RESERVE: u64 = 64 * 1024 * 1024;

/// How much a download may write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FreeSpace {
    /// What the folder's file system has free, less [`SPACE_RESERVE`].
    #[default]
    OfDisk,
    /// At most this many bytes, as if the disk had only that much room (a cap, or a test's
    /// small disk).
    Limit(u64),
}

/// The bytes a download may still write, measured at the start and again when they run out.
#[derive(Debug)]
pub(crate) struct SpaceBudget {
    space: FreeSpace,
    dir: PathBuf,
    /// `None` when the file system cannot say (then only the disk's own refusal stops a download).
    left: Option<u64>,
}

impl SpaceBudget {
    /// The room in `dir` as `space` sees it.
    pub(crate) fn measure(dir: &Path, space: FreeSpace) -> SpaceBudget {
        let left = match space {
            FreeSpace::OfDisk => available(dir).map(|free| free.saturating_sub(SPACE_RESERVE)),
            FreeSpace::Limit(bytes) => Some(bytes),
        };
        SpaceBudget {
            space,
            dir: dir.to_owned(),
            left,
        }
    }

    /// Refuses a download of `needed` more bytes that cannot fit.
    pub(crate) fn check(&self, needed: Option<u64>) -> Result<(), LibraryError> {
        match (needed, self.left) {
            (Some(needed), Some(left)) if needed > left => Err(LibraryError::NoSpace {
                dir: self.dir.clone(),
                needed,
                available: left,
            }),
            _ => Ok(()),
        }
    }

    /// Counts `bytes` about to be written; refuses them when they would not fit, measuring the
    /// disk again first (something else may have freed room).
    pub(crate) fn take(&mut self, bytes: u64, written: u64) -> Result<(), LibraryError> {
        let Some(left) = self.left else { return Ok(()) };
        if bytes <= left {
            self.left = Some(left - bytes);
            return Ok(());
        }
        if self.space == FreeSpace::OfDisk {
            self.left = available(&self.dir).map(|free| free.saturating_sub(SPACE_RESERVE));
            if self.left.is_none_or(|left| bytes <= left) {
                return self.take(bytes, written);
            }
        }
        Err(self.filled(written))
    }

    /// The error for a disk that filled after `written` bytes of this attempt.
    pub(crate) fn filled(&self, written: u64) -> LibraryError {
        LibraryError::DiskFull {
            dir: self.dir.clone(),
            written,
        }
    }
}

/// Bytes free for this user on the file system holding `dir`, when it can be told.
#[cfg(unix)]
fn available(dir: &Path) -> Option<u64> {
    let stats = rustix::fs::statvfs(dir).ok()?;
    Some(stats.f_bavail.saturating_mul(stats.f_frsize))
}

/// Windows and others: only the disk's own refusal (`StorageFull`) stops a download.
#[cfg(not(unix))]
fn available(_dir: &Path) -> Option<u64> {
    None
}

/// Whether a write failed because the disk is full.
pub(crate) fn is_disk_full(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_limit_refuses_what_does_not_fit_before_and_while_writing() {
        let dir = Path::new("/models");
        let mut budget = SpaceBudget::measure(dir, FreeSpace::Limit(1000));
        assert!(budget.check(Some(1000)).is_ok());
        let refused = budget.check(Some(1001)).unwrap_err();
        assert_eq!(refused.code(), "download_no_space");
        assert!(budget.take(600, 0).is_ok());
        assert!(budget.take(400, 600).is_ok());
        let full = budget.take(1, 1000).unwrap_err();
        assert!(full.to_string().contains("filled up"), "{full}");
        assert!(
            budget.check(None).is_ok(),
            "an unknown size cannot be refused up front"
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_disk_is_measured() {
        let dir = tempfile::tempdir().unwrap();
        assert!(available(dir.path()).is_some_and(|free| free > 0));
        assert!(available(&dir.path().join("missing")).is_none());
    }
}
