//! The OS sandbox a session's Python runs in: bubblewrap on Linux, `sandbox-exec` on macOS,
//! nothing yet on Windows (the interpreter says so instead of running code unsandboxed).

use std::path::PathBuf;

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
pub(crate) use linux::{
    Cgroup, Containment, command, containment, explain_failure as start_failure, give_to_sandbox,
    probe, sessions_root,
};

#[cfg(target_os = "macos")]
mod macos;
#[cfg(target_os = "macos")]
pub(crate) use macos::{
    Cgroup, Containment, PROFILE as MACOS_PROFILE, command, containment, give_to_sandbox, probe,
    sessions_root, start_failure,
};

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
mod unsupported;
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
pub(crate) use unsupported::{
    Cgroup, Containment, command, containment, give_to_sandbox, probe, sessions_root, start_failure,
};

/// Where the runtime's packages appear inside the sandbox (on `sys.path` through `PYTHONPATH`).
pub(crate) const SANDBOX_SITE_PACKAGES: &str = "/opt/hearth/site-packages";
/// Where the kernel script appears inside the sandbox.
pub(crate) const SANDBOX_KERNEL: &str = "/opt/hearth/kernel.py";

/// The host paths one session's sandbox is made of.
#[derive(Debug, Clone)]
pub(crate) struct SessionPaths {
    /// The session's own folder, holding `data` and `tmp`; removed when the session ends.
    pub dir: PathBuf,
    /// Mounted read-write at `/mnt/data`.
    pub data: PathBuf,
    /// Mounted read-write at `/tmp`.
    pub tmp: PathBuf,
    /// The kernel script, shared by the sessions of this process.
    pub kernel: PathBuf,
    /// A `/etc/passwd` naming only the sandbox's user, so libraries that look it up find it.
    pub passwd: PathBuf,
    pub group: PathBuf,
    pub nsswitch: PathBuf,
}
