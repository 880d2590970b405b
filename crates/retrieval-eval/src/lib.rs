//! Measures file search on real documents: retrieval quality over the labelled set kept in
//! `bench/retrieval` (recall@5 and MRR for keyword, vector and hybrid ranking), and the speed of the
//! pipeline from a file's bytes to a searchable index. The `retrieval-quality` and `knowledge-bench`
//! examples print the figures; the tests hold the quality claims.

mod corpus;
mod dataset;
mod error;
mod locate;
mod metrics;
mod pipeline;
mod quality;

pub use corpus::{
    Reading, add_chunks, attach_file, create_vector_store, embed, embed_missing, file_id,
};
pub use dataset::{
    LabelledSet, LocatedQuestion, Question, REPOSITORY_SET, SetDocument, parse_document,
    repository_set_dir,
};
pub use error::{EvalError, Result};
pub use locate::find_quote;
pub use metrics::{DEPTH, RANKINGS, RECALL_AT, Scores, answers, evaluate, ranking_name};
pub use pipeline::{IngestTiming, ingest, peak_memory_bytes};
pub use quality::{QualityRun, run_quality, run_quality_with};
