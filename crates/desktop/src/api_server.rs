//! The app's own Assistants v2 server ("Let programs on this computer use Hearth"): hearth-server's
//! routes on loopback, over the very engine the window uses, so code written for the hosted API
//! and the window share one database and one set of runs.
//!
//! Unlike `hearth_server::serve`, stopping it leaves runs alone: they belong to the app, which
//! goes on running (the window may be streaming one of them).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::{self, Next};
use axum::response::Response;
use hearth_engine::Engine;
use hearth_server::{ConnectionLimits, Token, serve_connections};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// The port hearth-server listens on by default, so the tutorial's code works unchanged.
pub const DEFAULT_API_PORT: u16 = 8642;

/// How long stopping waits for open connections (streams) to finish before closing them.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// A server started by [`ApiServer::start`]; [`ApiServer::stop`] ends it.
pub(crate) struct ApiServer {
    address: SocketAddr,
    stop: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl ApiServer {
    /// Listens on `127.0.0.1:port` (a free port when that one is taken, or when `port` is 0) and
    /// serves `engine` to clients presenting `token`. Every request that may change something
    /// bumps `changes` once answered, so the window can read its lists again.
    pub(crate) async fn start(
        engine: Engine,
        token: Token,
        port: u16,
        changes: watch::Sender<u64>,
    ) -> std::io::Result<Self> {
        let listener = match TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await {
            Ok(listener) => listener,
            Err(error) if error.kind() == std::io::ErrorKind::AddrInUse && port != 0 => {
                log::warn!("port {port} is taken; the app's API server takes a free one");
                TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?
            }
            Err(error) => return Err(error),
        };
        let address = listener.local_addr()?;
        let app = hearth_server::router(engine, token)
            .layer(middleware::from_fn_with_state(changes, announce_changes));
        let stop = CancellationToken::new();
        let stopped = stop.clone();
        // hearth-server's own connection loop: the same cap on connections and the same header
        // timeout, so a program that opens connections and sends nothing cannot hold the app.
        let limits = ConnectionLimits {
            max_connections: hearth_server::DEFAULT_MAX_CONNECTIONS,
            header_read_timeout: hearth_server::DEFAULT_HEADER_READ_TIMEOUT,
        };
        let task = tokio::spawn(async move {
            let open_connections =
                serve_connections(listener, app, limits, stopped.cancelled_owned()).await;
            // A client that never reads its stream must not keep the server alive.
            let _ = tokio::time::timeout(STOP_GRACE, open_connections).await;
        });
        log::info!("the app's API server listens on http://{address}/v1");
        Ok(Self {
            address,
            stop,
            task,
        })
    }

    /// Where it listens.
    pub(crate) fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops accepting, lets open requests finish (briefly) and waits until the port is free.
    pub(crate) async fn stop(mut self) {
        self.stop.cancel();
        let _ = (&mut self.task).await;
        log::info!("the app's API server stopped");
    }
}

impl Drop for ApiServer {
    /// The server never outlives the app's state that started it.
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// After a request that may have changed something (anything but a read), tells the window.
async fn announce_changes(
    State(changes): State<watch::Sender<u64>>,
    request: Request,
    next: Next,
) -> Response {
    let changing = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let response = next.run(request).await;
    if changing && response.status().is_success() {
        changes.send_modify(|count| *count = count.wrapping_add(1));
    }
    response
}
