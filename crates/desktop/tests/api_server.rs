//! "Let programs on this computer use Hearth": the app's own API server, started through the app's
//! state and spoken to over real HTTP on loopback, its token in the real OS keychain (a private
//! test keyring), answering from a scripted model server.

use std::time::Duration;

use hearth_desktop::providers::ProviderName;
use hearth_desktop::{API_TOKEN_ACCOUNT, Hearth, Paths};
use hearth_scripted::{Script, ScriptedOpenAi};
use hearth_wire::RunStatus;
use serde_json::{Value, json};

fn open(dir: &std::path::Path) -> Hearth {
    Hearth::open(Paths {
        data_dir: dir.join("data"),
        settings_file: dir.join("config").join("settings.json"),
    })
    .expect("Hearth should open on a fresh folder")
}

fn post(http: &reqwest::Client, url: String, token: &str, body: Value) -> reqwest::RequestBuilder {
    http.post(url)
        .bearer_auth(token)
        .header("OpenAI-Beta", "assistants=v2")
        .json(&body)
}

async fn status_of(http: &reqwest::Client, url: String, token: &str) -> u16 {
    http.get(url)
        .bearer_auth(token)
        .header("OpenAI-Beta", "assistants=v2")
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn programs_on_this_computer_share_the_apps_engine_through_its_server() {
    // A token left by an earlier run of this test would not be shown again.
    hearth_keychain::delete(API_TOKEN_ACCOUNT).unwrap();
    let provider = ScriptedOpenAi::start(vec![
        Script::text(["From ", "code ", "and ", "the ", "window."])
            .delay(Duration::from_millis(150)),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let hearth = open(dir.path());
    hearth
        .set_provider_url(ProviderName::Compatible, Some(&provider.base_url()), false)
        .unwrap();

    let off = hearth.api_server().await;
    assert!(!off.enabled && !off.running, "off until turned on: {off:?}");

    let on = hearth.start_api_server().await.unwrap();
    let token = on
        .new_token
        .clone()
        .expect("the first start shows the new token");
    let base = on
        .base_url
        .clone()
        .expect("a running server has an address");
    assert!(on.enabled && on.running && on.port.is_some(), "{on:?}");
    assert!(
        base.starts_with("http://127.0.0.1:"),
        "loopback only: {base}"
    );
    assert_eq!(
        hearth_keychain::get(API_TOKEN_ACCOUNT)
            .unwrap()
            .unwrap()
            .expose(),
        token,
        "the token is kept in the keychain"
    );
    assert!(
        hearth.api_server().await.new_token.is_none(),
        "the token is shown once"
    );

    let http = reqwest::Client::new();
    assert_eq!(
        status_of(&http, format!("{base}/assistants"), "not-the-token").await,
        401,
        "a request without the token is refused"
    );

    // What code creates, the window's backend lists; the window is told something changed.
    let mut changes = hearth.api_changes();
    let assistant: Value = post(
        &http,
        format!("{base}/assistants"),
        &token,
        json!({"model": "scripted-model", "name": "Made by a script"}),
    )
    .send()
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    tokio::time::timeout(Duration::from_secs(5), changes.changed())
        .await
        .expect("the window should hear of the change")
        .unwrap();
    let listed = hearth.backend().unwrap().list_assistants().await.unwrap();
    assert!(
        listed.iter().any(|a| a.id == assistant["id"]),
        "the assistant made over HTTP should be in the app's list"
    );

    // A run started by code is live in the app's engine while it streams.
    let response = post(
        &http,
        format!("{base}/threads/runs"),
        &token,
        json!({
            "assistant_id": assistant["id"],
            "stream": true,
            "thread": {"messages": [{"role": "user", "content": "Hello"}]}
        }),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let backend = hearth.backend().unwrap();
    let thread_id = loop {
        let threads = backend.store().thread_summaries(None).unwrap();
        if let Some(thread) = threads.first() {
            break thread.id.clone();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let runs = backend.list_runs(&thread_id).await.unwrap();
    assert!(
        matches!(
            runs.last().map(|run| &run.status),
            Some(RunStatus::Queued | RunStatus::InProgress)
        ),
        "the app should see the script's run while it streams: {runs:?}"
    );
    let body = response.text().await.unwrap();
    assert!(
        body.contains("thread.run.completed"),
        "the run should end: {body}"
    );

    // Off: the port closes, and it stays off.
    let port = on.port.unwrap();
    let stopped = hearth.stop_api_server().await.unwrap();
    assert!(!stopped.enabled && !stopped.running);
    assert!(
        http.get(format!("{base}/models")).send().await.is_err(),
        "nothing should listen after turning it off"
    );

    // On again: the same token and port, the token not shown again.
    let again = hearth.start_api_server().await.unwrap();
    assert!(
        again.new_token.is_none(),
        "an existing token is not shown again"
    );
    assert_eq!(again.port, Some(port), "the port is remembered");
    assert_eq!(
        status_of(&http, format!("{base}/assistants"), &token).await,
        200
    );

    // A new token replaces the old one at once.
    let renewed = hearth.new_api_server_token().await.unwrap();
    let new_token = renewed.new_token.expect("a new token is shown once");
    assert_ne!(new_token, token);
    assert_eq!(
        status_of(&http, format!("{base}/assistants"), &token).await,
        401
    );
    assert_eq!(
        status_of(&http, format!("{base}/assistants"), &new_token).await,
        200
    );

    // Remembered across restarts of the app.
    drop(hearth);
    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        while http.get(format!("{base}/models")).send().await.is_ok() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(
        closed.is_ok(),
        "the server should close with the app's state"
    );
    let reopened = open(dir.path());
    assert!(
        !reopened.api_server().await.running,
        "nothing listens before the app resumes it"
    );
    reopened.resume_api_server().await;
    let resumed = reopened.api_server().await;
    assert!(resumed.enabled && resumed.running, "{resumed:?}");
    assert_eq!(resumed.port, Some(port), "the same address after a restart");
    assert_eq!(
        status_of(&http, format!("{base}/assistants"), &new_token).await,
        200
    );
    reopened.stop_api_server().await.unwrap();
    hearth_keychain::delete(API_TOKEN_ACCOUNT).unwrap();
}
