//! The local Assistants engine: every Assistants v2 operation with the hosted API's semantics on top of
//! the store, the run executor (prompt assembly, truncation, the tool loop, stream events) and the model
//! providers it runs on (OpenAI-compatible chat completions, Anthropic, and local GGUF models).
