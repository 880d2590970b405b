//! The code interpreter's costs, printed as a table: a session's cold start with numpy, pandas
//! and matplotlib imported (with and without the spare session kept ready), a warm call's
//! overhead, a chart call end to end, and the memory an idle session holds.
//!
//! Reads the Python runtime from `HEARTH_TEST_PYTHON_RUNTIME` (runtime.json and site-packages).
//!
//! ```sh
//! cargo run --release -p hearth-interpreter --example interpreter-bench
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hearth_interpreter::{ExecuteRequest, Interpreter, InterpreterConfig, Outcome};
use tokio_util::sync::CancellationToken;

const WARM_CALLS: usize = 50;
const COLD_STARTS: usize = 5;

fn config(work_dir: PathBuf, spare: bool) -> InterpreterConfig {
    let runtime = std::env::var_os("HEARTH_TEST_PYTHON_RUNTIME")
        .map(PathBuf::from)
        .expect("HEARTH_TEST_PYTHON_RUNTIME must name the Python runtime folder");
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(runtime.join("runtime.json")).expect("the runtime's runtime.json"),
    )
    .expect("runtime.json is JSON");
    let python = manifest["python"]
        .as_str()
        .expect("runtime.json names python");
    let mut config = InterpreterConfig::new(python.into(), runtime.join("site-packages"), work_dir);
    config.spare_session = spare;
    config
}

async fn call(interpreter: &Interpreter, session: &str, code: &str) -> Duration {
    let started = Instant::now();
    let execution = interpreter
        .execute(
            ExecuteRequest {
                session,
                files: &[],
                code,
            },
            &CancellationToken::new(),
        )
        .await
        .expect("the sandbox runs here");
    assert_eq!(execution.outcome, Outcome::Completed, "{}", execution.logs);
    started.elapsed()
}

/// The first call of new sessions (`import numpy, pandas, matplotlib.pyplot; print(1)`), each
/// session ended before the next starts; with a spare, the spare has time to get ready between.
async fn cold_starts(interpreter: &Interpreter, spare: bool) -> Vec<Duration> {
    let code = "import numpy, pandas, matplotlib.pyplot\nprint(1)";
    let mut times = Vec::new();
    if spare {
        // The first session starts the spare behind it.
        call(interpreter, "warm-up", code).await;
        interpreter.end("warm-up").await;
    }
    for round in 0..COLD_STARTS {
        if spare {
            tokio::time::sleep(Duration::from_secs(4)).await;
        }
        let key = format!("cold-{round}");
        times.push(call(interpreter, &key, code).await);
        interpreter.end(&key).await;
    }
    times
}

fn percentile(times: &[Duration], fraction: f64) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index]
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

/// RSS and PSS (kB) of the processes whose command line names the folder, and their children.
fn memory_of_sandbox(work_dir: &std::path::Path) -> (u64, u64) {
    let needle = work_dir.to_string_lossy().into_owned();
    let mut parents = std::collections::HashMap::new();
    let mut roots = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<i32>().ok());
        if let Some(ppid) = ppid {
            parents.insert(pid, ppid);
        }
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmdline).contains(&needle) {
            roots.push(pid);
        }
    }
    let in_tree = |mut pid: i32| loop {
        if roots.contains(&pid) {
            return true;
        }
        match parents.get(&pid) {
            Some(&parent) if parent > 1 => pid = parent,
            _ => return false,
        }
    };
    let (mut rss, mut pss) = (0, 0);
    for &pid in parents.keys().filter(|pid| in_tree(**pid)) {
        let rollup =
            std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
        for line in rollup.lines() {
            let value = |prefix: &str| {
                line.strip_prefix(prefix).and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
            };
            if let Some(kb) = value("Rss:") {
                rss += kb;
            }
            if let Some(kb) = value("Pss:") {
                pss += kb;
            }
        }
    }
    (rss, pss)
}

#[tokio::main]
async fn main() {
    let folder = tempfile_folder();
    let mut rows: Vec<(String, String)> = Vec::new();

    let plain = Interpreter::new(config(folder.join("plain"), false));
    plain.check().await.expect("the sandbox runs here");
    let cold = cold_starts(&plain, false).await;
    rows.push((
        format!("cold start, no spare (median of {COLD_STARTS})"),
        ms(percentile(&cold, 0.5)),
    ));
    plain.shutdown().await;

    let spared = Interpreter::new(config(folder.join("spare"), true));
    let cold = cold_starts(&spared, true).await;
    rows.push((
        format!("cold start, spare ready (median of {COLD_STARTS})"),
        ms(percentile(&cold, 0.5)),
    ));
    spared.shutdown().await;

    let interpreter = Interpreter::new(config(folder.join("warm"), false));
    call(
        &interpreter,
        "warm",
        "import numpy, pandas, matplotlib.pyplot",
    )
    .await;
    let mut warm = Vec::new();
    for _ in 0..WARM_CALLS {
        warm.push(call(&interpreter, "warm", "print(1)").await);
    }
    rows.push((
        format!("warm call print(1), p50 of {WARM_CALLS}"),
        ms(percentile(&warm, 0.5)),
    ));
    rows.push((
        format!("warm call print(1), p95 of {WARM_CALLS}"),
        ms(percentile(&warm, 0.95)),
    ));
    let chart = "df = pandas.DataFrame({'x': range(12), 'y': [v * v for v in range(12)]})\n\
                 df.plot(x='x', y='y', title='trend')\nmatplotlib.pyplot.show()";
    let mut charts = Vec::new();
    for _ in 0..5 {
        charts.push(call(&interpreter, "warm", chart).await);
    }
    rows.push((
        "chart call (DataFrame.plot + show, PNG back), median of 5".into(),
        ms(percentile(&charts, 0.5)),
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (rss, pss) = memory_of_sandbox(&folder.join("warm"));
    rows.push((
        "idle session with numpy/pandas/matplotlib, RSS".into(),
        format!("{:.1} MiB", rss as f64 / 1024.0),
    ));
    rows.push((
        "idle session with numpy/pandas/matplotlib, PSS".into(),
        format!("{:.1} MiB", pss as f64 / 1024.0),
    ));
    interpreter.shutdown().await;
    let _ = std::fs::remove_dir_all(&folder);

    let width = rows.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    println!("| {:width$} | {:>10} |", "measure", "value");
    println!("|-{}-|-{}:|", "-".repeat(width), "-".repeat(10));
    for (name, value) in rows {
        println!("| {name:width$} | {value:>10} |");
    }
}

/// A folder for the benchmark's sessions that the sandbox's user can reach.
fn tempfile_folder() -> PathBuf {
    let folder =
        std::env::temp_dir().join(format!("hearth-interpreter-bench-{}", std::process::id()));
    std::fs::create_dir_all(&folder).expect("a temporary folder");
    folder
}
