//! Shutting down while a run is in flight.

use std::time::Duration;

use futures_util::StreamExt;
use hearth_scripted::Script;
use hearth_wire::{RunStatus, StreamEvent};
use serde_json::json;

use crate::support::start;

#[tokio::test]
async fn shutdown_cancels_in_flight_runs_and_ends_their_streams() {
    let slow = Script::text(["a", "b", "c", "d", "e", "f"]).delay(Duration::from_millis(400));
    let mut server = start(vec![slow]).await;
    let assistant = server.assistant(false).await;
    let thread = server.thread().await;
    let mut events = server
        .client()
        .create_run_stream(&thread, &json!({"assistant_id": assistant}), &[])
        .await
        .unwrap();
    let Some(Ok(StreamEvent::RunCreated(run))) = events.next().await else {
        panic!("the first event should be thread.run.created");
    };
    server
        .wait_for(&thread, &run.id, RunStatus::InProgress)
        .await;

    let reader = tokio::spawn(async move {
        let mut names = Vec::new();
        while let Some(event) = events.next().await {
            names.push(
                event
                    .map(|event| event.name().to_owned())
                    .unwrap_or_default(),
            );
        }
        names
    });
    server.shut_down().await.expect("serve should end cleanly");

    assert_eq!(server.engine.running(), 0, "no run should still execute");
    let stored = server.engine.get_run(&thread, &run.id).unwrap();
    assert_eq!(stored.status, RunStatus::Cancelled);
    let names = tokio::time::timeout(Duration::from_secs(10), reader)
        .await
        .expect("the stream should end with the server")
        .unwrap();
    assert!(
        names.ends_with(&["thread.run.cancelled".to_owned(), "done".to_owned()]),
        "the open stream should see the run cancelled, then done: {names:?}"
    );
    assert!(
        server
            .http
            .get(server.url("/v1/models"))
            .send()
            .await
            .is_err(),
        "nothing should be listening any more"
    );
}
