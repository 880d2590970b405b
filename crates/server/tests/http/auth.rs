//! The token, the beta header and the request id.

use serde_json::{Value, json};

use crate::support::{TOKEN, start};

fn unauthorized() -> Value {
    json!({"error": {
        "message": "Incorrect API key provided.",
        "type": "invalid_request_error",
        "param": null,
        "code": "invalid_api_key"
    }})
}

#[tokio::test]
async fn a_request_without_a_token_gets_the_401_envelope() {
    let server = start(vec![]).await;
    let response = server
        .http
        .get(server.url("/v1/assistants"))
        .header("OpenAI-Beta", "assistants=v2")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["content-type"],
        "application/json",
        "errors should be JSON so node parses them"
    );
    assert!(
        response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .starts_with("req_"),
        "even a refused request should carry a request id"
    );
    assert_eq!(response.json::<Value>().await.unwrap(), unauthorized());
}

#[tokio::test]
async fn a_wrong_token_gets_the_401_without_echoing_it() {
    let server = start(vec![]).await;
    for authorization in [
        "Bearer sk-wrong-secret",
        "Basic sk-wrong-secret",
        "sk-wrong-secret",
    ] {
        let response = server
            .http
            .get(server.url("/v1/models"))
            .header("Authorization", authorization)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{authorization} should be refused");
        let body = response.text().await.unwrap();
        assert!(
            !body.contains("sk-wrong-secret"),
            "the token must never be echoed"
        );
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            unauthorized()
        );
    }
    let prefix = &TOKEN[..TOKEN.len() - 1];
    let response = server
        .http
        .get(server.url("/v1/models"))
        .bearer_auth(prefix)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        401,
        "a prefix of the token is not the token"
    );
}

#[tokio::test]
async fn the_assistants_surface_needs_the_v2_beta_header_and_models_do_not() {
    let server = start(vec![]).await;
    let missing = server
        .http
        .get(server.url("/v1/assistants"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 400);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert_eq!(body["error"]["code"], "invalid_beta");
    assert_eq!(body["error"]["param"], Value::Null);

    let v1 = server
        .http
        .post(server.url("/v1/threads"))
        .bearer_auth(TOKEN)
        .header("OpenAI-Beta", "assistants=v1")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(v1.status(), 400, "assistants=v1 is retired");
    assert_eq!(
        v1.json::<Value>().await.unwrap()["error"]["code"],
        "invalid_beta"
    );

    let listed = server
        .http
        .get(server.url("/v1/assistants"))
        .bearer_auth(TOKEN)
        .header("OpenAI-Beta", "realtime=v1, assistants=v2")
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed.status(),
        200,
        "a comma-separated list with v2 is accepted"
    );

    let models = server
        .http
        .get(server.url("/v1/models"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(models.status(), 200, "/models needs no beta header");
}

#[tokio::test]
async fn every_response_has_its_own_request_id() {
    let server = start(vec![]).await;
    let mut ids = Vec::new();
    for path in ["/v1/models", "/v1/assistants", "/v1/nowhere"] {
        let response = server.get(path).send().await.unwrap();
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            id.starts_with("req_") && id.len() > 10,
            "{id} should look like req_…"
        );
        ids.push(id);
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "request ids should not repeat");
}
