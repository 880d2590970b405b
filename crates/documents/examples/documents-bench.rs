//! Parse and chunking throughput: `cargo run --release -p hearth-documents --example documents-bench`.
//!
//! Parses each committed test file (and a text made by repeating prose to 10 MB) several times,
//! then chunks the 10 MB text with the `auto` strategy, and prints a table.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hearth_documents::{ChunkingOptions, chunk, parse};

const FILES: &[&str] = &[
    "report.pdf",
    "book.pdf",
    "notes.pdf",
    "report.docx",
    "survey.pptx",
    "budget.xlsx",
];
const TEXT_BYTES: usize = 10 << 20;

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/files");
    println!(
        "{:<28} {:>10} {:>10} {:>10}",
        "parse", "file KB", "text KB", "MB/s"
    );
    for name in FILES {
        let bytes = std::fs::read(dir.join(name)).expect("the test files are committed");
        let (elapsed, runs, text_len) =
            repeat(|| parse(name, &bytes).expect("test files parse").text.len());
        let rate = (bytes.len() * runs) as f64 / 1e6 / elapsed.as_secs_f64();
        println!(
            "{:<28} {:>10.1} {:>10.1} {:>10.2}",
            name,
            bytes.len() as f64 / 1024.0,
            text_len as f64 / 1024.0,
            rate
        );
    }
    let text = ten_megabytes_of_prose();
    let (elapsed, runs, _) = repeat(|| {
        parse("big.txt", text.as_bytes())
            .expect("text parses")
            .text
            .len()
    });
    let rate = (text.len() * runs) as f64 / 1e6 / elapsed.as_secs_f64();
    println!(
        "{:<28} {:>10.1} {:>10.1} {:>10.2}",
        "10 MB text",
        text.len() as f64 / 1024.0,
        text.len() as f64 / 1024.0,
        rate
    );

    let document = parse("big.txt", text.as_bytes()).expect("text parses");
    let started = Instant::now();
    let chunks = chunk(&document, ChunkingOptions::AUTO);
    let elapsed = started.elapsed().as_secs_f64();
    println!();
    println!(
        "{:<28} {:>10} {:>10} {:>10} {:>10}",
        "chunk (auto 800/400)", "MB", "chunks", "MB/s", "chunks/s"
    );
    println!(
        "{:<28} {:>10.1} {:>10} {:>10.2} {:>10.0}",
        "10 MB text, one core",
        text.len() as f64 / 1e6,
        chunks.len(),
        text.len() as f64 / 1e6 / elapsed,
        chunks.len() as f64 / elapsed
    );
}

/// Runs `work` for at least a second (and at least three times); returns time, runs, last result.
fn repeat(mut work: impl FnMut() -> usize) -> (Duration, usize, usize) {
    let started = Instant::now();
    let mut runs = 0;
    let mut result = 0;
    while runs < 3 || started.elapsed() < Duration::from_secs(1) {
        result = work();
        runs += 1;
    }
    (started.elapsed(), runs, result)
}

/// Varied English-like prose (so the tokenizer sees real words), repeated to 10 MB.
fn ten_megabytes_of_prose() -> String {
    let seed = "The harbour survey counted every mooring, crane and slipway along the eastern quay. \
        Sediment samples were taken at forty stations spaced fifty metres apart; each was dried, \
        weighed and sieved. Water temperature was logged every ten minutes by moored sensors, and \
        the warmest reading, nineteen degrees, came in the second week of August.\n\n";
    let mut text = String::with_capacity(TEXT_BYTES + seed.len());
    let mut n = 0u64;
    while text.len() < TEXT_BYTES {
        // A changing number per paragraph keeps the text from being one repeated token pattern.
        text.push_str(&format!("Section {n}. "));
        text.push_str(seed);
        n += 1;
    }
    text
}
