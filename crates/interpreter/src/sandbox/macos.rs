//! The macOS sandbox: `sandbox-exec` with the profile in `macos.sb`, and resource limits set
//! before exec. Written to the same rules as the Linux sandbox; not run by the test suite, which
//! runs on Linux.
//!
//! macOS has no mount namespaces: the code sees its data folder at its real path (the working
//! directory), not at `/mnt/data`, so relative paths work and absolute `/mnt/data/...` ones do not.

use std::process::Stdio;

use tokio::process::Command;

use super::SessionPaths;
use crate::{InterpreterConfig, InterpreterError, Limits};

/// The profile, written beside the kernel script when the interpreter starts.
pub(crate) const PROFILE: &str = include_str!("macos.sb");
const SANDBOX_EXEC: &str = "/usr/bin/sandbox-exec";

#[derive(Debug, Clone)]
pub(crate) enum Containment {
    Nproc,
}

#[derive(Debug)]
pub(crate) struct Cgroup;

impl Cgroup {
    pub(crate) async fn remove(self) {}
}

pub(crate) fn containment() -> Result<Containment, InterpreterError> {
    Ok(Containment::Nproc)
}

pub(crate) async fn probe(
    config: &InterpreterConfig,
    _containment: &Containment,
) -> Result<(), InterpreterError> {
    let status = Command::new(SANDBOX_EXEC)
        .args(["-p", "(version 1)(allow default)(deny network*)"])
        .arg(&config.python)
        .args(["-c", "pass"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .await;
    match status {
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => Err(start_failure(&String::from_utf8_lossy(&output.stderr))),
        Err(error) => Err(InterpreterError::SandboxUnavailable(format!(
            "The code interpreter runs code only inside macOS's sandbox, and {SANDBOX_EXEC} \
             could not be run ({error})."
        ))),
    }
}

pub(crate) fn start_failure(stderr: &str) -> InterpreterError {
    InterpreterError::SandboxUnavailable(format!(
        "The code interpreter runs code only inside macOS's sandbox, and it could not start: {}",
        stderr.trim()
    ))
}

pub(crate) fn command(
    config: &InterpreterConfig,
    paths: &SessionPaths,
    _containment: &Containment,
) -> Result<(Command, Option<Cgroup>), InterpreterError> {
    let profile = paths.kernel.with_file_name("macos.sb");
    let mut command = Command::new(SANDBOX_EXEC);
    command.arg("-f").arg(&profile);
    for (name, value) in [
        ("DATA", &paths.data),
        ("TMP", &paths.tmp),
        ("SITE_PACKAGES", &config.site_packages),
        ("KERNEL", &paths.kernel),
        ("PYTHON", &config.python),
    ] {
        command.arg("-D").arg(format!("{name}={}", value.display()));
    }
    command
        .arg(&config.python)
        .args(["-B", "-s"])
        .arg(&paths.kernel)
        .current_dir(&paths.data)
        .env_clear()
        .env("HOME", &paths.tmp)
        .env("TMPDIR", &paths.tmp)
        .env("PATH", "/usr/bin:/bin")
        .env("LANG", "en_US.UTF-8")
        .env("PYTHONPATH", &config.site_packages)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("MPLBACKEND", "Agg")
        .env("MPLCONFIGDIR", paths.tmp.join("matplotlib"))
        .env("OPENBLAS_NUM_THREADS", "2")
        .env("OMP_NUM_THREADS", "2")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    set_limits_before_exec(&mut command, &config.limits);
    Ok((command, None))
}

fn set_limits_before_exec(command: &mut Command, limits: &Limits) {
    let rlimits = [
        (
            libc::RLIMIT_FSIZE,
            limits.file_size_bytes,
            limits.file_size_bytes,
        ),
        (libc::RLIMIT_CORE, 0, 0),
        (libc::RLIMIT_NOFILE, 1024, 1024),
        (
            libc::RLIMIT_CPU,
            limits.cpu_time.as_secs().max(1),
            libc::RLIM_INFINITY,
        ),
        (libc::RLIMIT_DATA, limits.memory_bytes, limits.memory_bytes),
    ];
    #[allow(unsafe_code)]
    // SAFETY: only setrlimit, which is async-signal-safe, runs between fork and exec.
    unsafe {
        command.pre_exec(move || {
            for &(resource, soft, hard) in &rlimits {
                let limit = libc::rlimit {
                    rlim_cur: soft,
                    rlim_max: hard,
                };
                // A limit macOS refuses (RLIMIT_DATA on some versions) is not fatal; the profile is.
                libc::setrlimit(resource, &limit);
            }
            Ok(())
        });
    }
}

/// The sessions' folders go under the work folder.
pub(crate) fn sessions_root(
    work_dir: &std::path::Path,
    _containment: &Containment,
) -> Result<std::path::PathBuf, InterpreterError> {
    Ok(work_dir.to_path_buf())
}

/// The sandbox runs as Hearth's own user: its folders need no other owner.
pub(crate) fn give_to_sandbox(
    _path: &std::path::Path,
    _containment: &Containment,
) -> std::io::Result<()> {
    Ok(())
}
