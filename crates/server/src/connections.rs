//! Accepting connections: at most a set number open at once, each with a time limit for sending
//! a request's headers, and a drain on shutdown.
//!
//! axum's own `serve` has neither limit (hyper's header timeout needs a timer it does not set), so
//! connections are served here with hyper directly.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// Connection settings of [`serve_connections`].
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// Connections served at once; more wait in the listener's backlog until one closes.
    pub max_connections: usize,
    /// How long a client has to send a request's headers, counted from when the server waits for
    /// them (so an idle keep-alive connection is closed after this long too).
    pub header_read_timeout: Duration,
}

/// Serves `app` on the connections `listener` accepts until `stop` resolves; then stops
/// accepting and returns a future that finishes the open connections (each ends after its
/// response in flight, streams included).
pub async fn serve_connections(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    stop: impl Future<Output = ()>,
) -> impl Future<Output = ()> {
    let slots = Arc::new(Semaphore::new(
        limits.max_connections.clamp(1, Semaphore::MAX_PERMITS),
    ));
    let graceful = GracefulShutdown::new();
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    tokio::pin!(stop);
    loop {
        // A slot first: past the limit, connections are left in the backlog instead of being
        // accepted and held without being served.
        let slot = tokio::select! {
            () = &mut stop => break,
            slot = Arc::clone(&slots).acquire_owned() => {
                slot.expect("the connection semaphore is never closed")
            }
        };
        let tcp = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((tcp, _peer)) => tcp,
                Err(error) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    log::warn!("could not accept a connection: {error}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // Frames are small and must leave at once; Nagle's algorithm would hold them back.
        if let Err(error) = tcp.set_nodelay(true) {
            log::warn!("could not disable Nagle's algorithm on a connection: {error}");
        }
        let service = TowerToHyperService::new(app.clone());
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(tcp), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                log::debug!("a connection ended with an error: {error}");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown()
}
