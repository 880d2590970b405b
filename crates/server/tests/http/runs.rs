//! Runs over HTTP: the streamed event order, the function-tool loop, cancelling.

use std::time::Duration;

use futures_util::StreamExt;
use hearth_client::EventStream;
use hearth_scripted::{Script, ScriptedCall};
use hearth_wire::{RunStatus, StreamEvent};
use serde_json::{Value, json};

use crate::support::{Server, sse_frames, start, streamed_text};

async fn collect(mut events: EventStream) -> Vec<StreamEvent> {
    let mut all = Vec::new();
    while let Some(event) = tokio::time::timeout(Duration::from_secs(20), events.next())
        .await
        .expect("the stream should keep going until done")
    {
        all.push(event.expect("every event should decode"));
    }
    all
}

fn names(events: &[StreamEvent]) -> Vec<&str> {
    events.iter().map(StreamEvent::name).collect()
}

fn weather_call() -> ScriptedCall {
    ScriptedCall::new("call_w1", "get_weather", ["{\"city\":", "\"Paris\"}"])
}

#[tokio::test]
async fn a_streamed_text_run_sends_the_canonical_frames() {
    let server = start(vec![Script::text(["Hel", "lo", "!"])]).await;
    let assistant = server.assistant(false).await;
    let thread = server.thread().await;
    let response = server
        .post(
            &format!("/v1/threads/{thread}/runs"),
            &json!({"assistant_id": assistant, "stream": true}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    assert_eq!(response.headers()["cache-control"], "no-cache");
    assert!(response.headers().contains_key("x-request-id"));
    let body = response.text().await.unwrap();
    assert!(
        body.ends_with("\n\nevent: done\ndata: [DONE]\n\n"),
        "the stream should end with the done frame: {body}"
    );
    let frames = sse_frames(&body);
    let mut events: Vec<&str> = frames.iter().map(|(event, _)| event.as_str()).collect();
    // Text that follows text closely may be joined into fewer deltas (the server's text hold).
    events.dedup_by(|next, last| *next == "thread.message.delta" && next == last);
    assert_eq!(
        events,
        [
            "thread.run.created",
            "thread.run.queued",
            "thread.run.in_progress",
            "thread.run.step.created",
            "thread.run.step.in_progress",
            "thread.message.created",
            "thread.message.in_progress",
            "thread.message.delta",
            "thread.message.completed",
            "thread.run.step.completed",
            "thread.run.completed",
            "done",
        ]
    );
    for (event, data) in &frames[..frames.len() - 1] {
        let value: Value = serde_json::from_str(data)
            .unwrap_or_else(|_| panic!("{event} should carry one line of JSON"));
        assert!(
            value["id"].is_string(),
            "{event} data should be an object with an id"
        );
    }
    let completed: Value = serde_json::from_str(&frames[frames.len() - 2].1).unwrap();
    assert_eq!(completed["status"], "completed");
    assert_eq!(completed["thread_id"], thread);
    let streamed = streamed_text(&frames);
    assert_eq!(
        streamed, "Hello!",
        "the deltas add up to the answer, in order"
    );
    let (_, message) = frames
        .iter()
        .find(|(event, _)| event == "thread.message.completed")
        .unwrap();
    let message: Value = serde_json::from_str(message).unwrap();
    assert_eq!(message["content"][0]["text"]["value"], "Hello!");
}

#[tokio::test]
async fn create_thread_and_run_streams_the_thread_first_or_answers_the_run() {
    let server = start(vec![Script::text(["Hi"]), Script::text(["Again"])]).await;
    let assistant = server.assistant(false).await;
    let client = server.client();
    let body = json!({
        "assistant_id": assistant,
        "thread": {"messages": [{"role": "user", "content": "Hi?"}]}
    });
    let events = collect(client.create_thread_and_run_stream(&body).await.unwrap()).await;
    let StreamEvent::ThreadCreated(thread) = &events[0] else {
        panic!("thread.created should come first: {:?}", names(&events));
    };
    let StreamEvent::RunCompleted(run) = &events[events.len() - 2] else {
        panic!("the run should complete: {:?}", names(&events));
    };
    assert_eq!(run.thread_id, thread.id);
    assert_eq!(events.last(), Some(&StreamEvent::Done));

    let run = client.create_thread_and_run(&body).await.unwrap();
    assert_eq!(run.status, RunStatus::Queued);
    assert!(
        client.retrieve_thread(&run.thread_id).await.is_ok(),
        "the new thread should exist"
    );
    server
        .wait_for(&run.thread_id, &run.id, RunStatus::Completed)
        .await;
}

async fn tool_server() -> (Server, String, String) {
    let server = start(vec![
        Script::tool_calls([weather_call()]),
        Script::text(["Sunny."]),
    ])
    .await;
    let assistant = server.assistant(true).await;
    let thread = server.thread().await;
    (server, assistant, thread)
}

#[tokio::test]
async fn the_function_tool_loop_streams_through_requires_action() {
    let (server, assistant, thread) = tool_server().await;
    let client = server.client();
    let first = collect(
        client
            .create_run_stream(&thread, &json!({"assistant_id": assistant}), &[])
            .await
            .unwrap(),
    )
    .await;
    let first_names = names(&first);
    assert_eq!(
        first_names[first_names.len() - 2],
        "thread.run.requires_action"
    );
    assert_eq!(first_names.last(), Some(&"done"));
    assert!(first_names.contains(&"thread.run.step.delta"));
    let StreamEvent::RunRequiresAction(run) = &first[first.len() - 2] else {
        unreachable!()
    };
    let calls = &run
        .required_action
        .as_ref()
        .unwrap()
        .submit_tool_outputs
        .tool_calls;
    assert!(calls[0].id.starts_with("call_"));
    assert_eq!(calls[0].function.name, "get_weather");
    assert_eq!(calls[0].function.arguments, "{\"city\":\"Paris\"}");

    let outputs = json!({"tool_outputs": [{"tool_call_id": calls[0].id, "output": "22C sunny"}]});
    let second = collect(
        client
            .submit_tool_outputs_stream(&thread, &run.id, &outputs)
            .await
            .unwrap(),
    )
    .await;
    let second_names = names(&second);
    assert_eq!(
        &second_names[..3],
        [
            "thread.run.step.completed",
            "thread.run.queued",
            "thread.run.in_progress"
        ]
    );
    assert_eq!(
        &second_names[second_names.len() - 2..],
        ["thread.run.completed", "done"]
    );

    let again = server
        .post(
            &format!("/v1/threads/{thread}/runs/{}/submit_tool_outputs", run.id),
            &outputs,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 400, "a completed run takes no more outputs");
}

#[tokio::test]
async fn the_function_tool_loop_works_by_polling_too() {
    let (server, assistant, thread) = tool_server().await;
    let client = server.client();
    let run = client
        .create_run(&thread, &json!({"assistant_id": assistant}), &[])
        .await
        .unwrap();
    assert_eq!(run.status, RunStatus::Queued);
    server
        .wait_for(&thread, &run.id, RunStatus::RequiresAction)
        .await;
    let polled = client.retrieve_run(&thread, &run.id).await.unwrap();
    assert_eq!(polled.status, RunStatus::RequiresAction);
    let call_id = &polled
        .required_action
        .as_ref()
        .unwrap()
        .submit_tool_outputs
        .tool_calls[0]
        .id;

    let wrong = json!({"tool_outputs": [{"tool_call_id": "call_other", "output": "x"}]});
    let error = client
        .submit_tool_outputs(&thread, &run.id, &wrong)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(400));

    let outputs = json!({"tool_outputs": [{"tool_call_id": call_id, "output": "22C sunny"}]});
    let resumed = client
        .submit_tool_outputs(&thread, &run.id, &outputs)
        .await
        .unwrap();
    assert_eq!(resumed.status, RunStatus::Queued);
    server
        .wait_for(&thread, &run.id, RunStatus::Completed)
        .await;

    let steps = client
        .list_run_steps(&thread, &run.id, &Default::default())
        .await
        .unwrap();
    assert_eq!(steps.data.len(), 2, "a tool step and a message step");
    let step = client
        .retrieve_run_step(&thread, &run.id, &steps.data[0].id, &[])
        .await
        .unwrap();
    assert_eq!(step.id, steps.data[0].id);
}

#[tokio::test]
async fn cancelling_a_run_closes_it_as_cancelled() {
    let slow = Script::text(["a", "b", "c", "d", "e"]).delay(Duration::from_millis(300));
    let server = start(vec![slow]).await;
    let assistant = server.assistant(false).await;
    let thread = server.thread().await;
    let client = server.client();
    let run = client
        .create_run(&thread, &json!({"assistant_id": assistant}), &[])
        .await
        .unwrap();
    let cancelling = client.cancel_run(&thread, &run.id).await.unwrap();
    assert!(
        matches!(
            cancelling.status,
            RunStatus::Cancelling | RunStatus::Cancelled
        ),
        "cancel should answer cancelling, got {}",
        cancelling.status
    );
    server
        .wait_for(&thread, &run.id, RunStatus::Cancelled)
        .await;
    let again = server
        .post(
            &format!("/v1/threads/{thread}/runs/{}/cancel", run.id),
            &json!({}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 400);
    let body: Value = again.json().await.unwrap();
    assert_eq!(
        body["error"]["message"],
        "Cannot cancel run with status 'cancelled'."
    );
}

#[tokio::test]
async fn a_client_that_hangs_up_does_not_stop_the_run() {
    let slow = Script::text(["a", "b", "c"]).delay(Duration::from_millis(100));
    let server = start(vec![slow]).await;
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
    drop(events);
    server
        .wait_for(&thread, &run.id, RunStatus::Completed)
        .await;
}
