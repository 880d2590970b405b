//! Server-sent events of streamed runs as one type. The SSE form is a pair (event name, data
//! string); the JSON form, used on typed channels and by the schema's `AssistantStreamEvent`, is
//! `{"event": name, "data": ...}`. Unknown event names are kept verbatim, never an error.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::common::{ApiError, ErrorResponse};
use crate::messages::{Message, MessageDelta, MessageStatus};
use crate::runs::{Run, RunStatus};
use crate::steps::{RunStep, RunStepDelta, RunStepStatus};
use crate::threads::Thread;

/// The `data` of the final `done` event.
pub const DONE_DATA: &str = "[DONE]";

/// A stream event whose name is known but whose data does not fit it.
#[derive(Debug, thiserror::Error)]
#[error("malformed data for stream event '{event}': {source}")]
pub struct StreamEventError {
    /// The event name.
    pub event: String,
    /// The data as received, kept for diagnosis.
    pub data: String,
    /// Why it did not decode.
    #[source]
    pub source: serde_json::Error,
}

macro_rules! stream_events {
    ($( $(#[$doc:meta])* $variant:ident($ty:ty) = $name:literal, )+) => {
        /// One event of an assistants stream.
        #[derive(Debug, Clone, PartialEq)]
        pub enum StreamEvent {
            $( $(#[$doc])* $variant($ty), )+
            /// `error`: a failure mid-stream.
            Error(ApiError),
            /// `done`: the end of the stream (data `[DONE]`).
            Done,
            /// An event this crate does not know, kept with its data as received (a JSON value,
            /// or a string when the data was not JSON).
            Unknown {
                /// The event name.
                event: String,
                /// The data.
                data: Value,
            },
        }

        impl StreamEvent {
            /// Every event name this crate knows.
            pub const KNOWN_NAMES: &'static [&'static str] = &[$($name,)+ "error", "done"];

            /// The SSE event name.
            pub fn name(&self) -> &str {
                match self {
                    $( StreamEvent::$variant(_) => $name, )+
                    StreamEvent::Error(_) => "error",
                    StreamEvent::Done => "done",
                    StreamEvent::Unknown { event, .. } => event,
                }
            }

            /// Builds an event from its name and already-parsed data (the JSON form).
            pub fn from_json(event: &str, data: Value) -> Result<Self, StreamEventError> {
                let invalid = |data: &Value, source| StreamEventError {
                    event: event.to_owned(),
                    data: data.to_string(),
                    source,
                };
                match event {
                    $( $name => <$ty>::deserialize(&data)
                        .map(StreamEvent::$variant)
                        .map_err(|e| invalid(&data, e)), )+
                    "error" => {
                        // Both shapes occur: the spec's bare Error and `{"error": Error}`, which
                        // is what every SDK version raises cleanly on.
                        let inner = match &data {
                            Value::Object(map) if map.get("error").is_some_and(Value::is_object) => &map["error"],
                            _ => &data,
                        };
                        ApiError::deserialize(inner).map(StreamEvent::Error).map_err(|e| invalid(&data, e))
                    }
                    "done" => Ok(StreamEvent::Done),
                    _ => Ok(StreamEvent::Unknown { event: event.to_owned(), data }),
                }
            }

            /// The data in the JSON form (`[DONE]` as a string, errors bare as in the spec).
            pub fn data_json(&self) -> Value {
                let value = match self {
                    $( StreamEvent::$variant(data) => serde_json::to_value(data), )+
                    StreamEvent::Error(error) => serde_json::to_value(error),
                    StreamEvent::Done => return Value::String(DONE_DATA.to_owned()),
                    StreamEvent::Unknown { data, .. } => return data.clone(),
                };
                // Serializing these types cannot fail: every map key is a string.
                value.unwrap_or(Value::Null)
            }
        }
    };
}

stream_events! {
    /// `thread.created` (create-thread-and-run only).
    ThreadCreated(Thread) = "thread.created",
    /// `thread.run.created`
    RunCreated(Run) = "thread.run.created",
    /// `thread.run.queued`
    RunQueued(Run) = "thread.run.queued",
    /// `thread.run.in_progress`
    RunInProgress(Run) = "thread.run.in_progress",
    /// `thread.run.requires_action`
    RunRequiresAction(Run) = "thread.run.requires_action",
    /// `thread.run.completed`
    RunCompleted(Run) = "thread.run.completed",
    /// `thread.run.incomplete`
    RunIncomplete(Run) = "thread.run.incomplete",
    /// `thread.run.failed`
    RunFailed(Run) = "thread.run.failed",
    /// `thread.run.cancelling`
    RunCancelling(Run) = "thread.run.cancelling",
    /// `thread.run.cancelled`
    RunCancelled(Run) = "thread.run.cancelled",
    /// `thread.run.expired`
    RunExpired(Run) = "thread.run.expired",
    /// `thread.run.step.created`
    RunStepCreated(RunStep) = "thread.run.step.created",
    /// `thread.run.step.in_progress`
    RunStepInProgress(RunStep) = "thread.run.step.in_progress",
    /// `thread.run.step.delta`
    RunStepDelta(RunStepDelta) = "thread.run.step.delta",
    /// `thread.run.step.completed`
    RunStepCompleted(RunStep) = "thread.run.step.completed",
    /// `thread.run.step.failed`
    RunStepFailed(RunStep) = "thread.run.step.failed",
    /// `thread.run.step.cancelled`
    RunStepCancelled(RunStep) = "thread.run.step.cancelled",
    /// `thread.run.step.expired`
    RunStepExpired(RunStep) = "thread.run.step.expired",
    /// `thread.message.created`
    MessageCreated(Message) = "thread.message.created",
    /// `thread.message.in_progress`
    MessageInProgress(Message) = "thread.message.in_progress",
    /// `thread.message.delta`
    MessageDelta(MessageDelta) = "thread.message.delta",
    /// `thread.message.completed`
    MessageCompleted(Message) = "thread.message.completed",
    /// `thread.message.incomplete`
    MessageIncomplete(Message) = "thread.message.incomplete",
}

impl StreamEvent {
    /// Builds an event from an SSE frame's event name and data string.
    pub fn from_sse(event: &str, data: &str) -> Result<Self, StreamEventError> {
        if event == "done" {
            return Ok(StreamEvent::Done);
        }
        match serde_json::from_str::<Value>(data) {
            Ok(value) => Self::from_json(event, value),
            Err(_) if !Self::KNOWN_NAMES.contains(&event) => Ok(StreamEvent::Unknown {
                event: event.to_owned(),
                data: Value::String(data.to_owned()),
            }),
            Err(source) => Err(StreamEventError {
                event: event.to_owned(),
                data: data.to_owned(),
                source,
            }),
        }
    }

    /// Renders the SSE event name and data string. `done` carries `[DONE]`; `error` carries
    /// `{"error": {...}}`, the shape every SDK version raises on (the bare shape is silently
    /// dropped by some); unknown events give back their data as received.
    pub fn to_sse(&self) -> (String, String) {
        let data = match self {
            StreamEvent::Done => DONE_DATA.to_owned(),
            StreamEvent::Error(error) => serde_json::to_string(&ErrorResponse {
                error: error.clone(),
            })
            .unwrap_or_default(),
            StreamEvent::Unknown {
                data: Value::String(raw),
                ..
            } if serde_json::from_str::<Value>(raw).is_err() => raw.clone(),
            other => other.data_json().to_string(),
        };
        (self.name().to_owned(), data)
    }

    /// The whole SSE frame: `event: …\ndata: …\n\n`, with one `data:` line per line of data
    /// (a reader joins them again with `\n`).
    pub fn to_sse_frame(&self) -> String {
        let (event, data) = self.to_sse();
        let mut frame = String::with_capacity(event.len() + data.len() + 16);
        frame.push_str("event: ");
        frame.push_str(&event);
        frame.push('\n');
        for line in data.split('\n') {
            frame.push_str("data: ");
            frame.push_str(line);
            frame.push('\n');
        }
        frame.push('\n');
        frame
    }

    /// The event announcing `run` in its current status.
    pub fn for_run(run: Run) -> Self {
        let make = match run.status {
            RunStatus::Queued => StreamEvent::RunQueued,
            RunStatus::InProgress => StreamEvent::RunInProgress,
            RunStatus::RequiresAction => StreamEvent::RunRequiresAction,
            RunStatus::Cancelling => StreamEvent::RunCancelling,
            RunStatus::Cancelled => StreamEvent::RunCancelled,
            RunStatus::Failed => StreamEvent::RunFailed,
            RunStatus::Completed => StreamEvent::RunCompleted,
            RunStatus::Incomplete => StreamEvent::RunIncomplete,
            RunStatus::Expired => StreamEvent::RunExpired,
            RunStatus::Other(ref status) => {
                let event = format!("thread.run.{status}");
                return unknown(event, &run);
            }
        };
        make(run)
    }

    /// The event announcing `step` in its current status.
    pub fn for_step(step: RunStep) -> Self {
        let make = match step.status {
            RunStepStatus::InProgress => StreamEvent::RunStepInProgress,
            RunStepStatus::Cancelled => StreamEvent::RunStepCancelled,
            RunStepStatus::Failed => StreamEvent::RunStepFailed,
            RunStepStatus::Completed => StreamEvent::RunStepCompleted,
            RunStepStatus::Expired => StreamEvent::RunStepExpired,
            RunStepStatus::Other(ref status) => {
                let event = format!("thread.run.step.{status}");
                return unknown(event, &step);
            }
        };
        make(step)
    }

    /// The event announcing `message` in its current status.
    pub fn for_message(message: Message) -> Self {
        let make = match message.status {
            MessageStatus::InProgress => StreamEvent::MessageInProgress,
            MessageStatus::Incomplete => StreamEvent::MessageIncomplete,
            MessageStatus::Completed => StreamEvent::MessageCompleted,
            MessageStatus::Other(ref status) => {
                let event = format!("thread.message.{status}");
                return unknown(event, &message);
            }
        };
        make(message)
    }

    /// Whether this event ends a stream's run: a terminal run event or `requires_action`.
    pub fn is_final_run_event(&self) -> bool {
        matches!(
            self,
            StreamEvent::RunRequiresAction(_)
                | StreamEvent::RunCompleted(_)
                | StreamEvent::RunIncomplete(_)
                | StreamEvent::RunFailed(_)
                | StreamEvent::RunCancelled(_)
                | StreamEvent::RunExpired(_)
        )
    }
}

fn unknown(event: String, data: &impl Serialize) -> StreamEvent {
    StreamEvent::Unknown {
        event,
        data: serde_json::to_value(data).unwrap_or(Value::Null),
    }
}

/// The JSON form `{"event", "data"}`.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
struct Tagged {
    event: String,
    #[cfg_attr(feature = "specta", specta(type = crate::typescript::JsonValue))]
    data: Value,
}

impl Serialize for StreamEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Tagged {
            event: self.name().to_owned(),
            data: self.data_json(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for StreamEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Tagged { event, data } = Tagged::deserialize(deserializer)?;
        StreamEvent::from_json(&event, data).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn delta_data() -> &'static str {
        r#"{"id":"msg_1","object":"thread.message.delta","delta":{"content":[{"index":0,"type":"text","text":{"value":"Hel","annotations":[]}}]}}"#
    }

    #[test]
    fn a_message_delta_round_trips_through_sse() {
        let event = StreamEvent::from_sse("thread.message.delta", delta_data()).unwrap();
        let StreamEvent::MessageDelta(delta) = &event else {
            panic!("should be a message delta")
        };
        assert_eq!(delta.id, "msg_1");
        let (name, data) = event.to_sse();
        assert_eq!(name, "thread.message.delta");
        assert_eq!(
            serde_json::from_str::<Value>(&data).unwrap(),
            serde_json::from_str::<Value>(delta_data()).unwrap()
        );
    }

    #[test]
    fn done_is_not_json() {
        let done = StreamEvent::from_sse("done", "[DONE]").unwrap();
        assert_eq!(done, StreamEvent::Done);
        assert_eq!(done.to_sse(), ("done".to_owned(), "[DONE]".to_owned()));
        assert_eq!(done.to_sse_frame(), "event: done\ndata: [DONE]\n\n");
        assert_eq!(
            serde_json::to_value(&done).unwrap(),
            json!({"event": "done", "data": "[DONE]"})
        );
    }

    #[test]
    fn data_of_several_lines_is_framed_as_several_data_lines() {
        // Data joined from two `data:` lines, as the client's parser gives it. In one `data:` line
        // its line break would end the line there: the reader would see `second` as a field name
        // and lose it.
        let event = StreamEvent::from_sse("thread.run.step.paused", "first\nsecond").unwrap();
        assert_eq!(
            event.to_sse_frame(),
            "event: thread.run.step.paused\ndata: first\ndata: second\n\n"
        );
    }

    #[test]
    fn unknown_events_are_kept_verbatim() {
        let event = StreamEvent::from_sse("thread.run.step.paused", r#"{"id":"step_1","x":[1,2]}"#)
            .unwrap();
        assert_eq!(
            event,
            StreamEvent::Unknown {
                event: "thread.run.step.paused".into(),
                data: json!({"id": "step_1", "x": [1, 2]})
            }
        );
        assert_eq!(event.to_sse().1, r#"{"id":"step_1","x":[1,2]}"#);
        let ping = StreamEvent::from_sse("ping", "not json").unwrap();
        assert_eq!(ping.to_sse(), ("ping".to_owned(), "not json".to_owned()));
        let json_form = serde_json::to_value(&event).unwrap();
        assert_eq!(
            serde_json::from_value::<StreamEvent>(json_form).unwrap(),
            event
        );
    }

    #[test]
    fn error_events_accept_both_shapes_and_send_the_wrapped_one() {
        let bare = r#"{"message":"boom","type":"server_error","param":null,"code":null}"#;
        let wrapped = format!(r#"{{"error":{bare}}}"#);
        let from_bare = StreamEvent::from_sse("error", bare).unwrap();
        let from_wrapped = StreamEvent::from_sse("error", &wrapped).unwrap();
        assert_eq!(from_bare, from_wrapped);
        let (_, data) = from_bare.to_sse();
        assert_eq!(
            serde_json::from_str::<Value>(&data).unwrap(),
            serde_json::from_str::<Value>(&wrapped).unwrap()
        );
        assert_eq!(
            serde_json::to_value(&from_bare).unwrap()["data"],
            serde_json::from_str::<Value>(bare).unwrap()
        );
    }

    #[test]
    fn a_known_event_with_bad_data_is_an_error_that_keeps_the_data() {
        let err = StreamEvent::from_sse("thread.run.created", r#"{"id":"run_1"}"#).unwrap_err();
        assert_eq!(err.event, "thread.run.created");
        assert_eq!(err.data, r#"{"id":"run_1"}"#);
        assert!(StreamEvent::from_sse("thread.message.delta", "garbage").is_err());
    }
}
