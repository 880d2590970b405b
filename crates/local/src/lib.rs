//! hearth-local: GGUF models run on this machine's CPU by llama.cpp, as a model provider for the
//! engine ([`LocalProvider`]), plus the models folder the app manages ([`library`], [`download`]).
//!
//! llama.cpp runs in a worker process: the host program itself, started with [`WORKER_ARG`]. Every
//! program that creates a [`LocalProvider`] with the default [`WorkerCommand`] must call
//! [`serve_if_asked`] first thing in `main`.

pub mod download;
pub mod gguf;
pub mod library;

mod child;
mod cpu;
mod llama;
mod process;
mod prompt;
mod protocol;
mod provider;
mod worker;

pub use child::{WORKER_ARG, serve, serve_if_asked};

pub use download::{
    DownloadProgress, DownloadRequest, FreeSpace, SPACE_RESERVE, download_model,
    host_needing_http_permission, sha256_file,
};
pub use library::{
    LibraryError, LocalModel, add_model, add_model_within, list_models, model_id, models_dir,
    remove_model,
};
pub use process::WorkerCommand;
pub use provider::{
    DEFAULT_IDLE_UNLOAD, DEFAULT_MAX_CONTEXT, LocalConfig, LocalProvider, ModelSource,
};

/// Why local models cannot run on this machine, if they cannot (checked before llama.cpp runs).
pub fn cpu_unsupported() -> Option<String> {
    cpu::check().err()
}
