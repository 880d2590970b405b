//! The runtime installed from a real package index on loopback (wheels built here), checked with
//! the system's Python, and the runtime `scripts/python-runtime.sh` installed.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use hearth_python::{
    InstallError, InstallProgress, InstallStep, MANIFEST_FILE, Manifest, PackageSource, Python,
    PythonError, ReadyRuntime, Runtime, RuntimeState, UnpackError, find_python, python_at,
    read_manifest,
};
use support::{Index, Served, listed, lock_line, wheel};

/// The two-package release every test starts from: `hearthdemo` (a package plus a module in its
/// `.data/purelib`, and a script that is left out) on both JSON pages, `hearth-two` only on the
/// project page, next to a pinned wheel for another system.
struct Demo {
    index: Index,
    lock: String,
    sizes: u64,
}

async fn demo() -> Demo {
    let index = Index::start().await;
    let (demo_name, demo_bytes) = wheel(
        "hearthdemo",
        "1.0",
        &[
            ("hearthdemo/__init__.py", b"VALUE = 42\n"),
            (
                "hearthdemo-1.0.data/purelib/hearthdemo_extra.py",
                b"WORD = 'extra'\n",
            ),
            (
                "hearthdemo-1.0.data/scripts/hearthdemo-tool",
                b"#!/bin/sh\n",
            ),
        ],
    );
    let (two_name, two_bytes) = wheel("hearth-two", "2.0", &[("hearth_two.py", b"NAME = 'two'\n")]);
    let windows_bytes = b"not for this system".to_vec();
    let windows = "hearth_two-2.0-cp311-cp311-win_amd64.whl";
    index.release(
        "hearthdemo",
        "1.0",
        &[(
            listed(&demo_name, &demo_bytes),
            Served::Bytes(demo_bytes.clone()),
        )],
        false,
    );
    index.release(
        "hearth-two",
        "2.0",
        &[
            (
                listed(windows, &windows_bytes),
                Served::Bytes(windows_bytes.clone()),
            ),
            (
                listed(&two_name, &two_bytes),
                Served::Bytes(two_bytes.clone()),
            ),
        ],
        true,
    );
    let lock = format!(
        "# a test lock\n{}{}",
        lock_line("hearthdemo", "1.0", &[&support::sha256(&demo_bytes)]),
        lock_line(
            "hearth-two",
            "2.0",
            &[
                &support::sha256(&windows_bytes),
                &support::sha256(&two_bytes)
            ]
        ),
    );
    Demo {
        index,
        lock,
        sizes: (demo_bytes.len() + two_bytes.len()) as u64,
    }
}

fn python() -> Python {
    find_python().expect("the system's Python (Debian package python3) should be installed")
}

async fn install(
    runtime: &Runtime,
    lock: &str,
    index: &Index,
) -> (Result<ReadyRuntime, InstallError>, Vec<InstallProgress>) {
    let events = Mutex::new(Vec::new());
    let result = runtime
        .install_from_lock(lock, &python(), &PackageSource::new(&index.base), |p| {
            events.lock().unwrap().push(p)
        })
        .await;
    (result, events.into_inner().unwrap())
}

/// Runs `code` with the system's Python seeing `site_packages`; its stdout.
fn run_python(site_packages: &Path, code: &str) -> String {
    let output = Command::new("/usr/bin/python3")
        .args(["-c", code])
        .env("PYTHONPATH", site_packages)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "python should run: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

/// Names in `folder` other than `keep`: leftovers of an install.
fn others(folder: &Path, keep: &str) -> Vec<String> {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != keep)
        .collect()
}

fn missing_reason(state: RuntimeState) -> String {
    match state {
        RuntimeState::Missing(reason) => reason,
        RuntimeState::Ready(ready) => panic!("the runtime should not be ready: {ready:?}"),
    }
}

#[tokio::test]
async fn an_install_is_ready_and_its_modules_import() {
    let demo = demo().await;
    let data = tempfile::tempdir().unwrap();
    let runtime = Runtime::new(data.path().join("python"));

    let (result, events) = install(&runtime, &demo.lock, &demo.index).await;
    let ready = result.expect("the install should succeed");

    let RuntimeState::Ready(state) = runtime.state_for_lock(&demo.lock) else {
        panic!("the installed runtime should be ready");
    };
    assert_eq!(state, ready);
    assert_eq!(state.python, PathBuf::from("/usr/bin/python3.11"));
    assert_eq!(state.python_version, "3.11");
    assert_eq!(state.site_packages, runtime.dir().join("site-packages"));
    assert_eq!(
        state.packages,
        vec![
            ("hearthdemo".to_string(), "1.0".to_string()),
            ("hearth-two".to_string(), "2.0".to_string())
        ]
    );
    let printed = run_python(
        &state.site_packages,
        "import hearthdemo, hearthdemo_extra, hearth_two; \
         print(hearthdemo.VALUE, hearthdemo_extra.WORD, hearth_two.NAME)",
    );
    assert_eq!(printed, "42 extra two");
    assert!(
        state
            .site_packages
            .join("hearthdemo/__pycache__/__init__.cpython-311.pyc")
            .is_file(),
        "the packages should be byte-compiled for the interpreter"
    );
    assert!(
        !state.site_packages.join("hearthdemo-tool").exists(),
        "a wheel's scripts are not installed"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(runtime.dir())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o755,
            0o755,
            "the sandbox's user should be able to read it"
        );
    }
    let manifest = read_manifest(runtime.dir()).unwrap().unwrap();
    assert_eq!(manifest.lock_sha256, hearth_python::lock_sha256(&demo.lock));
    assert_eq!(
        others(data.path(), "python"),
        Vec::<String>::new(),
        "no temporary folder should remain"
    );

    let last = events.last().expect("progress should be reported");
    assert_eq!(last.step, InstallStep::Done);
    assert_eq!(last.downloaded_bytes, demo.sizes);
    assert_eq!(last.total_bytes, demo.sizes);
    for package in ["hearthdemo", "hearth-two"] {
        assert!(
            events.iter().any(|e| e.step == InstallStep::Downloading
                && e.package.as_deref() == Some(package)
                && e.total_bytes == demo.sizes),
            "downloading {package} should be reported with the total size"
        );
    }
    assert!(
        events
            .windows(2)
            .all(|w| w[0].downloaded_bytes <= w[1].downloaded_bytes),
        "downloaded bytes should only grow"
    );
    assert!(events.iter().any(|e| e.step == InstallStep::Compiling));
}

#[tokio::test]
async fn a_wrong_hash_is_refused_and_the_previous_runtime_stays() {
    let demo = demo().await;
    let data = tempfile::tempdir().unwrap();
    let runtime = Runtime::new(data.path().join("python"));
    install(&runtime, &demo.lock, &demo.index).await.0.unwrap();

    // The index lists the pinned SHA-256, but the bytes it sends are others.
    let (name, pinned) = wheel("hearth-three", "3.0", &[("hearth_three.py", b"X = 3\n")]);
    let (_, tampered) = wheel("hearth-three", "3.0", &[("hearth_three.py", b"X = 666\n")]);
    let mut listing = listed(&name, &pinned);
    listing.size = tampered.len() as u64;
    demo.index.release(
        "hearth-three",
        "3.0",
        &[(listing, Served::Bytes(tampered))],
        false,
    );
    let lock = format!(
        "{}{}",
        demo.lock,
        lock_line("hearth-three", "3.0", &[&support::sha256(&pinned)])
    );

    let err = install(&runtime, &lock, &demo.index).await.0.unwrap_err();
    assert!(matches!(err, InstallError::HashMismatch { .. }), "{err:?}");
    assert!(err.to_string().contains("hearth-three"), "{err}");

    let RuntimeState::Ready(state) = runtime.state_for_lock(&demo.lock) else {
        panic!("the previous runtime should still be ready");
    };
    assert_eq!(
        run_python(
            &state.site_packages,
            "import hearthdemo; print(hearthdemo.VALUE)"
        ),
        "42"
    );
    assert!(!state.site_packages.join("hearth_three.py").exists());
    assert_eq!(others(data.path(), "python"), Vec::<String>::new());
}

#[tokio::test]
async fn a_download_cut_midway_fails_cleanly() {
    let index = Index::start().await;
    // Incompressible contents, so the wheel is large and the cut falls inside it.
    let (name, bytes) = wheel("hearth-big", "1.0", &[("hearth_big/data.bin", &noise())]);
    assert!(bytes.len() > 1_000_000, "the wheel should be large");
    let half = bytes.len() / 2;
    index.release(
        "hearth-big",
        "1.0",
        &[(listed(&name, &bytes), Served::CutAfter(bytes.clone(), half))],
        false,
    );
    let lock = lock_line("hearth-big", "1.0", &[&support::sha256(&bytes)]);
    let data = tempfile::tempdir().unwrap();
    let runtime = Runtime::new(data.path().join("python"));

    let (result, events) = install(&runtime, &lock, &index).await;
    let err = result.unwrap_err();
    assert!(matches!(err, InstallError::Download { .. }), "{err:?}");
    assert!(err.to_string().contains("hearth-big"), "{err}");
    assert_eq!(
        others(data.path(), "python"),
        Vec::<String>::new(),
        "no temporary folder should remain"
    );
    assert!(!runtime.dir().exists());
    assert!(missing_reason(runtime.state_for_lock(&lock)).contains("not set up"));
    assert!(
        events
            .iter()
            .any(|e| e.downloaded_bytes >= half as u64 / 2 && e.total_bytes == bytes.len() as u64),
        "the first part of the wheel should have arrived before the break"
    );
    assert!(err.to_string().contains("broke after"), "{err}");
    assert!(events.iter().all(|e| e.step != InstallStep::Done));
}

#[tokio::test]
async fn a_cancelled_install_leaves_the_previous_runtime_and_no_temporary_folder() {
    let demo = demo().await;
    let data = tempfile::tempdir().unwrap();
    let runtime = Runtime::new(data.path().join("python"));
    install(&runtime, &demo.lock, &demo.index).await.0.unwrap();

    let (name, bytes) = wheel("hearth-slow", "1.0", &[("hearth_slow/data.bin", &noise())]);
    let half = bytes.len() / 2;
    demo.index.release(
        "hearth-slow",
        "1.0",
        &[(
            listed(&name, &bytes),
            Served::StallAfter(bytes.clone(), half),
        )],
        false,
    );
    let lock = format!(
        "{}{}",
        demo.lock,
        lock_line("hearth-slow", "1.0", &[&support::sha256(&bytes)])
    );
    let (arrived, mut watch) = tokio::sync::watch::channel(0u64);
    let python = python();
    let source = PackageSource::new(&demo.index.base);
    let mut stalled = Box::pin(
        runtime.install_from_lock(&lock, &python, &source, move |p| {
            let _ = arrived.send(p.downloaded_bytes);
        }),
    );
    tokio::select! {
        result = &mut stalled => panic!("the stalled install should not end: {result:?}"),
        _ = watch.wait_for(|&b| b >= (demo.sizes + half as u64 / 2)) => {}
    }
    assert!(
        others(data.path(), "python")
            .iter()
            .any(|n| n.starts_with(".python.installing-")),
        "the install should be building in a temporary sibling folder"
    );
    let err = install(&runtime, &demo.lock, &demo.index)
        .await
        .0
        .unwrap_err();
    assert!(
        matches!(err, InstallError::AlreadyRunning { .. }),
        "{err:?}"
    );

    drop(stalled);
    assert_eq!(
        others(data.path(), "python"),
        Vec::<String>::new(),
        "cancelling should remove the temporary folder"
    );
    let RuntimeState::Ready(state) = runtime.state_for_lock(&demo.lock) else {
        panic!("the previous runtime should still be ready");
    };
    assert!(!state.site_packages.join("hearth_slow").exists());
    // Cancelling gave up the claim on the folder: the next install runs.
    install(&runtime, &demo.lock, &demo.index).await.0.unwrap();
}

#[tokio::test]
async fn a_wheel_with_paths_leaving_its_folder_is_refused() {
    let index = Index::start().await;
    let (name, bytes) = wheel(
        "hearth-evil",
        "1.0",
        &[
            ("hearth_evil.py", b"X = 1\n"),
            ("../escaped.py", b"X = 2\n"),
        ],
    );
    index.release(
        "hearth-evil",
        "1.0",
        &[(listed(&name, &bytes), Served::Bytes(bytes.clone()))],
        false,
    );
    let lock = lock_line("hearth-evil", "1.0", &[&support::sha256(&bytes)]);
    let data = tempfile::tempdir().unwrap();
    let runtime = Runtime::new(data.path().join("python"));

    let err = install(&runtime, &lock, &index).await.0.unwrap_err();
    assert!(
        matches!(
            err,
            InstallError::Unpack {
                source: UnpackError::UnsafePath(_),
                ..
            }
        ),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(
        message.contains("hearth-evil") && message.contains("../escaped.py"),
        "{message}"
    );
    assert_eq!(others(data.path(), "python"), Vec::<String>::new());
    assert!(!runtime.dir().exists());
}

#[tokio::test]
async fn a_package_without_a_fitting_pinned_wheel_is_refused() {
    let index = Index::start().await;
    let windows = b"windows only".to_vec();
    let (name, other) = wheel("hearth-win", "1.0", &[("hearth_win.py", b"X = 1\n")]);
    index.release(
        "hearth-win",
        "1.0",
        &[
            (
                listed("hearth_win-1.0-cp311-cp311-win_amd64.whl", &windows),
                Served::Bytes(windows.clone()),
            ),
            // Fits, but its SHA-256 is not pinned.
            (listed(&name, &other), Served::Bytes(other.clone())),
        ],
        false,
    );
    let lock = lock_line("hearth-win", "1.0", &[&support::sha256(&windows)]);
    let data = tempfile::tempdir().unwrap();
    let runtime = Runtime::new(data.path().join("python"));
    let err = install(&runtime, &lock, &index).await.0.unwrap_err();
    assert!(matches!(err, InstallError::NoWheel { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("hearth-win") && message.contains("Python 3.11"),
        "{message}"
    );
}

#[tokio::test]
async fn the_state_says_what_is_missing_or_outdated() {
    let data = tempfile::tempdir().unwrap();
    let runtime = Runtime::new(data.path().join("python"));
    assert_eq!(
        runtime.state(),
        RuntimeState::Missing("the Python runtime is not set up".into())
    );

    let demo = demo().await;
    install(&runtime, &demo.lock, &demo.index).await.0.unwrap();
    assert!(matches!(
        runtime.state_for_lock(&demo.lock),
        RuntimeState::Ready(_)
    ));
    // Hearth's own lock pins other packages than the test's.
    assert!(missing_reason(runtime.state()).contains("set up for other packages"));

    let manifest_path = runtime.dir().join(MANIFEST_FILE);
    let good: Manifest = read_manifest(runtime.dir()).unwrap().unwrap();
    let write = |manifest: &Manifest| {
        std::fs::write(&manifest_path, serde_json::to_vec(manifest).unwrap()).unwrap();
    };

    write(&Manifest {
        python: "/nonexistent/python3.11".into(),
        ..good.clone()
    });
    assert_eq!(
        missing_reason(runtime.state_for_lock(&demo.lock)),
        "Python 3.11 at /nonexistent/python3.11 is gone; install the Debian/Ubuntu package \
         python3, then set the runtime up again"
    );

    let fake = data.path().join("python3.9");
    std::fs::write(
        &fake,
        "#!/bin/sh\nprintf 'cpython\\n3.9\\nx86_64\\nglibc 2.36\\n'\n",
    )
    .unwrap();
    make_executable(&fake);
    write(&Manifest {
        python: fake.clone(),
        ..good.clone()
    });
    let reason = missing_reason(runtime.state_for_lock(&demo.lock));
    assert!(
        reason.contains("set up for Python 3.11") && reason.contains("now Python 3.9"),
        "{reason}"
    );

    std::fs::write(&manifest_path, b"{\"python\": ").unwrap();
    assert!(missing_reason(runtime.state_for_lock(&demo.lock)).contains("damaged"));

    write(&good);
    std::fs::remove_dir_all(runtime.site_packages()).unwrap();
    assert!(missing_reason(runtime.state_for_lock(&demo.lock)).contains("site-packages"));
}

#[test]
fn the_system_python_is_found_and_other_versions_are_refused() {
    let python = find_python().expect("the system's Python should be found");
    assert_eq!(python.path, PathBuf::from("/usr/bin/python3.11"));
    assert_eq!(python.version, "3.11");
    assert!(python.glibc.is_some(), "a Debian system has glibc");

    let folder = tempfile::tempdir().unwrap();
    let fake = folder.path().join("python3");
    std::fs::write(&fake, "#!/bin/sh\nprintf 'cpython\\n3.9\\nx86_64\\n\\n'\n").unwrap();
    make_executable(&fake);
    let err = python_at(&fake).unwrap_err();
    assert!(matches!(err, PythonError::Unsupported { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("is Python 3.9; the code interpreter's packages are available for Python 3.11, 3.12, 3.13 only"),
        "{err}"
    );
}

/// The runtime `scripts/python-runtime.sh` installed (and cached) is ready for Hearth's own lock,
/// and draws a chart with numpy, pandas and matplotlib in an isolated interpreter.
#[test]
fn the_runtime_the_setup_script_installed_draws_a_chart() {
    let dir = std::env::var_os("HEARTH_TEST_PYTHON_RUNTIME").expect(
        "HEARTH_TEST_PYTHON_RUNTIME is not set: run scripts/python-runtime.sh, then source \
         scripts/env.sh (which sets it to the runtime the script installed)",
    );
    let runtime = Runtime::new(PathBuf::from(&dir));
    let ready = match runtime.state() {
        RuntimeState::Ready(ready) => ready,
        RuntimeState::Missing(reason) => panic!(
            "the runtime at {} is not ready ({reason}): run scripts/python-runtime.sh",
            runtime.dir().display()
        ),
    };
    let names: Vec<&str> = ready.packages.iter().map(|(n, _)| n.as_str()).collect();
    for wanted in [
        "numpy",
        "pandas",
        "matplotlib",
        "scipy",
        "openpyxl",
        "pillow",
    ] {
        assert!(names.contains(&wanted), "{wanted} should be installed");
    }
    let out = tempfile::tempdir().unwrap();
    let png = out.path().join("chart.png");
    let code = "import sys; sys.path.insert(0, sys.argv[1])
import matplotlib; matplotlib.use('Agg')
import numpy as np, pandas as pd, matplotlib.pyplot as plt
frame = pd.DataFrame({'month': np.arange(1, 13), 'sales': np.arange(1, 13) ** 2})
frame.plot(x='month', y='sales')
plt.savefig(sys.argv[2])
print(int(frame['sales'].sum()))";
    let output = Command::new(&ready.python)
        .args(["-I", "-c", code])
        .arg(&ready.site_packages)
        .arg(&png)
        // matplotlib writes its font cache here instead of the home folder.
        .env("MPLCONFIGDIR", out.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the chart should be drawn: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "650");
    let bytes = std::fs::read(&png).expect("the chart should be saved");
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 1000,
        "the chart should be a PNG"
    );
}

/// 2 MB that deflate cannot shrink, so a wheel holding them is large.
fn noise() -> Vec<u8> {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    (0..2_000_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 32) as u8
        })
        .collect()
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}
