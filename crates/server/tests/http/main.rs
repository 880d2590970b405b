//! `hearth-server` end to end: the real server on loopback with a real database in a temp folder and
//! a scripted model provider, driven with raw HTTP (exact statuses, headers, envelopes, SSE framing)
//! and with `hearth-client`.

mod support;

mod auth;
mod command_line;
mod crash;
mod documents;
mod errors;
mod files;
mod limits;
mod lists;
mod local;
mod ownership;
mod runs;
mod shutdown;
mod vector_stores;
