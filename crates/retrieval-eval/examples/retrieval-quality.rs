//! Prints recall@5 and MRR of keyword, vector and hybrid search over the labelled set in
//! `bench/retrieval`, with the built-in embedder.
//!
//!     cargo run -p hearth-retrieval-eval --example retrieval-quality [-- [--f32] [--chunks] [SET_DIR]]
//!
//! By default chunks are embedded as file search does (integer products where the CPU has AVX2,
//! each file's text read once); `--f32` uses f32 products, `--chunks` reads every chunk alone.
//!
//! The embedder's files are read from `HEARTH_TEST_EMBEDDER` (`scripts/embedder-model.sh` puts
//! them in place).

use std::path::PathBuf;

use hearth_embed::Products;
use hearth_retrieval_eval::{
    RECALL_AT, Reading, ranking_name, repository_set_dir, run_quality_with,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let products = if flag("--f32") {
        Products::F32
    } else {
        Products::Int8
    };
    let reading = if flag("--chunks") {
        Reading::Chunks
    } else {
        Reading::Passages
    };
    let set_dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(repository_set_dir);
    let embedder_dir = std::env::var_os("HEARTH_TEST_EMBEDDER")
        .map(PathBuf::from)
        .ok_or("set HEARTH_TEST_EMBEDDER to the embedder's folder (scripts/embedder-model.sh)")?;
    let scratch = tempfile::tempdir()?;
    let run = run_quality_with(
        &set_dir,
        &scratch.path().join("index.sqlite"),
        &embedder_dir,
        products,
        reading,
    )?;
    println!("{products:?} products, chunks read as {reading:?}");

    println!(
        "{} documents, {:.2} MB of text, {} chunks, {} questions; parsed in {:.1} s, embedded in {:.1} s",
        run.set.documents.len(),
        run.set.text_bytes() as f64 / 1e6,
        run.chunks,
        run.set.questions.len(),
        run.load_time.as_secs_f64(),
        run.embed_time.as_secs_f64(),
    );
    println!();
    println!("| ranking | recall@{RECALL_AT} | MRR |");
    println!("| --- | --- | --- |");
    for scores in &run.scores {
        println!(
            "| {} | {:.3} | {:.3} |",
            ranking_name(scores.ranking),
            scores.recall_at_5(),
            scores.mrr()
        );
    }
    println!();
    println!(
        "| document | questions | {} |",
        run.scores
            .iter()
            .map(|s| ranking_name(s.ranking))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    println!("| --- | --- |{}", " --- |".repeat(run.scores.len()));
    for (n, document) in run.set.documents.iter().enumerate() {
        let of_doc: Vec<usize> = (0..run.set.questions.len())
            .filter(|&i| run.set.questions[i].document == n)
            .collect();
        let cells: Vec<String> = run
            .scores
            .iter()
            .map(|s| {
                let found = of_doc
                    .iter()
                    .filter(|&&i| s.ranks[i].is_some_and(|r| r <= RECALL_AT))
                    .count();
                format!("{found}")
            })
            .collect();
        println!(
            "| {} | {} | {} |",
            document.name,
            of_doc.len(),
            cells.join(" | ")
        );
    }
    Ok(())
}
