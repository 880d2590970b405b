//! `hearth-server`: serves the local engine over HTTP and server-sent events, byte-compatible with what the
//! official Assistants v2 SDKs expect, so code written for the hosted API keeps working by changing its
//! base URL.
//!
//! [`serve`] runs the server on a bound listener until a shutdown future resolves; the binary
//! (`src/main.rs`, [`cli`]) only reads its settings, builds the engine and waits for a signal.

pub mod cli;

mod auth;
mod beta;
mod errors;
mod extract;
mod request_id;
mod routes;
mod sse;

use std::future::{Future, IntoFuture};
use std::sync::Arc;
use std::time::Duration;

use axum::serve::ListenerExt;
use hearth_engine::Engine;
use tokio::net::TcpListener;
use tokio::sync::Notify;

pub use auth::Token;
pub use routes::router;

/// How long a shutdown waits by default for cancelled runs to close.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// What [`serve`] needs besides the engine and the listener.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The bearer token every request must carry.
    pub token: Token,
    /// On shutdown, how long to wait for cancelled runs to close and streams to finish.
    pub shutdown_grace: Duration,
}

impl ServerConfig {
    /// Settings with `token` and the default shutdown grace.
    pub fn new(token: Token) -> Self {
        Self {
            token,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
        }
    }
}

/// Serves `engine` on `listener` until `shutdown` resolves. Then it stops accepting, cancels every
/// run, waits (at most `shutdown_grace`) for them to close as cancelled and for their streams to
/// end, and returns.
pub async fn serve(
    engine: Engine,
    config: ServerConfig,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(engine.clone(), config.token);
    // Frames are small and must leave at once; Nagle's algorithm would hold them back.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            log::warn!("could not disable Nagle's algorithm on a connection: {error}");
        }
    });
    let draining = Arc::new(Notify::new());
    let signal = {
        let draining = Arc::clone(&draining);
        let grace = config.shutdown_grace;
        async move {
            shutdown.await;
            log::info!("shutting down: cancelling {} run(s)", engine.running());
            draining.notify_one();
            engine.cancel_all();
            wait_until_idle(&engine, grace).await;
        }
    };
    let server = axum::serve(listener, app)
        .with_graceful_shutdown(signal)
        .into_future();
    tokio::pin!(server);
    tokio::select! {
        result = &mut server => result,
        () = draining.notified() => {
            // Runs get the grace to close, then connections (their streams) get as long again;
            // a client that never reads must not keep the process alive.
            match tokio::time::timeout(config.shutdown_grace * 2, server).await {
                Ok(result) => result,
                Err(_) => {
                    log::warn!("shutdown grace elapsed with connections still open; closing them");
                    Ok(())
                }
            }
        }
    }
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
