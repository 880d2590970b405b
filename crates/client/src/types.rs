//! The protocol types the operations exchange, from `hearth-wire`.
//!
//! Responses decode into these; request bodies are any `Serialize` value, so the wire request types
//! (`CreateAssistantRequest`, …) and `serde_json::json!` both work.

pub use hearth_wire::{
    Assistant, AssistantDeleted, FileDeleted, FileObject, ListOrder, ListQuery, Message,
    MessageDeleted, MessageDelta, Model, ModelDeleted, ModelList, Run, RunStep, RunStepDelta,
    StreamEvent, Thread, ThreadDeleted, VectorStore, VectorStoreDeleted, VectorStoreFile,
    VectorStoreFileBatch, VectorStoreFileContent, VectorStoreFileDeleted,
    VectorStoreSearchResultsPage,
};
