//! The Assistants v2 wire protocol as Rust types: objects, request bodies, list envelopes, deleted-object
//! answers, the error envelope and stream events, exactly as the protocol reference defines them. Every
//! other crate speaks through these types; this crate does no I/O.
//!
//! Conventions: a field that is `|null` in the spec is an `Option` that is always serialized; a field
//! that may be absent is skipped when `None`; partial-update bodies use `Option<Option<T>>` so that
//! "absent" (leave alone) and `null` (clear) stay apart. Enums keep unknown values in an `Other` arm,
//! `type`-tagged unions keep objects of an unknown `type` verbatim in an `Unknown` arm, and stream
//! events keep unknown names, so newer servers never make answers unreadable.

#[macro_use]
mod macros;

pub mod assistants;
pub mod chunking;
pub mod common;
pub mod files;
pub mod ids;
pub mod messages;
pub mod models;
pub mod response_format;
pub mod run_requests;
pub mod runs;
pub mod search;
pub mod steps;
pub mod stream;
pub mod threads;
pub mod tool_resources;
pub mod tools;
#[cfg(feature = "specta")]
pub mod typescript;
pub mod validate;
pub mod vector_store_files;
pub mod vector_stores;

pub use assistants::*;
pub use chunking::*;
pub use common::*;
pub use files::*;
pub use ids::*;
pub use messages::*;
pub use models::*;
pub use response_format::*;
pub use run_requests::*;
pub use runs::*;
pub use search::*;
pub use steps::*;
pub use stream::*;
pub use threads::*;
pub use tool_resources::*;
pub use tools::*;
pub use validate::{Validate, ValidationError};
pub use vector_store_files::*;
pub use vector_stores::*;
