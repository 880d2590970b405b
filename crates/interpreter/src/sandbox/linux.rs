//! The Linux sandbox: bubblewrap, resource limits set before exec, and a control group that holds
//! the session's processes when Hearth runs as root.

use std::ffi::OsString;
use std::fs::File;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::process::Command;

use super::{SANDBOX_KERNEL, SANDBOX_SITE_PACKAGES, SessionPaths};
use crate::{InterpreterConfig, InterpreterError, Limits};

/// The unprivileged user and group the sandbox runs as when Hearth runs as root (`nobody`).
const UNPRIVILEGED: u32 = 65534;

/// Who the sandbox runs as, and how the number of its processes is held down.
#[derive(Debug, Clone)]
pub(crate) struct Containment {
    /// As root, the sandbox is started as this unprivileged user: bubblewrap maps the user inside
    /// to the one that started it, and a sandbox whose user is root outside could write root's
    /// files in `/proc/sys`.
    pub(crate) run_as: Option<u32>,
    pids: Pids,
}

#[derive(Debug, Clone)]
enum Pids {
    /// `RLIMIT_NPROC`, which the kernel does not apply to root, counted from the processes the
    /// user already has.
    Nproc,
    /// A `pids` control group per session, under this folder.
    Cgroup(PathBuf),
}

/// A session's control group; removed when the session ends.
#[derive(Debug)]
pub(crate) struct Cgroup {
    path: PathBuf,
    removed: bool,
}

impl Cgroup {
    /// Kills whatever is still in the group and removes it, waiting up to a second for the
    /// processes to be gone.
    pub(crate) async fn remove(mut self) {
        for _ in 0..100 {
            if empty_and_removed(&self.path) {
                self.removed = true;
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        log::warn!(
            "the interpreter's control group {} still holds processes",
            self.path.display()
        );
    }
}

impl Drop for Cgroup {
    /// A session dropped without being ended (the interpreter itself dropped): its processes are
    /// being killed, and the group is removed once they are gone, off the async runtime.
    fn drop(&mut self) {
        if self.removed {
            return;
        }
        let path = self.path.clone();
        std::thread::spawn(move || {
            for _ in 0..200 {
                if empty_and_removed(&path) {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        });
    }
}

/// Kills what the group holds; removes it once it holds nothing.
fn empty_and_removed(group: &Path) -> bool {
    let pids = read_pids(group);
    for &pid in &pids {
        kill(pid);
    }
    pids.is_empty() && std::fs::remove_dir(group).is_ok()
}

fn read_pids(group: &Path) -> Vec<i32> {
    std::fs::read_to_string(group.join("cgroup.procs"))
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.trim().parse().ok())
        .collect()
}

#[allow(unsafe_code)] // kill(2) has no safe binding in std; it touches no memory of ours.
fn kill(pid: i32) {
    unsafe {
        libc::kill(pid, libc::SIGKILL);
    }
}

#[allow(unsafe_code)] // geteuid(2) has no safe binding in std; it cannot fail.
fn is_root() -> bool {
    unsafe { libc::geteuid() == 0 }
}

const CGROUP_PREFIX: &str = "hearth-interpreter-";

/// Decides how processes are contained here; as root that needs a writable `pids` control group.
/// Decides who the sandbox runs as and how its processes are counted. A regular user's sandbox
/// runs as that user under `RLIMIT_NPROC`. Root's runs as `nobody`, in a `pids` control group when
/// one can be made (its count is the session's alone), else under `RLIMIT_NPROC` for `nobody`.
pub(crate) fn containment() -> Result<Containment, InterpreterError> {
    if !is_root() {
        return Ok(Containment {
            run_as: None,
            pids: Pids::Nproc,
        });
    }
    for root in cgroup_roots() {
        let probe = root.join(format!("{CGROUP_PREFIX}probe-{}", std::process::id()));
        if std::fs::create_dir(&probe).is_ok() {
            let usable = probe.join("pids.max").exists();
            let _ = std::fs::remove_dir(&probe);
            if usable {
                remove_stale_cgroups(&root);
                return Ok(Containment {
                    run_as: Some(UNPRIVILEGED),
                    pids: Pids::Cgroup(root),
                });
            }
        }
    }
    Ok(Containment {
        run_as: Some(UNPRIVILEGED),
        pids: Pids::Nproc,
    })
}

/// Whether the unprivileged user can reach `path` (every folder on the way lets others in):
/// bubblewrap, started as that user, opens what it mounts with its rights.
pub(crate) fn reachable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let Ok(path) = path.canonicalize() else {
        return false;
    };
    path.ancestors().all(|folder| {
        folder
            .metadata()
            .is_ok_and(|meta| meta.permissions().mode() & 0o001 != 0)
    })
}

/// Where the sessions' folders go: the work folder, unless the sandbox runs as `nobody` and
/// cannot reach it (root's home is closed to others); then a folder of root's in the temporary
/// folder that others may pass through but not list.
pub(crate) fn sessions_root(
    work_dir: &Path,
    containment: &Containment,
) -> Result<PathBuf, InterpreterError> {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let _ = std::fs::create_dir_all(work_dir);
    if containment.run_as.is_none() || reachable_by_others(work_dir) {
        return Ok(work_dir.to_path_buf());
    }
    let root = std::env::temp_dir().join("hearth-interpreter-root");
    let _ = std::fs::create_dir(&root);
    let meta = root
        .symlink_metadata()
        .map_err(|source| InterpreterError::Io {
            doing: format!("create {}", root.display()),
            source,
        })?;
    if !meta.is_dir() || meta.uid() != 0 {
        return Err(InterpreterError::SandboxUnavailable(format!(
            "{} is not a folder of root's; remove it so the code interpreter can make its own.",
            root.display()
        )));
    }
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o711)).map_err(|source| {
        InterpreterError::Io {
            doing: format!("set the permissions of {}", root.display()),
            source,
        }
    })?;
    if reachable_by_others(&root) {
        Ok(root)
    } else {
        Err(InterpreterError::SandboxUnavailable(format!(
            "Hearth runs as root, so the code interpreter's sandbox runs as `nobody`, which can \
             reach neither {} nor {}.",
            work_dir.display(),
            root.display()
        )))
    }
}

/// Gives a folder (and what is in it) to the user the sandbox runs as, so the code can write it.
pub(crate) fn give_to_sandbox(path: &Path, containment: &Containment) -> std::io::Result<()> {
    let Some(uid) = containment.run_as else {
        return Ok(());
    };
    std::os::unix::fs::lchown(path, Some(uid), Some(uid))?;
    if path.symlink_metadata()?.is_dir() {
        for entry in std::fs::read_dir(path)? {
            give_to_sandbox(&entry?.path(), containment)?;
        }
    }
    Ok(())
}

/// Where a `pids` group can be made: cgroup v1's controller, then our own cgroup v2 folder.
fn cgroup_roots() -> Vec<PathBuf> {
    let mut roots = vec![PathBuf::from("/sys/fs/cgroup/pids")];
    let own = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    if let Some(path) = own.lines().find_map(|line| line.strip_prefix("0::")) {
        roots.push(Path::new("/sys/fs/cgroup").join(path.trim_start_matches('/')));
    }
    roots
}

/// Groups left by a Hearth process that is gone (it crashed): their processes are killed and
/// the groups removed.
fn remove_stale_cgroups(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(CGROUP_PREFIX) else {
            continue;
        };
        let owner = rest.split('-').next().unwrap_or_default();
        if Path::new("/proc").join(owner).exists() {
            continue;
        }
        for pid in read_pids(&entry.path()) {
            kill(pid);
        }
        let _ = std::fs::remove_dir(entry.path());
    }
}

/// Runs a trivial program in the sandbox to see whether bubblewrap works here.
pub(crate) async fn probe(
    config: &InterpreterConfig,
    containment: &Containment,
) -> Result<(), InterpreterError> {
    if containment.run_as.is_some() && !reachable_by_others(&config.site_packages) {
        return Err(InterpreterError::SandboxUnavailable(format!(
            "Hearth runs as root here, so the code interpreter's sandbox runs as the \
             unprivileged user `nobody`, which cannot reach the Python runtime's packages at {}. \
             Keep the runtime in a folder every user may pass through (for example under \
             /var/tmp or /opt), or run Hearth as a regular user.",
            config.site_packages.display()
        )));
    }
    let mut args = base_args(config);
    args.extend(
        ["--uid", "1000", "--gid", "1000", "--ro-bind"]
            .into_iter()
            .map(OsString::from),
    );
    args.extend([
        config.site_packages.clone().into(),
        SANDBOX_SITE_PACKAGES.into(),
    ]);
    args.push("--".into());
    args.push(config.python.clone().into());
    args.extend(["-c", "pass"].into_iter().map(OsString::from));
    let mut command = Command::new(&config.bwrap);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    set_limits_before_exec(&mut command, &config.limits, None, None, containment.run_as);
    match command.output().await {
        Err(error) => Err(bwrap_not_runnable(&config.bwrap, &error)),
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => Err(explain_failure(&String::from_utf8_lossy(&output.stderr))),
    }
}

fn bwrap_not_runnable(bwrap: &Path, error: &std::io::Error) -> InterpreterError {
    InterpreterError::SandboxUnavailable(format!(
        "The code interpreter runs code only inside the bubblewrap sandbox, and bubblewrap could \
         not be run at {} ({error}). Install it: `sudo apt install bubblewrap` on Debian and \
         Ubuntu, `sudo dnf install bubblewrap` on Fedora, `sudo pacman -S bubblewrap` on Arch.",
        bwrap.display()
    ))
}

/// Turns bubblewrap's complaint into what is wrong and how to fix it.
pub(crate) fn explain_failure(stderr: &str) -> InterpreterError {
    let stderr = stderr.trim();
    let sysctl = |name: &str| {
        std::fs::read_to_string(Path::new("/proc/sys").join(name))
            .map(|value| value.trim().to_string())
            .ok()
    };
    let fix = if sysctl("kernel/apparmor_restrict_unprivileged_userns").as_deref() == Some("1") {
        "This system restricts unprivileged user namespaces through AppArmor (Ubuntu 24.04 and \
         later). Install the distribution's `bubblewrap` package, whose AppArmor profile allows \
         it, or allow user namespaces: `sudo sysctl -w \
         kernel.apparmor_restrict_unprivileged_userns=0` (add it to /etc/sysctl.d/ to keep it)."
    } else if sysctl("kernel/unprivileged_userns_clone").as_deref() == Some("0") {
        "Unprivileged user namespaces are disabled on this system. Enable them: `sudo sysctl -w \
         kernel.unprivileged_userns_clone=1` (add it to /etc/sysctl.d/ to keep it)."
    } else if sysctl("user/max_user_namespaces").as_deref() == Some("0") {
        "User namespaces are disabled on this system. Enable them: `sudo sysctl -w \
         user.max_user_namespaces=15000` (add it to /etc/sysctl.d/ to keep it)."
    } else {
        "bubblewrap needs user namespaces; check that the kernel allows them (inside a \
         container, the container must allow creating namespaces)."
    };
    InterpreterError::SandboxUnavailable(format!(
        "The code interpreter runs code only inside the bubblewrap sandbox, and the sandbox \
         could not start: {stderr}. {fix}"
    ))
}

/// What every sandbox has: namespaces, the system read-only, a minimal `/etc`, `/proc`, `/dev`.
fn base_args(config: &InterpreterConfig) -> Vec<OsString> {
    let mut args: Vec<OsString> = [
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--hostname",
        "sandbox",
        "--ro-bind",
        "/usr",
        "/usr",
    ]
    .into_iter()
    .map(OsString::from)
    .collect();
    // Merged-usr systems link these into /usr; others have them as folders.
    for top in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] {
        let path = Path::new(top);
        match path.symlink_metadata() {
            Ok(meta) if meta.file_type().is_symlink() => {
                if let Ok(target) = std::fs::read_link(path) {
                    args.extend([OsString::from("--symlink"), target.into(), top.into()]);
                }
            }
            Ok(meta) if meta.is_dir() => {
                args.extend([OsString::from("--ro-bind"), top.into(), top.into()]);
            }
            _ => {}
        }
    }
    if let Some(prefix) = python_prefix_outside_usr(&config.python) {
        args.extend([
            OsString::from("--ro-bind"),
            prefix.clone().into(),
            prefix.into(),
        ]);
    }
    // Only what Python and its libraries read: the loader's cache, the time zone, fonts.
    for file in [
        "/etc/ld.so.cache",
        "/etc/ld.so.conf",
        "/etc/localtime",
        "/etc/fonts",
        "/etc/mime.types",
    ] {
        args.extend([OsString::from("--ro-bind-try"), file.into(), file.into()]);
    }
    args.extend(
        ["--proc", "/proc", "--dev", "/dev"]
            .into_iter()
            .map(OsString::from),
    );
    args
}

/// A Python installed outside `/usr` (a relocatable build) needs its own prefix mounted.
fn python_prefix_outside_usr(python: &Path) -> Option<PathBuf> {
    let real = python.canonicalize().ok()?;
    if real.starts_with("/usr") {
        return None;
    }
    real.parent()?.parent().map(Path::to_path_buf)
}

/// The environment inside: nothing of Hearth's own, only what Python and its libraries need.
const ENVIRONMENT: [(&str, &str); 13] = [
    ("HOME", "/tmp"),
    ("TMPDIR", "/tmp"),
    ("USER", "sandbox"),
    ("PATH", "/usr/local/bin:/usr/bin:/bin"),
    ("LANG", "C.UTF-8"),
    ("PYTHONPATH", SANDBOX_SITE_PACKAGES),
    ("PYTHONDONTWRITEBYTECODE", "1"),
    ("MPLBACKEND", "Agg"),
    ("MPLCONFIGDIR", "/tmp/matplotlib"),
    ("OPENBLAS_NUM_THREADS", "2"),
    ("OMP_NUM_THREADS", "2"),
    ("MKL_NUM_THREADS", "2"),
    ("NUMEXPR_MAX_THREADS", "2"),
];

/// The command that starts a session's kernel in the sandbox, and the control group holding it.
pub(crate) fn command(
    config: &InterpreterConfig,
    paths: &SessionPaths,
    containment: &Containment,
) -> Result<(Command, Option<Cgroup>), InterpreterError> {
    let mut args = base_args(config);
    let bind = |args: &mut Vec<OsString>, flag: &str, from: &Path, to: &str| {
        args.extend([flag.into(), from.as_os_str().to_owned(), to.into()]);
    };
    bind(&mut args, "--ro-bind", &paths.passwd, "/etc/passwd");
    bind(&mut args, "--ro-bind", &paths.group, "/etc/group");
    bind(
        &mut args,
        "--ro-bind",
        &paths.nsswitch,
        "/etc/nsswitch.conf",
    );
    bind(
        &mut args,
        "--ro-bind",
        &config.site_packages,
        SANDBOX_SITE_PACKAGES,
    );
    bind(&mut args, "--ro-bind", &paths.kernel, SANDBOX_KERNEL);
    // /tmp is a folder of the session's on disk rather than a tmpfs: a tmpfs would take its size
    // from the host's memory, outside the session's memory limit.
    bind(&mut args, "--bind", &paths.tmp, "/tmp");
    // A tmpfs first: the mount point for the data folder cannot be made on the read-only root.
    args.extend(["--tmpfs", "/mnt"].into_iter().map(OsString::from));
    bind(&mut args, "--bind", &paths.data, "/mnt/data");
    args.extend(["--remount-ro", "/mnt"].into_iter().map(OsString::from));
    args.extend(
        [
            "--remount-ro",
            "/",
            "--chdir",
            "/mnt/data",
            "--uid",
            "1000",
            "--gid",
            "1000",
            "--clearenv",
        ]
        .into_iter()
        .map(OsString::from),
    );
    for (name, value) in ENVIRONMENT {
        args.extend([OsString::from("--setenv"), name.into(), value.into()]);
    }
    args.push("--".into());
    args.push(config.python.clone().into());
    args.extend(["-B", "-s", SANDBOX_KERNEL].into_iter().map(OsString::from));

    let cgroup = match &containment.pids {
        Pids::Nproc => None,
        Pids::Cgroup(root) => Some(make_cgroup(root, &config.limits)?),
    };
    let mut command = Command::new(&config.bwrap);
    command
        .args(args)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let join = match &cgroup {
        Some(group) => Some(open_procs(group)?),
        None => None,
    };
    let nproc = match &containment.pids {
        Pids::Nproc => {
            let user = containment.run_as.unwrap_or_else(current_uid);
            Some(processes_of(user) + u64::from(config.limits.processes) + 2)
        }
        Pids::Cgroup(_) => None,
    };
    set_limits_before_exec(
        &mut command,
        &config.limits,
        nproc,
        join,
        containment.run_as,
    );
    Ok((command, cgroup))
}

fn make_cgroup(root: &Path, limits: &Limits) -> Result<Cgroup, InterpreterError> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let number = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = root.join(format!("{CGROUP_PREFIX}{}-{number}", std::process::id()));
    let io = |doing: &str, source| InterpreterError::Io {
        doing: format!("{doing} {}", path.display()),
        source,
    };
    std::fs::create_dir(&path).map_err(|e| io("create the control group", e))?;
    // bubblewrap's two processes (outside and the namespace's init) come on top of the code's.
    let most = u64::from(limits.processes) + 2;
    std::fs::write(path.join("pids.max"), most.to_string())
        .map_err(|e| io("set pids.max of", e))?;
    Ok(Cgroup {
        path,
        removed: false,
    })
}

fn open_procs(group: &Cgroup) -> Result<OwnedFd, InterpreterError> {
    File::options()
        .write(true)
        .open(group.path.join("cgroup.procs"))
        .map(OwnedFd::from)
        .map_err(|source| InterpreterError::Io {
            doing: format!("open {}/cgroup.procs", group.path.display()),
            source,
        })
}

#[allow(unsafe_code)] // getuid(2) has no safe binding in std; it cannot fail.
fn current_uid() -> u32 {
    unsafe { libc::getuid() }
}

/// Tasks (threads included, as `RLIMIT_NPROC` counts them) of a user.
fn processes_of(uid: u32) -> u64 {
    let uid = uid.to_string();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .flatten()
        .filter_map(|entry| std::fs::read_to_string(entry.path().join("status")).ok())
        .filter(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().next().map(|real| real == uid))
                .unwrap_or(false)
        })
        .map(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Threads:"))
                .and_then(|n| n.trim().parse::<u64>().ok())
                .unwrap_or(1)
        })
        .sum()
}

/// Sets the limits in the child between fork and exec, so they bind bubblewrap and everything
/// it starts; as root, moves the child into its control group before it can fork, and then
/// gives up root for the unprivileged user.
fn set_limits_before_exec(
    command: &mut Command,
    limits: &Limits,
    nproc: Option<u64>,
    join: Option<OwnedFd>,
    run_as: Option<u32>,
) {
    let mut rlimits: Vec<(libc::__rlimit_resource_t, u64, u64)> = vec![
        (libc::RLIMIT_AS, limits.memory_bytes, limits.memory_bytes),
        (
            libc::RLIMIT_FSIZE,
            limits.file_size_bytes,
            limits.file_size_bytes,
        ),
        (libc::RLIMIT_CORE, 0, 0),
        (libc::RLIMIT_NOFILE, 1024, 1024),
        // The kernel script sets the soft CPU limit to each call's budget, so the hard one stays
        // open for it to move; the wall time bounds every call in any case.
        (
            libc::RLIMIT_CPU,
            limits.cpu_time.as_secs().max(1),
            libc::RLIM_INFINITY,
        ),
    ];
    if let Some(most) = nproc {
        rlimits.push((libc::RLIMIT_NPROC, most, most));
    }
    #[allow(unsafe_code)]
    // SAFETY: between fork and exec only async-signal-safe calls are allowed: the closure
    // calls getpid, write, setrlimit, setgroups, setgid and setuid, and formats the pid into a
    // stack buffer (no allocation).
    unsafe {
        command.pre_exec(move || {
            if let Some(procs) = &join {
                let mut digits = [0u8; 20];
                let mut at = digits.len();
                let mut pid = libc::getpid() as u32;
                loop {
                    at -= 1;
                    digits[at] = b'0' + (pid % 10) as u8;
                    pid /= 10;
                    if pid == 0 {
                        break;
                    }
                }
                let text = &digits[at..];
                if libc::write(procs.as_raw_fd(), text.as_ptr().cast(), text.len()) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            for &(resource, soft, hard) in &rlimits {
                let limit = libc::rlimit {
                    rlim_cur: soft,
                    rlim_max: hard,
                };
                if libc::setrlimit(resource, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            if let Some(id) = run_as
                && (libc::setgroups(0, std::ptr::null()) != 0
                    || libc::setgid(id) != 0
                    || libc::setuid(id) != 0)
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}
