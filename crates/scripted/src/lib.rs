//! Scripted model servers for tests and benches: real HTTP on loopback speaking the real wire formats
//! (Chat Completions, Anthropic Messages), each request answered by the next [`Script`].
//!
//! ```no_run
//! # async fn demo() {
//! use hearth_scripted::{Script, ScriptedCall, ScriptedOpenAi};
//! let server = ScriptedOpenAi::start(vec![
//!     Script::text(["Hel", "lo"]).usage(10, 2),
//!     Script::tool_calls([ScriptedCall::new("call_1", "get_weather", ["{\"ci", "ty\":\"Oslo\"}"])]),
//! ])
//! .await;
//! let base_url = server.base_url(); // give this to hearth-engine's `ProviderConfig::new`
//! # let _ = base_url;
//! # }
//! ```
//!
//! A crate of its own, used only as a dev-dependency (and by the `hearth-scripted-provider` binary the
//! Python suites start), so no test server is ever compiled into the app or `hearth-server`, and the
//! crates under test keep the features they ship with.

mod anthropic;
mod openai;
mod script;
mod server;

pub use anthropic::AnthropicWire;
pub use openai::OpenAiWire;
pub use script::{Ending, Script, ScriptedCall};
pub use server::{EMBEDDING_DIMENSIONS, Recorded, Scripted, Wire, scripted_embedding};

/// A scripted OpenAI-compatible server; its base URL ends in `/v1`.
pub type ScriptedOpenAi = Scripted<OpenAiWire>;
/// A scripted Anthropic Messages server; its base URL is the bare origin, as Anthropic's is.
pub type ScriptedAnthropic = Scripted<AnthropicWire>;
