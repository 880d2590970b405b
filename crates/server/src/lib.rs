//! `hearth-server`: serves the local engine over HTTP and server-sent events, byte-compatible with what the
//! official Assistants v2 SDKs expect, so code written for the hosted API keeps working by changing its
//! base URL.
//!
//! [`serve`] runs the server on a bound listener until a shutdown future resolves; the binary
//! (`src/main.rs`, [`cli`]) only reads its settings, builds the engine and waits for a signal.

pub mod cli;

mod auth;
mod beta;
mod connections;
mod errors;
mod extract;
mod request_id;
mod request_timeout;
mod routes;
mod sse;

use std::future::Future;
use std::time::Duration;

use hearth_engine::Engine;
use tokio::net::TcpListener;

pub use auth::Token;
pub use connections::{ConnectionLimits, serve_connections};
pub use routes::{router, router_with_timeout};

/// How long a shutdown waits by default for cancelled runs to close.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Connections served at once by default.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

/// How long a client has by default to send a request's headers (and an idle connection lives).
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a request may take by default, from its headers to its response's headers (a
/// stream's body is not counted: it lasts as long as its run).
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(300);

/// What [`serve`] needs besides the engine and the listener.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The bearer token every request must carry.
    pub token: Token,
    /// On shutdown, how long to wait for cancelled runs to close and streams to finish.
    pub shutdown_grace: Duration,
    /// Connections at once, and the time a client has to send its headers.
    pub connections: ConnectionLimits,
    /// How long a request may take to be answered; past it the answer is a 408.
    pub request_timeout: Duration,
}

impl ServerConfig {
    /// Settings with `token` and the default limits.
    pub fn new(token: Token) -> Self {
        Self {
            token,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            connections: ConnectionLimits {
                max_connections: DEFAULT_MAX_CONNECTIONS,
                header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            },
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
        }
    }
}

/// Serves `engine` on `listener` until `shutdown` resolves. Then it stops accepting, cancels every
/// run, waits (at most `shutdown_grace`) for them to close as cancelled, waits as long again for
/// the open connections (their streams) to end, and returns.
pub async fn serve(
    engine: Engine,
    config: ServerConfig,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router_with_timeout(engine.clone(), config.token, config.request_timeout);
    let drain = serve_connections(listener, app, config.connections, shutdown).await;
    log::info!("shutting down: cancelling {} run(s)", engine.running());
    engine.cancel_all();
    wait_until_idle(&engine, config.shutdown_grace).await;
    // A client that never reads its stream must not keep the process alive.
    if tokio::time::timeout(config.shutdown_grace, drain)
        .await
        .is_err()
    {
        log::warn!("shutdown grace elapsed with connections still open; closing them");
    }
    Ok(())
}
/// Waits until no run is executing, or `grace` has passed.
async fn wait_until_idle(engine: &Engine, grace: Duration) {
    let deadline = tokio::time::Instant::now() + grace;
    while engine.running() > 0 {
        if tokio::time::Instant::now() >= deadline {
            log::warn!(
                "{} run(s) still executing after the shutdown grace",
                engine.running()
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
