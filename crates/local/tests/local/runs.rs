//! Runs through the engine on the real default model.

use std::time::Duration;

use hearth_engine::providers::{ChatMessage, ChatRequest, Provider};
use hearth_wire::{RunStatus, StreamEvent};

use crate::support::{MODEL_ID, collect, delta_text, final_run, fixture, next};

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_streams_in_pieces_and_is_stored_as_streamed() {
    let fx = fixture();
    let assistant = fx.assistant(MODEL_ID);
    let thread = fx.thread("What is the capital of France?");
    let events = collect(fx.run(&thread, &assistant, Some(256))).await;

    let deltas: Vec<String> = events.iter().filter_map(delta_text).collect();
    assert!(
        deltas.len() >= 3,
        "the answer should arrive in several deltas, got {deltas:?}"
    );
    let streamed = deltas.concat();
    assert!(
        !streamed.trim().is_empty(),
        "the answer should not be empty"
    );
    let run = final_run(&events);
    assert!(
        matches!(run.status, RunStatus::Completed | RunStatus::Incomplete),
        "the run should end normally: {run:?}"
    );
    let usage = run.usage.expect("a finished run should carry usage");
    assert!(
        usage.prompt_tokens > 10,
        "the prompt has the template and the question"
    );
    assert!(usage.completion_tokens >= deltas.len() as u64 / 2);
    assert!(
        usage.completion_tokens <= 256,
        "max_completion_tokens should hold"
    );
    assert_eq!(
        fx.answer(&thread),
        streamed,
        "what was streamed is what was stored"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cancelling_a_run_stops_generation_and_frees_the_model() {
    let fx = fixture();
    let assistant = fx.assistant(MODEL_ID);
    let thread = fx.thread("Write a very long story about a dragon who learns to cook.");
    let mut stream = fx.run(&thread, &assistant, None);
    let run_id = stream.run.id.clone();
    let mut seen = 0;
    while seen < 3 {
        let event = next(&mut stream).await.expect("the run should stream text");
        if delta_text(&event).is_some() {
            seen += 1;
        }
    }
    fx.engine.cancel_run(&thread, &run_id).unwrap();
    let events = collect(stream).await;
    assert_eq!(final_run(&events).status, RunStatus::Cancelled);

    // Generation stopped: the stored partial answer no longer grows.
    let partial = fx.answer(&thread);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        fx.answer(&thread),
        partial,
        "nothing should be generated after the cancel"
    );

    // And the model is free at once for the next run (a story left generating would hold it for
    // thousands of tokens).
    let events = collect(fx.run(&thread, &assistant, Some(256))).await;
    assert!(
        matches!(
            final_run(&events).status,
            RunStatus::Completed | RunStatus::Incomplete
        ),
        "a run after the cancelled one should finish"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_runs_each_get_their_own_whole_answer() {
    let fx = fixture();
    let assistant = fx.assistant(MODEL_ID);
    let first = fx.thread("Name three colours.");
    let second = fx.thread("Count from one to five in words.");
    let (a, b) = tokio::join!(
        collect(fx.run(&first, &assistant, Some(256))),
        collect(fx.run(&second, &assistant, Some(256))),
    );
    for (thread, events) in [(&first, &a), (&second, &b)] {
        let run = final_run(events);
        assert!(
            matches!(run.status, RunStatus::Completed | RunStatus::Incomplete),
            "both runs should finish: {run:?}"
        );
        let streamed: String = events.iter().filter_map(delta_text).collect();
        assert!(!streamed.is_empty(), "each run should get text");
        assert_eq!(
            fx.answer(thread),
            streamed,
            "each thread should hold exactly what its own run streamed"
        );
        // A run cut at its token limit ends its message `incomplete`, as hosted runs did.
        let message_ended: fn(&StreamEvent) -> bool = if run.status == RunStatus::Incomplete {
            |e: &StreamEvent| matches!(e, StreamEvent::MessageIncomplete(_))
        } else {
            |e: &StreamEvent| matches!(e, StreamEvent::MessageCompleted(_))
        };
        assert!(
            events.iter().any(message_ended),
            "each message should end as its run did: {:?}",
            run.status
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_model_reports_its_context_window_and_refuses_tools() {
    let fx = fixture();
    let models = fx.provider.list_models().await.unwrap();
    assert_eq!(models.len(), 1);
    assert_eq!(models[0].id, MODEL_ID);
    // Trained for 8192 tokens, capped by the provider's default of 4096.
    assert_eq!(models[0].context_window, Some(4096));
    assert!(!fx.provider.supports_tools());

    let mut request = ChatRequest::new(MODEL_ID, vec![ChatMessage::user("Weather?")]);
    request.tools = vec![
        serde_json::from_value(serde_json::json!({"name": "get_weather", "parameters": {}}))
            .unwrap(),
    ];
    let error = fx.provider.stream_chat(&request).await.err().unwrap();
    assert!(
        error.to_string().contains("cannot call tools"),
        "a request with tools should fail clearly: {error}"
    );
}
