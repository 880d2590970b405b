//! Retry counts and recorded delays; no test sleeps for real.

use std::time::Duration;

use hearth_client::Error;
use serde_json::json;

use crate::fixtures;
use crate::server::{Reply, TestServer};

fn ok() -> Reply {
    Reply::json(200, fixtures::model("model_1"))
}

fn err(status: u16) -> Reply {
    Reply::json(
        status,
        json!({"error": {"message": "try again", "type": "server_error", "param": null, "code": null}}),
    )
}

fn delays(log: &hearth_client::retry::DelayLog) -> Vec<Duration> {
    log.lock().unwrap().clone()
}

fn in_jitter_window(d: Duration, nominal_ms: u64) -> bool {
    d <= Duration::from_millis(nominal_ms) && d >= Duration::from_millis(nominal_ms * 3 / 4)
}

#[tokio::test]
async fn server_error_then_success_retries_once_with_backoff() {
    let server = TestServer::start(|_, n| if n == 0 { err(500) } else { ok() }).await;
    let (client, log) = server.client();
    let model = client
        .retrieve_model("model_1")
        .await
        .expect("the retry should succeed");
    assert_eq!(model.id, "model_1");
    assert_eq!(server.requests().len(), 2, "one failure, one retry");
    let d = delays(&log);
    assert_eq!(d.len(), 1);
    assert!(
        in_jitter_window(d[0], 500),
        "first backoff should be 0.5 s minus jitter, was {:?}",
        d[0]
    );
}

#[tokio::test]
async fn rate_limit_honours_retry_after_ms() {
    let server = TestServer::start(|_, n| {
        if n == 0 {
            err(429).header("retry-after-ms", "250")
        } else {
            ok()
        }
    })
    .await;
    let (client, log) = server.client();
    client.retrieve_model("m").await.unwrap();
    assert_eq!(
        delays(&log),
        [Duration::from_millis(250)],
        "the server's delay replaces backoff"
    );
}

#[tokio::test]
async fn retry_after_seconds_honoured() {
    let server = TestServer::start(|_, n| {
        if n == 0 {
            err(503).header("retry-after", "2")
        } else {
            ok()
        }
    })
    .await;
    let (client, log) = server.client();
    client.retrieve_model("m").await.unwrap();
    assert_eq!(delays(&log), [Duration::from_secs(2)]);
}

#[tokio::test]
async fn gives_up_after_max_retries_with_growing_delays() {
    let server = TestServer::start(|_, _| err(503)).await;
    let (client, log) = server.client();
    let e = client.retrieve_model("m").await.unwrap_err();
    assert_eq!(
        e.status().map(|s| s.as_u16()),
        Some(503),
        "the last answer is reported"
    );
    assert_eq!(
        server.requests().len(),
        3,
        "default: first attempt plus two retries"
    );
    let d = delays(&log);
    assert_eq!(d.len(), 2);
    assert!(
        in_jitter_window(d[0], 500) && in_jitter_window(d[1], 1000),
        "delays should double: {d:?}"
    );
}

#[tokio::test]
async fn configured_retry_count_is_used() {
    let server = TestServer::start(|_, _| err(409)).await;
    let (client, log) = server.client_with(|c| c.max_retries(4));
    client.retrieve_model("m").await.unwrap_err();
    assert_eq!(server.requests().len(), 5);
    let d = delays(&log);
    for (i, nominal) in [500, 1000, 2000, 4000].into_iter().enumerate() {
        assert!(
            in_jitter_window(d[i], nominal),
            "retry {i}: {:?} not near {nominal} ms",
            d[i]
        );
    }
    let (client, _) = server.client_with(|c| c.max_retries(0));
    client.retrieve_model("m").await.unwrap_err();
    assert_eq!(
        server.requests().len(),
        6,
        "max_retries 0 sends exactly once"
    );
}

#[tokio::test]
async fn request_timeout_408_is_retried() {
    let server = TestServer::start(|_, n| if n == 0 { err(408) } else { ok() }).await;
    let (client, _) = server.client();
    client.retrieve_model("m").await.unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn bad_request_is_not_retried() {
    let server = TestServer::start(|_, _| err(400)).await;
    let (client, log) = server.client();
    let e = client
        .create_assistant(&json!({"model": "m"}))
        .await
        .unwrap_err();
    assert_eq!(e.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(
        server.requests().len(),
        1,
        "a 400 will not get better by retrying"
    );
    assert!(delays(&log).is_empty());
}

#[tokio::test]
async fn x_should_retry_overrides_status() {
    let server = TestServer::start(|_, n| match n {
        0 => err(400).header("x-should-retry", "true"),
        1 => err(500).header("x-should-retry", "false"),
        _ => ok(),
    })
    .await;
    let (client, _) = server.client();
    let e = client.retrieve_model("m").await.unwrap_err();
    assert_eq!(
        e.status().map(|s| s.as_u16()),
        Some(500),
        "the 400 is retried, the 500 is final"
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn post_bodies_are_resent_on_retry() {
    let server = TestServer::start(|_, n| {
        if n == 0 {
            err(502)
        } else {
            Reply::json(200, fixtures::thread("thread_1"))
        }
    })
    .await;
    let (client, _) = server.client();
    client
        .create_thread(&json!({"metadata": {"a": "b"}}))
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(
        requests[0].body, requests[1].body,
        "the retry must carry the same body"
    );
    assert_eq!(requests[1].json()["metadata"]["a"], "b");
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    // Bind and drop a listener to get a loopback port nobody is listening on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (sleeper, log) = hearth_client::Sleeper::recording();
    let config = hearth_client::Config::new(format!("http://127.0.0.1:{port}/v1")).sleeper(sleeper);
    let client = hearth_client::Client::new(config).unwrap();
    let e = client.list_models().await.unwrap_err();
    assert!(
        matches!(e, Error::Connection(_)),
        "expected a connection error, got {e:?}"
    );
    assert_eq!(
        delays(&log).len(),
        2,
        "connection failures are retried like 5xx"
    );
}

#[tokio::test]
async fn dropping_the_call_during_backoff_cancels_the_retry() {
    let server = TestServer::start(|_, _| err(503)).await;
    let (started_tx, started_rx) = tokio::sync::oneshot::channel::<Duration>();
    let started_tx = std::sync::Mutex::new(Some(started_tx));
    // A wait that never ends, but says when it began: the call is then parked between attempts.
    let sleeper = hearth_client::Sleeper::new(move |d| {
        if let Some(tx) = started_tx.lock().unwrap().take() {
            let _ = tx.send(d);
        }
        std::future::pending::<()>()
    });
    let (client, _) = server.client_with(|c| c.sleeper(sleeper));
    let call = client.retrieve_model("m");
    let waited = tokio::select! {
        _ = call => panic!("the call cannot finish while its backoff never ends"),
        d = started_rx => d.expect("the sleeper should have been asked to wait"),
    };
    assert!(waited > Duration::ZERO);
    // The call future is dropped here; nothing may send the retry.
    tokio::task::yield_now().await;
    assert_eq!(server.requests().len(), 1, "a dropped call must not retry");
}

#[tokio::test]
async fn slow_answers_time_out_and_are_retried() {
    // The first two answers come after 5 s, far past the 100 ms timeout; the third is immediate.
    let server = TestServer::start(|_, n| {
        if n < 2 {
            ok().delayed(Duration::from_secs(5))
        } else {
            ok()
        }
    })
    .await;
    let (client, log) = server.client_with(|c| c.timeout(Duration::from_millis(100)));
    client
        .retrieve_model("m")
        .await
        .expect("the third attempt should succeed");
    assert_eq!(server.requests().len(), 3, "both timeouts are retried");
    assert_eq!(delays(&log).len(), 2);

    let slow = TestServer::start(|_, _| ok().delayed(Duration::from_secs(5))).await;
    let (client, _) = slow.client_with(|c| c.timeout(Duration::from_millis(100)).max_retries(0));
    let e = client.retrieve_model("m").await.unwrap_err();
    assert!(
        matches!(e, Error::Timeout(_)),
        "expected a timeout, got {e:?}"
    );
}
