//! What the interpreter's tests share: configurations and a look at the sandbox's processes.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use hearth_interpreter::{
    ExecuteRequest, Execution, InputFile, Interpreter, InterpreterConfig, Limits,
};
use tokio_util::sync::CancellationToken;

/// The system Python; the tests that need only the standard library use it with an empty
/// package folder.
pub const SYSTEM_PYTHON: &str = "/usr/bin/python3";

/// A test's folders: a stand-in for Hearth's data folder, with the interpreter's under it.
pub struct Folders {
    pub root: tempfile::TempDir,
}

impl Folders {
    pub fn new() -> Self {
        use std::os::unix::fs::PermissionsExt;
        // Open to others as a data folder in a home is not: as root the sandbox runs as
        // `nobody`, and the tests find its processes by this folder's path.
        let root = tempfile::Builder::new()
            .permissions(std::fs::Permissions::from_mode(0o755))
            .tempdir()
            .expect("a temporary folder");
        Self { root }
    }

    /// The stand-in for Hearth's data folder.
    pub fn data_dir(&self) -> PathBuf {
        self.root.path().join("data")
    }

    pub fn work_dir(&self) -> PathBuf {
        self.data_dir().join("interpreter")
    }
}

/// Short limits, so the escape tests end quickly.
pub fn test_limits() -> Limits {
    Limits {
        wall_time: Duration::from_secs(20),
        cpu_time: Duration::from_secs(20),
        memory_bytes: 1 << 30,
        processes: 16,
        file_size_bytes: 64 << 20,
        output_bytes: 4 << 10,
    }
}

/// Plain Python, no packages.
pub fn plain_config(folders: &Folders) -> InterpreterConfig {
    let packages = folders.root.path().join("empty-site-packages");
    std::fs::create_dir_all(&packages).expect("an empty package folder");
    let mut config = InterpreterConfig::new(SYSTEM_PYTHON.into(), packages, folders.work_dir());
    config.limits = test_limits();
    config.spare_session = false;
    config
}

/// The Python runtime with numpy, pandas and matplotlib, as the runtime script installs it.
pub fn runtime_config(folders: &Folders) -> InterpreterConfig {
    let runtime = std::env::var_os("HEARTH_TEST_PYTHON_RUNTIME")
        .map(PathBuf::from)
        .expect(
            "HEARTH_TEST_PYTHON_RUNTIME must name the Python runtime folder (runtime.json and \
         site-packages); scripts/env.sh sets it and the test command installs the runtime",
        );
    let manifest = std::fs::read(runtime.join("runtime.json")).unwrap_or_else(|e| {
        panic!(
            "the Python runtime at {} has no runtime.json ({e}): install it first",
            runtime.display()
        )
    });
    let manifest: serde_json::Value =
        serde_json::from_slice(&manifest).expect("runtime.json is JSON");
    let python = manifest["python"]
        .as_str()
        .expect("runtime.json names its python");
    let mut config = InterpreterConfig::new(
        python.into(),
        runtime.join("site-packages"),
        folders.work_dir(),
    );
    config.limits = test_limits();
    config.spare_session = false;
    config
}

pub async fn run(interpreter: &Interpreter, session: &str, code: &str) -> Execution {
    run_with(interpreter, session, &[], code).await
}

pub async fn run_with(
    interpreter: &Interpreter,
    session: &str,
    files: &[InputFile],
    code: &str,
) -> Execution {
    interpreter
        .execute(
            ExecuteRequest {
                session,
                files,
                code,
            },
            &CancellationToken::new(),
        )
        .await
        .expect("the sandbox runs here")
}

/// The host pids of the processes of the sandboxes whose folders are under `work_dir`: the
/// bubblewrap processes (their command line names the folder) and everything below them.
pub fn sandbox_processes(work_dir: &Path) -> HashSet<i32> {
    let needle = work_dir.to_string_lossy().into_owned();
    let mut children: HashMap<i32, Vec<i32>> = HashMap::new();
    let mut roots = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // The parent's pid is the second field after the command name in parentheses.
        let Some(after_name) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
            continue;
        };
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        if fields.first() == Some(&"Z") {
            continue;
        }
        if let Some(parent) = fields.get(1).and_then(|p| p.parse::<i32>().ok()) {
            children.entry(parent).or_default().push(pid);
        }
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmdline).contains(&needle) {
            roots.push(pid);
        }
    }
    let mut found = HashSet::new();
    while let Some(pid) = roots.pop() {
        if found.insert(pid) {
            roots.extend(children.get(&pid).into_iter().flatten());
        }
    }
    found
}

/// Waits up to `within` for the sandbox's processes to be gone; says which are left if not.
pub async fn assert_no_process_left(work_dir: &Path, within: Duration) {
    let start = std::time::Instant::now();
    loop {
        let left = sandbox_processes(work_dir);
        if left.is_empty() {
            return;
        }
        if start.elapsed() > within {
            let described: Vec<String> = left
                .iter()
                .map(|pid| {
                    let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
                    format!(
                        "{pid}: {}",
                        String::from_utf8_lossy(&cmdline).replace('\0', " ")
                    )
                })
                .collect();
            panic!("the sandbox's processes should be gone, but these are left: {described:#?}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Polls until the sandbox has a process whose command line contains `marker`.
pub async fn wait_for_process(work_dir: &Path, marker: &str) {
    for _ in 0..500 {
        let found = sandbox_processes(work_dir).into_iter().any(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|c| {
                    String::from_utf8_lossy(&c)
                        .replace('\0', " ")
                        .contains(marker)
                })
                .unwrap_or(false)
        });
        if found {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no process of the sandbox ran {marker:?} within 10 s");
}
