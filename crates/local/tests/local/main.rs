//! hearth-local end to end: the real default model (SmolLM2-135M-Instruct, fetched by
//! scripts/default-model.sh) driven through the engine with a real database in a temp folder; the
//! models folder on real files; downloads from a real HTTP server on loopback; the worker process
//! llama.cpp runs in.

mod support;

mod download;
mod files;
mod library;
mod model_server;
mod runs;
mod worker;
