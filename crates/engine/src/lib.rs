//! The local Assistants engine: every Assistants v2 operation with the hosted API's semantics on top of
//! the store, the run executor (prompt assembly, truncation, the tool loop, stream events) and the model
//! providers it runs on (OpenAI-compatible chat completions, Anthropic, and local GGUF models).

pub mod providers;

mod assistants;
mod code;
mod engine;
mod error;
mod knowledge;
mod lists;
mod messages;
mod models;
mod parse;
mod resources;
mod runs;
mod threads;

pub use code::CodeInterpreterSettings;
pub use engine::{
    DEFAULT_MAX_QUEUED_RUNS, DEFAULT_MAX_RUNNING_RUNS, DEFAULT_STREAM_BUFFER, DEFAULT_UPLOAD_LIMIT,
    Engine, EngineConfig,
};
pub use error::{EngineError, EngineResult};
pub use hearth_interpreter::Limits as CodeLimits;
pub use knowledge::{
    BuiltinEmbedder, DEFAULT_SEARCH_RESULTS, Embedder, FileSearchHit, FileSearchQuery,
    ProviderEmbedder, StagedUpload, builtin_embedder_dir,
};
pub use parse::request_body;
pub use runs::recovery::INTERRUPTED;
pub use runs::{RunStream, SaveBatch, StepInclude};
