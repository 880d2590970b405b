//! `runtime.json`: what a finished runtime folder holds. It is written last, so a folder without it
//! was never finished.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The manifest's file name in the runtime folder.
pub const MANIFEST_FILE: &str = "runtime.json";
/// The unpacked, byte-compiled packages' folder in the runtime folder.
pub const SITE_PACKAGES_DIR: &str = "site-packages";

/// The contents of `runtime.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The interpreter the packages were installed and byte-compiled for, symlinks resolved.
    pub python: PathBuf,
    /// Its `major.minor`.
    pub python_version: String,
    /// The SHA-256 of the lock file's bytes the packages came from.
    pub lock_sha256: String,
    /// Name and version of each package, as the lock pins them.
    pub packages: Vec<(String, String)>,
}

/// The manifest in `dir`, `Ok(None)` when there is none.
pub fn read_manifest(dir: &Path) -> Result<Option<Manifest>, String> {
    let path = dir.join(MANIFEST_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("{} cannot be read: {e}", path.display())),
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| format!("{} is not a runtime manifest: {e}", path.display()))
}

/// Writes the manifest into `dir` atomically: a temporary file, flushed to disk, then renamed.
pub fn write_manifest(dir: &Path, manifest: &Manifest) -> io::Result<()> {
    let temporary = dir.join(format!("{MANIFEST_FILE}.tmp"));
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(&serde_json::to_vec(manifest).map_err(io::Error::other)?)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&temporary, dir.join(MANIFEST_FILE))?;
    // The rename itself reaches the disk with the folder's entry.
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}
