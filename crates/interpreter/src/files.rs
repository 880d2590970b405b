//! The session's data folder (`/mnt/data` inside): placing the request's files, and finding what a
//! call created or changed.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::sandbox::{Containment, give_to_sandbox};
use crate::{InputFile, InterpreterError, OutputFile};

/// The most files a snapshot looks at; a call that makes more is only reported for these.
const MOST_FILES: usize = 10_000;

/// Copies the request's files that the folder does not hold yet. They are copied, never linked:
/// the code may change them, and a link would change the original.
pub(crate) fn place_inputs(
    data: &Path,
    files: &[InputFile],
    containment: &Containment,
) -> Result<(), InterpreterError> {
    for file in files {
        check_name(&file.name)?;
        let target = data.join(&file.name);
        if target.symlink_metadata().is_ok() {
            continue;
        }
        std::fs::copy(&file.path, &target)
            .and_then(|_| give_to_sandbox(&target, containment))
            .map_err(|source| InterpreterError::Io {
                doing: format!(
                    "place {} in /mnt/data as {:?}",
                    file.path.display(),
                    file.name
                ),
                source,
            })?;
    }
    Ok(())
}

/// A name under `/mnt/data` must be a plain file name: no folders, no way out of the folder.
fn check_name(name: &str) -> Result<(), InterpreterError> {
    let plain =
        !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\\', '\0']);
    if plain {
        return Ok(());
    }
    Err(InterpreterError::Io {
        doing: format!("place a file in /mnt/data as {name:?}"),
        source: io::Error::new(
            io::ErrorKind::InvalidInput,
            "a file's name under /mnt/data must be a plain file name (no '/', not '.' or '..')",
        ),
    })
}

/// What identifies a file's content cheaply: a change of any of these is a change of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

/// The regular files under the data folder, by path relative to it.
#[derive(Debug, Default)]
pub(crate) struct Snapshot(BTreeMap<String, Stamp>);

impl Snapshot {
    pub(crate) fn take(data: &Path) -> Snapshot {
        let mut files = BTreeMap::new();
        let mut folders = vec![(data.to_path_buf(), String::new())];
        while let Some((folder, prefix)) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&folder) else {
                continue;
            };
            for entry in entries.flatten() {
                if files.len() >= MOST_FILES {
                    return Snapshot(files);
                }
                let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
                // symlink_metadata: a link the code made to somewhere else is not followed.
                let Ok(meta) = entry.path().symlink_metadata() else {
                    continue;
                };
                if meta.is_dir() {
                    folders.push((entry.path(), format!("{name}/")));
                } else if meta.is_file() {
                    files.insert(name, stamp(&meta));
                }
            }
        }
        Snapshot(files)
    }

    /// The files in `after` that are new or differ from this snapshot.
    pub(crate) fn changed(&self, after: &Snapshot, data: &Path) -> Vec<OutputFile> {
        after
            .0
            .iter()
            .filter(|(name, stamp)| self.0.get(*name) != Some(stamp))
            .map(|(name, _)| OutputFile {
                name: name.clone(),
                path: data.join(name),
            })
            .collect()
    }
}

#[cfg(unix)]
fn stamp(meta: &std::fs::Metadata) -> Stamp {
    use std::os::unix::fs::MetadataExt;
    let modified = SystemTime::UNIX_EPOCH
        .checked_add(std::time::Duration::new(
            meta.mtime().max(0) as u64,
            meta.mtime_nsec().clamp(0, 999_999_999) as u32,
        ))
        .or_else(|| meta.modified().ok());
    Stamp {
        len: meta.len(),
        modified,
        inode: meta.ino(),
    }
}

#[cfg(not(unix))]
fn stamp(meta: &std::fs::Metadata) -> Stamp {
    Stamp {
        len: meta.len(),
        modified: meta.modified().ok(),
        inode: 0,
    }
}

/// Removes a folder and everything in it, even files the sandbox made read-only.
pub(crate) fn remove_all(path: &Path) {
    if let Err(error) = std::fs::remove_dir_all(path)
        && error.kind() != io::ErrorKind::NotFound
    {
        make_writable(path);
        if let Err(error) = std::fs::remove_dir_all(path) {
            log::warn!(
                "could not remove the interpreter folder {}: {error}",
                path.display()
            );
        }
    }
}

fn make_writable(path: &Path) {
    let mut stack: Vec<PathBuf> = vec![path.to_path_buf()];
    while let Some(folder) = stack.pop() {
        set_writable(&folder);
        if let Ok(entries) = std::fs::read_dir(&folder) {
            for entry in entries.flatten() {
                if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                    stack.push(entry.path());
                }
            }
        }
    }
}

#[cfg(unix)]
fn set_writable(folder: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700));
}

#[cfg(not(unix))]
fn set_writable(folder: &Path) {
    if let Ok(meta) = folder.metadata() {
        let mut permissions = meta.permissions();
        #[allow(clippy::permissions_set_readonly_false)] // the folder is ours and being removed
        permissions.set_readonly(false);
        let _ = std::fs::set_permissions(folder, permissions);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_leave_the_folder_are_refused() {
        for name in ["", ".", "..", "../x", "a/b", "/etc/passwd"] {
            assert!(check_name(name).is_err(), "{name:?} should be refused");
        }
        assert!(check_name("sales data.csv").is_ok());
    }

    #[test]
    fn changed_lists_new_and_modified_files_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("same.txt"), "a").unwrap();
        std::fs::write(dir.path().join("edited.txt"), "a").unwrap();
        let before = Snapshot::take(dir.path());
        std::fs::write(dir.path().join("edited.txt"), "ab").unwrap();
        std::fs::create_dir(dir.path().join("out")).unwrap();
        std::fs::write(dir.path().join("out/new.csv"), "x").unwrap();
        let after = Snapshot::take(dir.path());
        let mut names: Vec<String> = before
            .changed(&after, dir.path())
            .into_iter()
            .map(|f| f.name)
            .collect();
        names.sort();
        assert_eq!(names, ["edited.txt", "out/new.csv"]);
    }
}
