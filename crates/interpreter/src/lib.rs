//! Hearth's code interpreter: a Python session per thread, run inside an OS sandbox.
//!
//! The engine hands [`Interpreter::execute`] the code the model wrote, the files the session's
//! `/mnt/data` must hold and a cancel token; it gets back the call's logs, the figures the code drew
//! (PNG bytes) and the files it created or changed under `/mnt/data`. Python state persists between
//! calls with the same session key (the thread's id) until the session sits idle too long, its call
//! runs out of time, or it is cancelled; the next call then starts a fresh session with the files back
//! in place.

mod files;
mod logs;
mod registry;
mod sandbox;
mod session;
mod setup;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

/// Where the interpreter finds Python and keeps its sessions, and the limits each call runs under.
#[derive(Debug, Clone)]
pub struct InterpreterConfig {
    /// The system Python the runtime was installed for (for example `/usr/bin/python3.11`).
    pub python: PathBuf,
    /// The runtime's installed packages (numpy, pandas, matplotlib, ...), mounted read-only.
    pub site_packages: PathBuf,
    /// A folder of Hearth's own where each session's `/mnt/data` lives while the session does.
    pub work_dir: PathBuf,
    /// How long a session may sit unused before it ends (default 10 minutes).
    pub idle_timeout: Duration,
    pub limits: Limits,
    /// The bubblewrap program (Linux); by default the `bwrap` found on `PATH`.
    pub bwrap: PathBuf,
    /// Keep one sandboxed Python started and its libraries imported, ready for the next new
    /// session, so a new thread's first call does not wait for the start (default true).
    pub spare_session: bool,
}

impl InterpreterConfig {
    /// A configuration with the default limits, idle time and bubblewrap.
    pub fn new(python: PathBuf, site_packages: PathBuf, work_dir: PathBuf) -> Self {
        Self {
            python,
            site_packages,
            work_dir,
            idle_timeout: Duration::from_secs(10 * 60),
            limits: Limits::default(),
            bwrap: Self::default_bwrap(),
            spare_session: true,
        }
    }

    /// The `bwrap` on `PATH`, or `/usr/bin/bwrap` when none is (the check then says it is missing).
    pub fn default_bwrap() -> PathBuf {
        std::env::var_os("PATH")
            .iter()
            .flat_map(std::env::split_paths)
            .map(|folder| folder.join("bwrap"))
            .find(|candidate| candidate.is_file())
            .unwrap_or_else(|| PathBuf::from("/usr/bin/bwrap"))
    }
}

/// What one call, and the session it runs in, may use.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Wall time per call (default 120 s); past it the session's whole process tree is killed.
    pub wall_time: Duration,
    /// CPU time per call.
    pub cpu_time: Duration,
    /// Memory of the session (default 2 GiB).
    pub memory_bytes: u64,
    /// Processes the session may have at once.
    pub processes: u32,
    /// The largest file the code may write.
    pub file_size_bytes: u64,
    /// The most stdout and stderr kept per call; the rest is cut with a note saying so.
    pub output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            wall_time: Duration::from_secs(120),
            cpu_time: Duration::from_secs(120),
            memory_bytes: 2 << 30,
            processes: 64,
            file_size_bytes: 1 << 30,
            output_bytes: 64 << 10,
        }
    }
}

/// A file the session's `/mnt/data` must hold.
#[derive(Debug, Clone, PartialEq)]
pub struct InputFile {
    /// Its name under `/mnt/data`, as the model is told.
    pub name: String,
    /// The file on the host to place there.
    pub path: PathBuf,
}

/// One call: which session, with which files, running which code.
#[derive(Debug, Clone, Copy)]
pub struct ExecuteRequest<'a> {
    /// The session's key: the thread's id.
    pub session: &'a str,
    /// Every file the session should hold; those already in place are left alone.
    pub files: &'a [InputFile],
    pub code: &'a str,
}

/// What a call did.
#[derive(Debug, Clone, PartialEq)]
pub struct Execution {
    /// stdout and stderr as the code wrote them (a traceback included), cut past the limit with a
    /// note saying so; also says when the call timed out or the session was restarted.
    pub logs: String,
    /// The figures the code showed or left open, as PNG bytes, in the order drawn.
    pub images: Vec<Vec<u8>>,
    /// Files under `/mnt/data` the call created or changed.
    pub files: Vec<OutputFile>,
    pub outcome: Outcome,
}

/// How a call ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The code ran to its end.
    Completed,
    /// The code raised; the traceback is in the logs and the session lives on.
    Raised,
    /// The call ran past its wall or CPU time; the session was ended.
    TimedOut,
    /// The call was cancelled; the session was ended.
    Cancelled,
    /// The session's process died (out of memory, killed); it was ended. Says why, in words.
    Died(String),
}

/// A file the call created or changed under `/mnt/data`.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputFile {
    /// Its path relative to `/mnt/data`.
    pub name: String,
    /// Where to read it on the host (valid until the session's next call or its end).
    pub path: PathBuf,
}

/// Why code cannot run at all.
#[derive(Debug, thiserror::Error)]
pub enum InterpreterError {
    /// The sandbox cannot start here; says what is wrong and how to fix it.
    #[error("{0}")]
    SandboxUnavailable(String),
    /// The Python runtime is missing or broken; says how to set it up.
    #[error("{0}")]
    RuntimeUnavailable(String),
    /// This system has no sandbox Hearth can use yet (Windows).
    #[error("{0}")]
    Unsupported(String),
    #[error("the code interpreter could not {doing}: {source}")]
    Io {
        doing: String,
        #[source]
        source: std::io::Error,
    },
}

/// The code interpreter: its sessions, one per key. Clones share the sessions.
#[derive(Debug, Clone)]
pub struct Interpreter {
    inner: Arc<registry::Registry>,
}

impl Interpreter {
    /// An interpreter with no session yet; nothing starts until the first check or call.
    pub fn new(config: InterpreterConfig) -> Self {
        Self {
            inner: Arc::new(registry::Registry::new(config)),
        }
    }

    pub fn config(&self) -> &InterpreterConfig {
        self.inner.config()
    }

    /// Whether code can run here; the error says what is wrong and how to fix it.
    pub async fn check(&self) -> Result<(), InterpreterError> {
        self.inner.setup().await.map(|_| ())
    }

    /// Runs one call in its session, starting the session if it has none.
    pub async fn execute(
        &self,
        request: ExecuteRequest<'_>,
        cancel: &CancellationToken,
    ) -> Result<Execution, InterpreterError> {
        registry::Registry::execute(&self.inner, request, cancel).await
    }

    /// Ends a session now (its thread was deleted); nothing if it has none.
    pub async fn end(&self, session: &str) {
        self.inner.end(session).await;
    }

    /// Ends every session (the app or server is closing).
    pub async fn shutdown(&self) {
        self.inner.shutdown().await;
    }
}
