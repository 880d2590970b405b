//! One session: a sandboxed Python process running the kernel script, and the calls made to it.

use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, ChildStdin};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::files::remove_all;
use crate::logs::{Logs, TokenScanner};
use crate::sandbox::{self, Cgroup, Containment, SessionPaths};
use crate::setup::Setup;
use crate::{InterpreterConfig, InterpreterError, Limits, Outcome};

/// The largest frame the kernel may send (a figure's PNG); past it the session is broken.
const LARGEST_FRAME: u32 = 256 << 20;

/// What the kernel says on its protocol pipe.
#[derive(Debug)]
enum Message {
    Ready,
    Done { raised: bool, images: Vec<Vec<u8>> },
}

#[derive(Debug, Deserialize)]
struct Header {
    #[serde(default)]
    ready: bool,
    #[serde(default)]
    status: String,
    #[serde(default)]
    images: usize,
}

/// A running session.
#[derive(Debug)]
pub(crate) struct Session {
    child: Child,
    requests: ChildStdin,
    messages: mpsc::Receiver<Message>,
    output: mpsc::Receiver<Vec<u8>>,
    cgroup: Option<Cgroup>,
    pub(crate) paths: SessionPaths,
    /// How long the sandbox took to start and import the preloaded libraries.
    pub(crate) started_in: Duration,
}

/// What a call gave back, before the files are looked at.
#[derive(Debug)]
pub(crate) struct CallResult {
    pub logs: String,
    pub images: Vec<Vec<u8>>,
    pub outcome: Outcome,
}

impl Session {
    /// Starts a sandboxed kernel in a fresh folder and waits until it is ready for calls.
    pub(crate) async fn start(
        config: &InterpreterConfig,
        setup: &Setup,
        containment: &Containment,
    ) -> Result<Session, InterpreterError> {
        let begun = Instant::now();
        let paths = setup.new_session_paths()?;
        let (mut command, cgroup) = match sandbox::command(config, &paths, containment) {
            Ok(made) => made,
            Err(error) => {
                remove_all(&paths.dir);
                return Err(error);
            }
        };
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(source) => {
                remove_all(&paths.dir);
                if let Some(group) = cgroup {
                    group.remove().await;
                }
                return Err(InterpreterError::SandboxUnavailable(format!(
                    "The code interpreter runs code only inside its sandbox, and {} could not be \
                     started ({source}). Install bubblewrap: `sudo apt install bubblewrap` on \
                     Debian and Ubuntu.",
                    config.bwrap.display()
                )));
            }
        };
        let requests = child.stdin.take().expect("stdin is piped");
        let messages = read_messages(child.stdout.take().expect("stdout is piped"));
        let output = read_output(child.stderr.take().expect("stderr is piped"));
        let mut session = Session {
            child,
            requests,
            messages,
            output,
            cgroup,
            paths,
            started_in: Duration::ZERO,
        };
        let ready = tokio::time::timeout(start_timeout(&config.limits), session.messages.recv());
        match ready.await {
            Ok(Some(Message::Ready)) => {
                session.started_in = begun.elapsed();
                setup.keep_font_cache(&session.paths);
                Ok(session)
            }
            Ok(_) => Err(session.failed_to_start().await),
            Err(_) => {
                session.end().await;
                Err(InterpreterError::RuntimeUnavailable(format!(
                    "Python did not start in the sandbox within {} s; the runtime may be broken \
                     (set it up again in Settings).",
                    start_timeout(&config.limits).as_secs()
                )))
            }
        }
    }

    /// Why a kernel that ended before saying it was ready did so: bubblewrap's complaint means
    /// no sandbox; anything else is Python's.
    async fn failed_to_start(mut self) -> InterpreterError {
        let mut stderr = Vec::new();
        while let Ok(Some(chunk)) =
            tokio::time::timeout(Duration::from_secs(2), self.output.recv()).await
        {
            stderr.extend(chunk);
        }
        let stderr = String::from_utf8_lossy(&stderr).trim().to_string();
        self.end().await;
        if stderr.starts_with("bwrap:") {
            sandbox::start_failure(&stderr)
        } else {
            InterpreterError::RuntimeUnavailable(format!(
                "Python could not start in the sandbox; the runtime may be broken (set it up \
                 again in Settings): {stderr}"
            ))
        }
    }

    /// Whether the process is still there (a spare may have died while it waited).
    pub(crate) fn is_alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Runs one call. On a timeout, a cancel or the process dying the session is ended here, and
    /// the outcome says so; the caller must then drop it.
    pub(crate) async fn call(
        &mut self,
        code: &str,
        limits: &Limits,
        cancel: &CancellationToken,
        ended: &CancellationToken,
    ) -> CallResult {
        let token = new_token();
        let mut logs = Logs::new(limits.output_bytes);
        let mut scanner = TokenScanner::new(&token);
        let request = serde_json::json!({
            "code": code,
            "token": token,
            "cpu_seconds": limits.cpu_time.as_secs().max(1),
        });
        let deadline = tokio::time::sleep(limits.wall_time);
        tokio::pin!(deadline);

        let mut answer: Option<(bool, Vec<Vec<u8>>)> = None;
        let mut logs_complete = false;
        let mut kernel_gone = false;
        let request = request.to_string();
        let sent = write_frame(&mut self.requests, request.as_bytes());
        let broken = tokio::select! {
            sent = sent => sent.is_err(),
            () = &mut deadline => return self.stop(logs, Stop::WallTime(limits.wall_time)).await,
            () = either(cancel, ended) => return self.stop(logs, Stop::Cancelled).await,
        };
        kernel_gone |= broken;
        while !(kernel_gone || answer.is_some() && logs_complete) {
            tokio::select! {
                chunk = self.output.recv(), if !logs_complete => match chunk {
                    Some(chunk) => logs_complete = scanner.feed(&chunk, &mut logs),
                    None => kernel_gone = true,
                },
                message = self.messages.recv(), if answer.is_none() => match message {
                    Some(Message::Done { raised, images }) => answer = Some((raised, images)),
                    Some(Message::Ready) => {}
                    None => kernel_gone = true,
                },
                () = &mut deadline => {
                    scanner.flush(&mut logs);
                    return self.stop(logs, Stop::WallTime(limits.wall_time)).await;
                }
                () = either(cancel, ended) => {
                    scanner.flush(&mut logs);
                    return self.stop(logs, Stop::Cancelled).await;
                }
            }
        }
        if kernel_gone {
            scanner.flush(&mut logs);
            return self.stop(logs, Stop::Died).await;
        }
        let (raised, images) = answer.unwrap_or_default();
        CallResult {
            logs: logs.finish(None),
            images,
            outcome: if raised {
                Outcome::Raised
            } else {
                Outcome::Completed
            },
        }
    }

    /// Ends the session after a call that cannot go on, and says why in the logs.
    async fn stop(&mut self, mut logs: Logs, why: Stop) -> CallResult {
        let mut status = None;
        if matches!(why, Stop::Died) {
            // What the process wrote last (a fatal error) is worth having.
            while let Ok(Some(chunk)) =
                tokio::time::timeout(Duration::from_millis(200), self.output.recv()).await
            {
                logs.push(&chunk);
            }
            if let Ok(Ok(exit)) =
                tokio::time::timeout(Duration::from_secs(1), self.child.wait()).await
            {
                status = Some(describe_exit(&exit));
            }
        }
        self.kill().await;
        let lost = "The session was restarted: its variables and imports are lost, and the next \
                    call starts a fresh one with the thread's files back in /mnt/data.";
        let (note, outcome) = match why {
            Stop::WallTime(limit) => (
                format!(
                    "[The call ran past its time limit of {} s and was stopped. {lost}]",
                    limit.as_secs_f32()
                ),
                Outcome::TimedOut,
            ),
            Stop::Cancelled => (
                format!("[The call was cancelled and stopped. {lost}]"),
                Outcome::Cancelled,
            ),
            Stop::Died if status.as_deref() == Some(CPU_LIMIT) => (
                format!("[The call ran past its CPU time limit and was stopped. {lost}]"),
                Outcome::TimedOut,
            ),
            Stop::Died => {
                let why = status.unwrap_or_else(|| "it stopped answering".into());
                (
                    format!("[The Python process died ({why}). {lost}]"),
                    Outcome::Died(why),
                )
            }
        };
        CallResult {
            logs: logs.finish(Some(&note)),
            images: Vec::new(),
            outcome,
        }
    }

    /// Kills the whole process tree: bubblewrap's --die-with-parent and the pid namespace take
    /// everything inside with it; the control group, where there is one, is emptied as well.
    async fn kill(&mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
        if let Some(group) = self.cgroup.take() {
            group.remove().await;
        }
    }

    /// Ends the session: its processes and its folder.
    pub(crate) async fn end(mut self) {
        self.kill().await;
        remove_all(&self.paths.dir);
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // kill_on_drop takes the sandbox down; the folder goes with it.
        remove_all(&self.paths.dir);
    }
}

async fn either(first: &CancellationToken, second: &CancellationToken) {
    tokio::select! {
        () = first.cancelled() => {}
        () = second.cancelled() => {}
    }
}

#[derive(Debug)]
enum Stop {
    WallTime(Duration),
    Cancelled,
    Died,
}

const CPU_LIMIT: &str = "killed by SIGXCPU";

fn describe_exit(status: &std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        // bubblewrap reports a child killed by a signal as 128 + the signal.
        let signal = status.signal().or_else(|| {
            status
                .code()
                .filter(|code| *code > 128)
                .map(|code| code - 128)
        });
        if let Some(signal) = signal {
            return match signal {
                libc::SIGXCPU => CPU_LIMIT.into(),
                libc::SIGKILL => "killed by SIGKILL, perhaps for lack of memory".into(),
                libc::SIGSEGV => "crashed with a segmentation fault".into(),
                libc::SIGXFSZ => "killed by SIGXFSZ: a file grew past the size limit".into(),
                other => format!("killed by signal {other}"),
            };
        }
    }
    match status.code() {
        Some(code) => format!("exited with code {code}"),
        None => "ended".into(),
    }
}

fn start_timeout(limits: &Limits) -> Duration {
    limits.wall_time.max(Duration::from_secs(60))
}

fn new_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    let second = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    format!("\u{1}hearth-end-{:016x}{second:016x}\u{1}", hasher.finish())
}

async fn write_frame(pipe: &mut ChildStdin, bytes: &[u8]) -> std::io::Result<()> {
    let length = u32::try_from(bytes.len())
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, "code too long"))?;
    pipe.write_all(&length.to_be_bytes()).await?;
    pipe.write_all(bytes).await?;
    pipe.flush().await
}

async fn read_frame(pipe: &mut (impl AsyncRead + Unpin)) -> std::io::Result<Vec<u8>> {
    let length = pipe.read_u32().await?;
    if length > LARGEST_FRAME {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "a frame past the largest size",
        ));
    }
    let mut bytes = vec![0; length as usize];
    pipe.read_exact(&mut bytes).await?;
    Ok(bytes)
}

/// Reads the kernel's messages in their own task, so a call can wait on them and on its deadline
/// at once without losing half a frame. A pipe that breaks or carries garbage ends the channel.
fn read_messages(mut pipe: impl AsyncRead + Unpin + Send + 'static) -> mpsc::Receiver<Message> {
    let (sender, receiver) = mpsc::channel(4);
    tokio::spawn(async move {
        while let Ok(frame) = read_frame(&mut pipe).await {
            let Ok(header) = serde_json::from_slice::<Header>(&frame) else {
                return;
            };
            let message = if header.ready {
                Message::Ready
            } else {
                let mut images = Vec::with_capacity(header.images.min(64));
                for _ in 0..header.images {
                    match read_frame(&mut pipe).await {
                        Ok(image) => images.push(image),
                        Err(_) => return,
                    }
                }
                Message::Done {
                    raised: header.status == "raised",
                    images,
                }
            };
            if sender.send(message).await.is_err() {
                return;
            }
        }
    });
    receiver
}

/// Reads the code's stdout and stderr (one pipe) in chunks; the bounded channel makes a code
/// that prints without end wait for the call to take its output.
fn read_output(mut pipe: impl AsyncRead + Unpin + Send + 'static) -> mpsc::Receiver<Vec<u8>> {
    let (sender, receiver) = mpsc::channel(16);
    tokio::spawn(async move {
        let mut buffer = vec![0; 64 << 10];
        loop {
            match pipe.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(read) => {
                    if sender.send(buffer[..read].to_vec()).await.is_err() {
                        return;
                    }
                }
            }
        }
    });
    receiver
}
