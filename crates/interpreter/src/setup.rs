//! What the sessions of one Hearth process share: a folder under the work folder holding the
//! kernel script and the sandbox's `/etc` files, the sandbox's containment, and the matplotlib
//! font cache carried from one session to the next.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::files::remove_all;
use crate::sandbox::{self, Containment, SessionPaths};
use crate::{InterpreterConfig, InterpreterError};

const KERNEL: &str = include_str!("kernel.py");
const RUN_PREFIX: &str = "run-";
const LOCK: &str = "lock";

#[derive(Debug)]
pub(crate) struct Setup {
    run: PathBuf,
    /// Held locked while this process lives: a run folder whose lock can be taken is a leftover.
    _lock: File,
    kernel: PathBuf,
    passwd: PathBuf,
    group: PathBuf,
    nsswitch: PathBuf,
    font_cache: PathBuf,
    next_session: AtomicU64,
    pub(crate) containment: Containment,
}

impl Setup {
    /// Checks the runtime and the sandbox, removes what a crashed process left, and writes the
    /// shared files.
    pub(crate) async fn new(config: &InterpreterConfig) -> Result<Setup, InterpreterError> {
        check_runtime(config)?;
        let containment = sandbox::containment()?;
        sandbox::probe(config, &containment).await?;
        let io = |doing: String| move |source| InterpreterError::Io { doing, source };
        std::fs::create_dir_all(&config.work_dir)
            .map_err(io(format!("create {}", config.work_dir.display())))?;
        let root = sandbox::sessions_root(&config.work_dir, &containment)?;
        remove_leftovers(&root);
        let run = root.join(format!(
            "{RUN_PREFIX}{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos()
        ));
        std::fs::create_dir(&run).map_err(io(format!("create {}", run.display())))?;
        let lock = File::create(run.join(LOCK))
            .and_then(|file| {
                file.try_lock()
                    .map(|()| file)
                    .map_err(std::io::Error::other)
            })
            .map_err(io(format!("lock {}", run.display())))?;
        let write = |name: &str, text: &str| {
            let path = run.join(name);
            std::fs::write(&path, text)
                .map(|()| path.clone())
                .map_err(io(format!("write {}", path.display())))
        };
        let setup = Setup {
            kernel: write("kernel.py", KERNEL)?,
            passwd: write("passwd", "sandbox:x:1000:1000:sandbox:/tmp:/bin/sh\n")?,
            group: write("group", "sandbox:x:1000:\n")?,
            nsswitch: write("nsswitch.conf", "passwd: files\ngroup: files\n")?,
            font_cache: root.join("matplotlib-cache"),
            run,
            _lock: lock,
            next_session: AtomicU64::new(0),
            containment,
        };
        #[cfg(target_os = "macos")]
        write("macos.sb", sandbox::MACOS_PROFILE)?;
        Ok(setup)
    }

    /// A fresh folder for a new session, with the font cache seeded so matplotlib does not
    /// rebuild it at every start.
    pub(crate) fn new_session_paths(&self) -> Result<SessionPaths, InterpreterError> {
        let number = self.next_session.fetch_add(1, Ordering::Relaxed);
        let dir = self.run.join(format!("session-{number}"));
        let paths = SessionPaths {
            data: dir.join("data"),
            tmp: dir.join("tmp"),
            dir,
            kernel: self.kernel.clone(),
            passwd: self.passwd.clone(),
            group: self.group.clone(),
            nsswitch: self.nsswitch.clone(),
        };
        let matplotlib = paths.tmp.join("matplotlib");
        for folder in [&paths.data, &matplotlib] {
            std::fs::create_dir_all(folder).map_err(|source| InterpreterError::Io {
                doing: format!("create {}", folder.display()),
                source,
            })?;
        }
        copy_files(&self.font_cache, &matplotlib);
        for folder in [&paths.data, &paths.tmp] {
            sandbox::give_to_sandbox(folder, &self.containment).map_err(|source| {
                InterpreterError::Io {
                    doing: format!("give {} to the sandbox's user", folder.display()),
                    source,
                }
            })?;
        }
        Ok(paths)
    }

    /// Keeps the font list matplotlib built in a session, for the sessions after it.
    pub(crate) fn keep_font_cache(&self, paths: &SessionPaths) {
        let built = paths.tmp.join("matplotlib");
        let has_font_list = |folder: &Path| {
            std::fs::read_dir(folder).is_ok_and(|entries| {
                entries
                    .flatten()
                    .any(|e| e.file_name().to_string_lossy().starts_with("fontlist"))
            })
        };
        if has_font_list(&self.font_cache) || !has_font_list(&built) {
            return;
        }
        if std::fs::create_dir_all(&self.font_cache).is_ok() {
            copy_files(&built, &self.font_cache);
        }
    }
}

impl Drop for Setup {
    fn drop(&mut self) {
        remove_all(&self.run);
    }
}

fn check_runtime(config: &InterpreterConfig) -> Result<(), InterpreterError> {
    if !config.python.is_file() {
        return Err(InterpreterError::RuntimeUnavailable(format!(
            "The code interpreter's Python ({}) was not found; set up the Python runtime \
             (Settings, Code interpreter).",
            config.python.display()
        )));
    }
    if !config.site_packages.is_dir() {
        return Err(InterpreterError::RuntimeUnavailable(format!(
            "The code interpreter's packages ({}) were not found; set up the Python runtime \
             (Settings, Code interpreter).",
            config.site_packages.display()
        )));
    }
    Ok(())
}

/// Removes the run folders of Hearth processes that are gone (crashed or killed).
fn remove_leftovers(work_dir: &Path) {
    let Ok(entries) = std::fs::read_dir(work_dir) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(RUN_PREFIX) {
            continue;
        }
        let alive =
            File::open(entry.path().join(LOCK)).is_ok_and(|lock| lock.try_lock_shared().is_err());
        if !alive {
            log::info!(
                "removing the code interpreter's leftover folder {}",
                entry.path().display()
            );
            remove_all(&entry.path());
        }
    }
}

fn copy_files(from: &Path, to: &Path) {
    let Ok(entries) = std::fs::read_dir(from) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|kind| kind.is_file()) {
            let _ = std::fs::copy(entry.path(), to.join(entry.file_name()));
        }
    }
}
