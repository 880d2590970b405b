//! The HTTP pieces that both sides of Hearth speak: the Assistants client (`hearth-client`) reading
//! a server's event streams, and the engine's model providers (`hearth-engine`) reading a model's.
//!
//! - [`sse`]: an incremental server-sent-events parser, indifferent to where the bytes are split;
//! - [`retry`]: exponential backoff with jitter that honours `retry-after(-ms)`, and the
//!   [`Sleeper`] that waits between attempts (or records the waits, in tests);
//! - [`ApiKey`]: a bearer key that never prints;
//! - [`Origin`] and [`parse_base_url`]: where a key may be sent, and base URLs checked (no
//!   `user:pass@`);
//! - [`redact_url`] / [`redact_urls_in`]: URLs without their secrets, for logs and errors;
//! - [`same_origin_redirects`]: the redirect rule of every client that carries a key.
//!
//! It is named for the protocol these pieces belong to, not for either user: it holds no client and
//! no provider, sends no request and knows nothing of the Assistants types, so the engine can use it
//! without depending on the client.

mod api_key;
mod origin;
mod redact;
mod redirect;
pub mod retry;
pub mod sse;

pub use api_key::ApiKey;
pub use origin::{Origin, UrlProblem, parse_base_url};
pub use redact::{redact_url, redact_urls_in, strip_url_secrets};
pub use redirect::{CrossOriginRedirect, same_origin_redirects};
pub use retry::{Backoff, DelayLog, Sleeper, retry_after};
pub use sse::{SseError, SseEvent, SseParser};
