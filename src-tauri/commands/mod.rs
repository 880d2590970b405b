//! The app's IPC commands, split by what they act on. Each takes its arguments, makes one call into
//! `hearth-desktop` and maps the error; every type the window receives is defined there or in
//! `hearth-wire`, and the generated bindings describe it exactly.

pub mod api_server;
pub mod app;
pub mod assistants;
pub mod blocking;
pub mod code;
pub mod export;
pub mod files;
pub mod knowledge;
pub mod models;
pub mod profiles;
pub mod providers;
pub mod runs;
pub mod search;
pub mod setup;
pub mod threads;
pub mod uploads;
