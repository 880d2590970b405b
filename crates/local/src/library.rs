//! The models folder: which GGUF files are there and what they hold, adding and removing them.
//!
//! Everything is read from the files' headers, so listing never loads a model.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::download::FreeSpace;
use crate::download::space::{self, SpaceBudget};
use crate::gguf::{self, GgufError};

/// The folder under the app's data folder that holds the models.
pub const MODELS_FOLDER: &str = "models";
/// Model files end in this.
pub const EXTENSION: &str = "gguf";

/// One model file in the models folder.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LocalModel {
    /// The id runs use: the file name without `.gguf`.
    pub id: String,
    /// The file's name.
    pub file_name: String,
    /// The file's full path.
    pub path: PathBuf,
    /// Size on disk in bytes.
    pub size_bytes: u64,
    /// The name the model's author gave it, if any.
    pub name: Option<String>,
    /// The model architecture, e.g. `llama`.
    pub architecture: Option<String>,
    /// Number of weights.
    pub parameter_count: Option<u64>,
    /// Quantization, e.g. `Q4_1` or `Q4_K_M`.
    pub quantization: Option<String>,
    /// The context length the model was trained for, in tokens.
    pub context_length: Option<u64>,
    /// Whether the file carries a chat template (without one the model cannot hold a conversation).
    pub has_chat_template: bool,
    /// Whether the model can call function tools here (never, for now: see
    /// `LocalProvider::supports_tools`).
    pub supports_tools: bool,
    /// Why the file cannot be used, when it cannot (damaged, truncated, not GGUF).
    pub problem: Option<String>,
}

/// Why a library operation failed.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// A file that is not a usable GGUF model.
    #[error("{path} cannot be used as a model: {source}")]
    NotAModel {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        source: GgufError,
    },
    /// A model of that file name is already in the folder.
    #[error("a model named {0} is already installed")]
    Exists(String),
    /// No model with that id.
    #[error("there is no model {0:?} in the models folder")]
    NotFound(String),
    /// A model id or file name that would leave the folder or is not a `.gguf` name.
    #[error("{0:?} is not a valid model file name (it must end in .gguf and name no folder)")]
    BadName(String),
    /// The file system refused.
    #[error("while {doing} {path}: {source}")]
    Io {
        /// What was being done.
        doing: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The download could not be completed.
    #[error("the download failed: {0}")]
    Download(String),
    /// The downloaded file has another size than expected.
    #[error("the downloaded file has {actual} bytes but {expected} were expected; it was deleted")]
    SizeMismatch {
        /// Bytes expected.
        expected: u64,
        /// Bytes received.
        actual: u64,
    },
    /// The downloaded file's SHA-256 is not the expected one.
    #[error(
        "the downloaded file's SHA-256 is {actual}, not the expected {expected}; it was deleted"
    )]
    ChecksumMismatch {
        /// The expected hex digest.
        expected: String,
        /// The digest of what arrived.
        actual: String,
    },
    /// The download was cancelled.
    #[error("the download was cancelled; {}", kept_text(*.kept))]
    Cancelled {
        /// Whether what arrived is kept for a resume.
        kept: bool,
    },
    /// The connection broke or the server failed during the download.
    #[error("the download was cut off ({reason}); {}", kept_text(*.kept))]
    Interrupted {
        /// What happened.
        reason: String,
        /// Whether what arrived is kept for a resume.
        kept: bool,
    },
    /// An address that is not an http(s) URL.
    #[error("{0}")]
    BadUrl(String),
    /// A plain http address on a host the person did not allow it for.
    #[error(
        "http://{0} is not encrypted, so the file could be changed on its way; use an https:// address, or allow plain http for {0}"
    )]
    InsecureUrl(String),
    /// The server announced more bytes than the disk has room for.
    #[error(
        "there is not enough free space in {}: the download needs {} more, and {} can be used (some room is always left for the rest of the system)",
        dir.display(), megabytes(*needed), megabytes(*available)
    )]
    NoSpace {
        /// The models folder.
        dir: PathBuf,
        /// Bytes still to download.
        needed: u64,
        /// Bytes that may be written.
        available: u64,
    },
    /// The disk filled up while bytes arrived.
    #[error(
        "the disk holding {} filled up during the download; the {} that had arrived were deleted to give the room back. Free some space and download again",
        dir.display(), megabytes(*written)
    )]
    DiskFull {
        /// The models folder.
        dir: PathBuf,
        /// Bytes written in this attempt.
        written: u64,
    },
    /// Another download is writing that file.
    #[error("{0} is already being downloaded")]
    Busy(String),
}

fn kept_text(kept: bool) -> &'static str {
    if kept {
        "what arrived is kept, and downloading it again from the same address resumes from there"
    } else {
        "nothing was kept (a download resumes only when something arrived and the server named the file's version)"
    }
}

/// Bytes as megabytes with one decimal, the way the window shows sizes.
fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

impl LibraryError {
    /// A stable code for the UI to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            LibraryError::NotAModel { .. } => "model_invalid",
            LibraryError::Exists(_) => "model_exists",
            LibraryError::NotFound(_) => "model_not_found",
            LibraryError::BadName(_) => "model_bad_name",
            LibraryError::Io { .. } => "model_io",
            LibraryError::Download(_) | LibraryError::Interrupted { .. } => "download_failed",
            LibraryError::BadUrl(_) => "download_bad_url",
            LibraryError::InsecureUrl(_) => "download_insecure",
            LibraryError::NoSpace { .. } | LibraryError::DiskFull { .. } => "download_no_space",
            LibraryError::Busy(_) => "download_busy",
            LibraryError::SizeMismatch { .. } | LibraryError::ChecksumMismatch { .. } => {
                "download_corrupt"
            }
            LibraryError::Cancelled { .. } => "download_cancelled",
        }
    }

    pub(crate) fn io(doing: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.to_owned();
        move |source| LibraryError::Io {
            doing,
            path,
            source,
        }
    }
}

/// The models folder inside the app's data folder.
pub fn models_dir(data_dir: &Path) -> PathBuf {
    data_dir.join(MODELS_FOLDER)
}

/// The id of the model in `path`: its file name without `.gguf`.
pub fn model_id(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.strip_suffix(".gguf")
        .map_or(name.clone(), str::to_owned)
}

/// Every model in `dir`, sorted by id; a folder that does not exist yet holds none. Files that are
/// not usable are listed with their `problem`, so the user can see and remove them.
pub fn list_models(dir: &Path) -> Result<Vec<LocalModel>, LibraryError> {
    let files = model_files(dir).map_err(LibraryError::io("reading the folder", dir))?;
    Ok(files.iter().map(|path| describe(path)).collect())
}

/// What the header of `path` says; a damaged file gets its `problem` set instead.
pub fn describe(path: &Path) -> LocalModel {
    let header = gguf::read_header(path);
    let size_bytes = std::fs::metadata(path).map_or(0, |m| m.len());
    let mut model = LocalModel {
        id: model_id(path),
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        path: path.to_owned(),
        size_bytes,
        name: None,
        architecture: None,
        parameter_count: None,
        quantization: None,
        context_length: None,
        has_chat_template: false,
        supports_tools: false,
        problem: None,
    };
    match header {
        Ok(header) => {
            model.quantization = header.quantization();
            model.name = header.name;
            model.architecture = header.architecture;
            model.parameter_count = Some(header.parameter_count);
            model.context_length = header.context_length;
            model.has_chat_template = header.has_chat_template;
        }
        Err(error) => model.problem = Some(error.to_string()),
    }
    model
}

/// Copies the GGUF file `source` into `dir` (created if needed) after checking it, and describes
/// it. The copy goes to a file of its own (`<name>.<random>.part`, never one a download uses),
/// which is deleted if the copy fails and gets the final name only if no model took it meanwhile.
pub fn add_model(dir: &Path, source: &Path) -> Result<LocalModel, LibraryError> {
    add_model_within(dir, source, FreeSpace::OfDisk)
}

/// [`add_model`] with a limit on the room the copy may take.
pub fn add_model_within(
    dir: &Path,
    source: &Path,
    free_space: FreeSpace,
) -> Result<LocalModel, LibraryError> {
    gguf::read_header(source).map_err(|e| LibraryError::NotAModel {
        path: source.to_owned(),
        source: e,
    })?;
    let name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = if name.ends_with(".gguf") {
        name
    } else {
        format!("{name}.gguf")
    };
    let target = file_in(dir, &name)?;
    if target.exists() {
        return Err(LibraryError::Exists(name));
    }
    std::fs::create_dir_all(dir).map_err(LibraryError::io("creating", dir))?;
    let size = std::fs::metadata(source)
        .map_err(LibraryError::io("reading", source))?
        .len();
    SpaceBudget::measure(dir, free_space).check(Some(size))?;
    let mut copy = tempfile::Builder::new()
        .prefix(&format!("{name}."))
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(LibraryError::io("creating a file in", dir))?;
    let mut from = std::fs::File::open(source).map_err(LibraryError::io("reading", source))?;
    std::io::copy(&mut from, copy.as_file_mut())
        .and_then(|_| copy.as_file().sync_all())
        .map_err(|error| {
            if space::is_disk_full(&error) {
                SpaceBudget::measure(dir, free_space).filled(size)
            } else {
                LibraryError::io("copying into", copy.path())(error)
            }
        })?;
    // Dropped on any error above, the copy is deleted.
    copy.persist_noclobber(&target).map_err(|error| {
        if error.error.kind() == std::io::ErrorKind::AlreadyExists {
            LibraryError::Exists(name.clone())
        } else {
            LibraryError::io("renaming", &target)(error.error)
        }
    })?;
    Ok(describe(&target))
}

/// Deletes the model `id` from `dir`.
pub fn remove_model(dir: &Path, id: &str) -> Result<(), LibraryError> {
    let path = path_of(dir, id)?;
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(LibraryError::NotFound(id.to_owned()))
        }
        Err(e) => Err(LibraryError::io("deleting", &path)(e)),
    }
}

/// The path of model `id` in `dir` (which may not exist).
pub fn path_of(dir: &Path, id: &str) -> Result<PathBuf, LibraryError> {
    let name = if id.ends_with(".gguf") {
        id.to_owned()
    } else {
        format!("{id}.gguf")
    };
    file_in(dir, &name)
}

/// `dir/name`, refusing names that would reach outside `dir`.
pub(crate) fn file_in(dir: &Path, name: &str) -> Result<PathBuf, LibraryError> {
    let plain = Path::new(name)
        .file_name()
        .is_some_and(|n| n == std::ffi::OsStr::new(name));
    if !plain || name.starts_with('.') || !name.ends_with(".gguf") || name.len() <= 5 {
        return Err(LibraryError::BadName(name.to_owned()));
    }
    Ok(dir.join(name))
}

/// The `.gguf` files in `dir`, sorted; none when the folder does not exist.
pub(crate) fn model_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|ext| ext == EXTENSION) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_leave_the_folder() {
        let dir = Path::new("/models");
        assert!(file_in(dir, "a.gguf").is_ok());
        for bad in [
            "../a.gguf",
            "x/a.gguf",
            ".gguf",
            ".hidden.gguf",
            "a.bin",
            "",
        ] {
            assert!(file_in(dir, bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(path_of(dir, "m").unwrap(), Path::new("/models/m.gguf"));
        assert_eq!(model_id(Path::new("/x/SmolLM.Q4_1.gguf")), "SmolLM.Q4_1");
    }

    #[test]
    fn a_missing_folder_holds_no_models() {
        let dir = tempfile::tempdir().unwrap();
        assert!(list_models(&dir.path().join("none")).unwrap().is_empty());
    }
}
