//! Installs the Python runtime the way the app does (no pip) and prints its progress and timing:
//!
//!     cargo run --release -p hearth-python --example install-runtime -- DIR [INDEX_URL]

use std::sync::Mutex;
use std::time::Instant;

use hearth_python::{InstallStep, PackageSource, Runtime, RuntimeState};

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: install-runtime DIR [INDEX_URL]");
        std::process::exit(2);
    };
    let source = args
        .next()
        .map_or_else(PackageSource::default, PackageSource::new);
    let runtime = Runtime::new(dir);
    let started = Instant::now();
    let last_line = Mutex::new(None);
    let result = runtime
        .install(&source, |p| {
            let percent = (p.downloaded_bytes * 100)
                .checked_div(p.total_bytes)
                .unwrap_or(0);
            // One line per step and package, and per tenth of the download.
            let line = (p.step, p.package.clone(), percent / 10);
            let mut last = last_line.lock().unwrap();
            if last.as_ref() != Some(&line) {
                println!(
                    "{:>6.1}s {:<11} {:<16} {:>4} / {} MB",
                    started.elapsed().as_secs_f64(),
                    format!("{:?}", p.step),
                    p.package.as_deref().unwrap_or(""),
                    p.downloaded_bytes / 1_000_000,
                    p.total_bytes / 1_000_000
                );
                *last = Some(line);
            }
            if p.step == InstallStep::Done {
                println!("installed in {:.1} s", started.elapsed().as_secs_f64());
            }
        })
        .await;
    if let Err(e) = result {
        eprintln!("the install failed: {e}");
        std::process::exit(1);
    }
    match runtime.state() {
        RuntimeState::Ready(ready) => println!(
            "ready: Python {} at {}, {} packages in {}",
            ready.python_version,
            ready.python.display(),
            ready.packages.len(),
            ready.site_packages.display()
        ),
        RuntimeState::Missing(reason) => println!("not ready: {reason}"),
    }
}
