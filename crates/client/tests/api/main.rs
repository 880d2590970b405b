//! Integration tests: a real `Client` against a scripted axum server on loopback.

mod errors;
mod files;
mod fixtures;
mod operations;
mod pagination;
mod retries;
mod server;
mod streaming;
