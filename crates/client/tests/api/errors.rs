//! Error responses keep everything the server said, and never the token.

use hearth_client::{ApiKey, Client, Config, Error};
use serde_json::json;

use crate::server::{Reply, TOKEN, TestServer};

#[tokio::test]
async fn envelope_is_decoded_and_request_id_kept() {
    let server = TestServer::start(|_, _| {
        Reply::json(404, json!({"error": {"message": "No assistant found with id 'asst_x'.", "type": "invalid_request_error", "param": "assistant_id", "code": "not_found"}}))
            .header("x-request-id", "req_abc")
    })
    .await;
    let (client, _) = server.client();
    let e = client.retrieve_assistant("asst_x").await.unwrap_err();
    let api = e.api().expect("an API error");
    assert_eq!(api.status.map(|s| s.as_u16()), Some(404));
    assert_eq!(api.kind.as_deref(), Some("invalid_request_error"));
    assert_eq!(api.code.as_deref(), Some("not_found"));
    assert_eq!(api.param.as_deref(), Some("assistant_id"));
    assert_eq!(api.message, "No assistant found with id 'asst_x'.");
    assert_eq!(api.request_id.as_deref(), Some("req_abc"));
    assert_eq!(api.raw_body, None);
}

#[tokio::test]
async fn non_json_error_body_is_kept_raw() {
    let server = TestServer::start(|_, _| {
        Reply::raw(502, "<html>upstream down</html>").header("x-request-id", "req_html")
    })
    .await;
    let (client, _) = server.client_with(|c| c.max_retries(0));
    let e = client.list_models().await.unwrap_err();
    let api = e.api().expect("an API error");
    assert_eq!(api.raw_body.as_deref(), Some("<html>upstream down</html>"));
    assert_eq!(api.request_id.as_deref(), Some("req_html"));
    assert_eq!(api.kind, None);
}

#[tokio::test]
async fn success_body_that_does_not_decode_keeps_the_body() {
    let server = TestServer::start(|_, _| Reply::raw(200, "definitely not json")).await;
    let (client, _) = server.client();
    match client.list_models().await {
        Err(Error::Decode { body, .. }) => assert_eq!(body, "definitely not json"),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn token_appears_in_no_error_or_debug_output() {
    let server = TestServer::start(|_, _| {
        Reply::json(401, json!({"error": {"message": "Incorrect API key provided", "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}}))
    })
    .await;
    let (client, _) = server.client();
    let api_err = client.list_models().await.unwrap_err();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = Config::new(format!("http://127.0.0.1:{port}/v1"))
        .api_key(ApiKey::new(TOKEN))
        .max_retries(0);
    let offline = Client::new(config).unwrap();
    let conn_err = offline.list_models().await.unwrap_err();
    let shown = format!("{api_err} {api_err:?} {conn_err} {conn_err:?} {client:?} {offline:?}");
    assert!(!shown.contains(TOKEN), "the token leaked: {shown}");
    assert!(
        shown.contains("<redacted>"),
        "the client's Debug should show the key as redacted"
    );
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str()),
        "but it is sent"
    );
}

#[test]
fn bad_base_url_is_a_config_error() {
    assert!(matches!(
        Client::new(Config::new("not a url")),
        Err(Error::Config(_))
    ));
}

#[tokio::test]
async fn an_id_of_dot_dot_is_refused_before_anything_is_sent() {
    let server = TestServer::start(|_, _| Reply::json(200, json!({}))).await;
    let (client, _) = server.client();
    let error = client.retrieve_thread("..").await.unwrap_err();
    assert!(
        matches!(&error, Error::InvalidId(id) if id == ".."),
        "{error}"
    );
    let error = client.retrieve_run("thread_1", ".").await.unwrap_err();
    assert!(
        matches!(&error, Error::InvalidId(id) if id == "."),
        "{error}"
    );
    assert!(
        server.requests().is_empty(),
        "no request may leave for another resource"
    );
}

#[tokio::test]
async fn a_connection_error_does_not_quote_the_query_string() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let client = Client::new(
        Config::new(format!("http://{addr}/v1?key=sk-in-query-31"))
            .api_key(ApiKey::new(TOKEN))
            .max_retries(0),
    )
    .unwrap();
    let error = client.retrieve_assistant("asst_1").await.unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(matches!(error, Error::Connection(_)), "{shown}");
    assert!(!shown.contains("sk-in-query-31"), "{shown}");
}
