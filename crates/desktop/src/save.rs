//! Writing a file the person chose in a save dialog so that it is either whole or not there: the
//! bytes go to a hidden temporary file in the same folder, are flushed to disk, and only then
//! renamed over the target (a rename within one folder is atomic).

use std::io::Write;
use std::path::Path;

use crate::error::BackendError;

/// Writes `bytes` to `target` atomically. A failure (no permission, disk full, a folder that is
/// gone) is said in words naming the file, and leaves neither the target changed nor a
/// temporary file behind.
pub fn write_atomically(target: &Path, bytes: &[u8]) -> Result<(), BackendError> {
    let fail = |error: std::io::Error| {
        BackendError::Invalid(format!(
            "Could not save {}: {}.",
            target.display(),
            in_words(&error)
        ))
    };
    let folder = match target.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::Builder::new()
        .prefix(".hearth-save-")
        .suffix(".part")
        .tempfile_in(folder)
        .map_err(fail)?;
    // On any early return `temporary` is dropped, which removes the partial file.
    temporary.write_all(bytes).map_err(fail)?;
    temporary.as_file().sync_all().map_err(fail)?;
    temporary
        .persist(target)
        .map_err(|error| fail(error.error))?;
    Ok(())
}

/// The common I/O failures as a person would say them; others in the system's words.
pub(crate) fn in_words(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::PermissionDenied => {
            "permission denied (choose a folder you may write to)".into()
        }
        ErrorKind::NotFound => "the folder does not exist".into(),
        ErrorKind::StorageFull => "the disk is full".into(),
        ErrorKind::ReadOnlyFilesystem => "the disk is read-only".into(),
        ErrorKind::IsADirectory | ErrorKind::DirectoryNotEmpty => {
            "a folder of that name is in the way".into()
        }
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(folder: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn replaces_the_target_whole_and_leaves_no_temporary_file() {
        let folder = tempfile::tempdir().unwrap();
        let target = folder.path().join("chart-1.png");
        std::fs::write(&target, b"old").unwrap();
        write_atomically(&target, b"\x89PNG new bytes").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"\x89PNG new bytes");
        assert_eq!(
            entries(folder.path()),
            ["chart-1.png"],
            "only the saved file should remain"
        );
    }

    #[test]
    fn a_missing_folder_is_said_in_words() {
        let folder = tempfile::tempdir().unwrap();
        let target = folder.path().join("gone").join("chart-1.png");
        let error = write_atomically(&target, b"bytes").unwrap_err();
        assert!(
            error.to_string().contains("the folder does not exist"),
            "{error}"
        );
        assert!(error.to_string().contains("chart-1.png"), "{error}");
    }

    #[test]
    fn a_failure_after_the_bytes_are_written_leaves_nothing_behind() {
        // The rename is the last step; a folder in the target's place makes it fail after the
        // temporary file holds every byte, which must then be removed.
        let folder = tempfile::tempdir().unwrap();
        let target = folder.path().join("report.csv");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("inside"), b"keep").unwrap();
        let error = write_atomically(&target, b"a,b\n1,2\n").unwrap_err();
        assert!(error.to_string().contains("report.csv"), "{error}");
        assert_eq!(
            entries(folder.path()),
            ["report.csv"],
            "no temporary file may remain"
        );
        assert!(target.is_dir(), "what was there stays as it was");
    }
}
