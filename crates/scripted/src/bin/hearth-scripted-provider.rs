//! A scripted OpenAI-compatible model server as its own process, for suites that drive Hearth from
//! outside (the Python SDK suite in `e2e-sdk/`). It answers chat requests with scripts pushed over a
//! small control API, and reports what it received.
//!
//! Prints two lines on start:
//! ```text
//! scripted provider control on http://127.0.0.1:PORT
//! scripted provider listening on http://127.0.0.1:PORT/v1
//! ```
//! Control API (JSON; a second port, because the scripted server's router is closed):
//! - `POST /scripts` — one script or an array of them, queued in order:
//!   `{"text": ["Hel","lo"], "usage": [10, 2], "delay_ms": 5,
//!     "tool_calls": [{"id": "call_1", "name": "f", "arguments": ["{\"a\"", ":1}"]}],
//!     "error": {"status": 500, "message": "…"}, "cut": false, "finish": "stop"}`
//!   (every key optional; `error` makes the answer an HTTP error and ignores the rest).
//! - `GET /requests` — the chat request bodies received, oldest first.
//! - `GET /state` — `{"requests": n, "remaining": n, "disconnects": n}`.
//!
//! Stops on SIGTERM / SIGKILL like any process; it keeps nothing on disk.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use hearth_scripted::{Script, ScriptedCall, ScriptedOpenAi};
use serde::Deserialize;
use serde_json::{Value, json};

/// A script as the control API takes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScriptSpec {
    #[serde(default)]
    text: Vec<String>,
    usage: Option<(u64, u64)>,
    delay_ms: Option<u64>,
    #[serde(default)]
    tool_calls: Vec<CallSpec>,
    error: Option<ErrorSpec>,
    #[serde(default)]
    cut: bool,
    finish: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallSpec {
    id: String,
    name: String,
    #[serde(default)]
    arguments: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorSpec {
    status: u16,
    message: String,
}

/// One script or several, so a test can queue a whole conversation in one call.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Push {
    One(ScriptSpec),
    Many(Vec<ScriptSpec>),
}

impl ScriptSpec {
    fn into_script(self) -> Script {
        if let Some(error) = self.error {
            return Script::error(error.status, error.message);
        }
        let calls = self
            .tool_calls
            .into_iter()
            .map(|call| ScriptedCall::new(call.id, call.name, call.arguments));
        let mut script = Script::text(self.text).and_tool_calls(calls);
        if let Some((prompt, completion)) = self.usage {
            script = script.usage(prompt, completion);
        }
        if let Some(ms) = self.delay_ms {
            script = script.delay(Duration::from_millis(ms));
        }
        if let Some(finish) = self.finish {
            script = script.finish(finish);
        }
        if self.cut {
            script = script.cut();
        }
        script
    }
}

async fn push(State(provider): State<Arc<ScriptedOpenAi>>, Json(push): Json<Push>) -> StatusCode {
    let specs = match push {
        Push::One(spec) => vec![spec],
        Push::Many(specs) => specs,
    };
    for spec in specs {
        provider.push(spec.into_script());
    }
    StatusCode::NO_CONTENT
}

async fn requests(State(provider): State<Arc<ScriptedOpenAi>>) -> Json<Vec<Value>> {
    Json(provider.bodies())
}

async fn state(State(provider): State<Arc<ScriptedOpenAi>>) -> Json<Value> {
    Json(json!({
        "requests": provider.chat_requests(),
        "remaining": provider.remaining(),
        "disconnects": provider.disconnects(),
    }))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let provider = Arc::new(ScriptedOpenAi::start(Vec::new()).await);
    let control = Router::new()
        .route("/scripts", post(push))
        .route("/requests", get(requests))
        .route("/state", get(state))
        .with_state(provider.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    // The control line comes first: a reader that waits for the "listening" line has both then.
    println!(
        "scripted provider control on http://{}",
        listener.local_addr()?
    );
    println!("scripted provider listening on {}", provider.base_url());
    axum::serve(listener, control).await
}
