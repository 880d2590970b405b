//! The provider's handle on one worker process (see [`crate::child`]): starting it, talking to it,
//! and telling how it ended.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::protocol::{self, Received, Request, Response};

/// How the provider starts its worker process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerCommand {
    program: Option<PathBuf>,
    args: Vec<OsString>,
}

impl WorkerCommand {
    /// This very program with [`crate::WORKER_ARG`]; its `main` must call
    /// [`crate::serve_if_asked`] before anything else. Packages then need no second binary.
    pub fn this_program() -> Self {
        Self {
            program: None,
            args: vec![crate::WORKER_ARG.into()],
        }
    }

    /// Another program, started without arguments, that serves as the worker (it calls
    /// [`crate::serve`]).
    pub fn program(path: impl Into<PathBuf>) -> Self {
        Self {
            program: Some(path.into()),
            args: Vec::new(),
        }
    }

    fn resolve(&self) -> std::io::Result<PathBuf> {
        match &self.program {
            Some(program) => Ok(program.clone()),
            // The running binary even if an update replaced the file since it started.
            None if cfg!(target_os = "linux") => Ok(PathBuf::from("/proc/self/exe")),
            None => std::env::current_exe(),
        }
    }
}

/// What waiting for the worker's next response gave.
#[derive(Debug)]
pub(crate) enum Next {
    Response(Response),
    /// Nothing yet.
    Waiting,
    /// The worker closed its output: it exited, crashed or was killed.
    Gone,
}

/// A running worker process.
#[derive(Debug)]
pub(crate) struct WorkerProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    responses: Receiver<Response>,
    /// The model file the worker has loaded, if any.
    pub loaded: Option<PathBuf>,
}

impl WorkerProcess {
    /// Starts the worker with an empty environment: it needs none, and the app's (which may hold
    /// keys or tokens in variables) has no business in a process that parses untrusted files.
    pub fn start(command: &WorkerCommand) -> std::io::Result<Self> {
        let program = command.resolve()?;
        let mut spawn = Command::new(&program);
        spawn
            .args(&command.args)
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // Windows programs cannot start without these.
        for name in ["SystemRoot", "TEMP", "TMP"] {
            if let Some(value) = cfg!(windows).then(|| std::env::var_os(name)).flatten() {
                spawn.env(name, value);
            }
        }
        // A failed llama.cpp assertion otherwise runs gdb on the worker to print a backtrace,
        // which takes seconds and says nothing a person could act on.
        spawn.env("GGML_NO_BACKTRACE", "1");
        let mut child = spawn.spawn()?;
        let stdout = child.stdout.take().expect("stdout was piped");
        let stderr = child.stderr.take().expect("stderr was piped");
        let (sender, responses) = mpsc::channel();
        let pid = child.id();
        std::thread::Builder::new()
            .name("hearth-local-out".into())
            .spawn(move || read_responses(BufReader::new(stdout), &sender, pid))?;
        std::thread::Builder::new()
            .name("hearth-local-log".into())
            .spawn(move || log_lines(BufReader::new(stderr), pid))?;
        log::info!(
            "started the local model worker (pid {pid}, {})",
            program.display()
        );
        Ok(Self {
            stdin: child.stdin.take(),
            child,
            responses,
            loaded: None,
        })
    }

    /// The worker's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Sends `request`; an error means the worker is gone.
    pub fn send(&mut self, request: &Request) -> std::io::Result<()> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::BrokenPipe))?;
        protocol::send(stdin, request)
    }

    /// The next response, waiting at most `timeout`.
    pub fn next(&self, timeout: Duration) -> Next {
        match self.responses.recv_timeout(timeout) {
            Ok(response) => Next::Response(response),
            Err(RecvTimeoutError::Timeout) => Next::Waiting,
            Err(RecvTimeoutError::Disconnected) => Next::Gone,
        }
    }

    /// How the worker ended, in words (for a worker whose output closed).
    pub fn ending(&mut self) -> String {
        // Its output closes as it dies; the exit status follows within moments.
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return describe(status),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                _ => {
                    self.kill();
                    return "it stopped answering".into();
                }
            }
        }
    }

    /// Ends the worker now.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Ends the worker politely: closing its input lets it exit; it is killed if it does not.
    pub fn stop(mut self) {
        self.stdin = None;
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        self.kill();
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        // Never leave a worker (and its loaded model) behind, nor a zombie.
        if let Ok(None) = self.child.try_wait() {
            self.kill();
        }
    }
}

fn read_responses(mut stdout: impl BufRead, responses: &mpsc::Sender<Response>, pid: u32) {
    let mut line = String::new();
    loop {
        match protocol::receive::<Response>(&mut stdout, &mut line) {
            Ok(Received::Message(response)) => {
                if responses.send(response).is_err() {
                    return;
                }
            }
            // llama.cpp or ggml printing to stdout; not part of the conversation.
            Ok(Received::Stray(text)) => log::info!("local model worker {pid}: {text}"),
            Ok(Received::Closed) | Err(_) => return,
        }
    }
}

fn log_lines(stderr: impl BufRead, pid: u32) {
    for line in stderr.lines() {
        match line {
            Ok(line) => log::info!("local model worker {pid}: {line}"),
            Err(_) => return,
        }
    }
}

#[cfg(unix)]
fn describe(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (_, Some(signal)) => format!("it was ended by signal {signal} ({})", signal_name(signal)),
        (Some(code), _) => format!("it exited with code {code}"),
        _ => format!("it ended ({status})"),
    }
}

#[cfg(not(unix))]
fn describe(status: std::process::ExitStatus) -> String {
    format!("it ended ({status})")
}

#[cfg(unix)]
fn signal_name(signal: i32) -> &'static str {
    match signal {
        4 => "illegal instruction",
        6 => "aborted",
        8 => "arithmetic error",
        9 => "killed",
        11 => "memory access violation",
        15 => "terminated",
        _ => "a signal",
    }
}
