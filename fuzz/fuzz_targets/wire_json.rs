//! Wire JSON over arbitrary bytes: as every request body the server accepts (read the way the
//! server reads it, then checked), as every object and list the client decodes, and as the data of
//! every stream event. Whatever decodes must decode again, unchanged, from its own encoding; a
//! stream event also from the SSE frame the server writes for it.

#![no_main]

use hearth_client::decode_event;
use hearth_http::sse::{SseEvent, SseParser};
use hearth_wire::*;
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Decodes `body` as the server does; what decodes is checked and must round-trip.
fn request<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug + Validate>(body: &[u8]) {
    if let Ok(value) = hearth_engine::request_body::<T>(body) {
        let _ = value.validate();
        round_trip(&value);
    }
}

/// Decodes `body` as the client does; what decodes must round-trip.
fn object<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(body: &[u8]) {
    if let Ok(value) = serde_json::from_slice::<T>(body) {
        round_trip(&value);
    }
}

fn round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(value: &T) {
    let encoded = serde_json::to_vec(value).expect("a decoded value encodes");
    let again: T = serde_json::from_slice(&encoded).unwrap_or_else(|error| {
        panic!(
            "{} does not decode: {error}",
            String::from_utf8_lossy(&encoded)
        )
    });
    assert_eq!(&again, value, "{}", String::from_utf8_lossy(&encoded));
}

/// Decodes `data` as the data of an event named `name`, the way the client does.
fn stream_event(name: &str, data: &str) {
    let sse = SseEvent {
        event: Some(name.to_owned()),
        data: data.to_owned(),
    };
    let Ok(event) = decode_event(&sse) else {
        return;
    };
    // The server's frame for the event, read back by the client's parser.
    let frame = event.to_sse_frame();
    let mut parser = SseParser::new();
    let mut frames = Vec::new();
    parser
        .feed(frame.as_bytes(), &mut frames)
        .expect("a frame is small");
    assert_eq!(frames.len(), 1, "{frame:?} is not one event");
    let again = decode_event(&frames[0])
        .unwrap_or_else(|error| panic!("{frame:?} does not decode: {error}"));
    assert_eq!(again, event, "{frame:?}");
}

fuzz_target!(|data: &[u8]| {
    request::<CreateAssistantRequest>(data);
    request::<ModifyAssistantRequest>(data);
    request::<CreateThreadRequest>(data);
    request::<ModifyThreadRequest>(data);
    request::<CreateMessageRequest>(data);
    request::<ModifyMetadataRequest>(data);
    request::<CreateRunRequest>(data);
    request::<CreateThreadAndRunRequest>(data);
    request::<SubmitToolOutputsRequest>(data);
    request::<CreateVectorStoreRequest>(data);
    request::<UpdateVectorStoreRequest>(data);
    request::<VectorStoreSearchRequest>(data);
    request::<CreateVectorStoreFileRequest>(data);
    request::<CreateVectorStoreFileBatchRequest>(data);
    request::<UpdateVectorStoreFileAttributesRequest>(data);

    object::<Assistant>(data);
    object::<AssistantDeleted>(data);
    object::<Thread>(data);
    object::<ThreadDeleted>(data);
    object::<Message>(data);
    object::<MessageDeleted>(data);
    object::<Run>(data);
    object::<RunStep>(data);
    object::<FileObject>(data);
    object::<FileDeleted>(data);
    object::<VectorStore>(data);
    object::<VectorStoreDeleted>(data);
    object::<VectorStoreFile>(data);
    object::<VectorStoreFileDeleted>(data);
    object::<VectorStoreFileBatch>(data);
    object::<VectorStoreFileContent>(data);
    object::<VectorStoreSearchResultsPage>(data);
    object::<ModelList>(data);
    object::<ListResponse<Message>>(data);
    object::<ListResponse<RunStep>>(data);
    object::<ErrorResponse>(data);

    // The data of an event as the parser gives it: text whose lines were joined with LF (a CR
    // ends a line in a stream, so it never reaches the data).
    if let Ok(text) = std::str::from_utf8(data)
        && !text.contains('\r')
    {
        for name in StreamEvent::KNOWN_NAMES {
            stream_event(name, text);
        }
        stream_event("thread.run.something_new", text);
    }
});
