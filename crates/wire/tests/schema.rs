//! The wire types checked against the upstream schema: the spec's own examples parse and round-trip,
//! what we serialize validates against the component schemas, and random values round-trip.

#[path = "schema/open_unions.rs"]
mod open_unions;
#[path = "schema/spec.rs"]
mod spec;
#[path = "schema/strategies.rs"]
mod strategies;

use hearth_wire::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use spec::{Example, differences, examples, sse_frames, violations};

/// Parses `value` as `T` and serializes it back.
fn reserialize_as<T: Serialize + DeserializeOwned>(value: &Value) -> Result<Value, String> {
    let parsed: T =
        serde_json::from_value(value.clone()).map_err(|err| format!("does not parse: {err}"))?;
    serde_json::to_value(&parsed).map_err(|err| format!("does not serialize: {err}"))
}

/// Our type for each schema that has examples or that we emit.
fn reserialize(schema: &str, value: &Value) -> Result<Value, String> {
    match schema {
        "AssistantObject" => reserialize_as::<Assistant>(value),
        "ListAssistantsResponse" => reserialize_as::<ListResponse<Assistant>>(value),
        "CreateAssistantRequest" => reserialize_as::<CreateAssistantRequest>(value),
        "ModifyAssistantRequest" => reserialize_as::<ModifyAssistantRequest>(value),
        "DeleteAssistantResponse" => reserialize_as::<AssistantDeleted>(value),
        "ThreadObject" => reserialize_as::<Thread>(value),
        "CreateThreadRequest" => reserialize_as::<CreateThreadRequest>(value),
        "ModifyThreadRequest" => reserialize_as::<ModifyThreadRequest>(value),
        "DeleteThreadResponse" => reserialize_as::<ThreadDeleted>(value),
        "MessageObject" => reserialize_as::<Message>(value),
        "MessageDeltaObject" => reserialize_as::<MessageDelta>(value),
        "ListMessagesResponse" => reserialize_as::<ListResponse<Message>>(value),
        "CreateMessageRequest" => reserialize_as::<CreateMessageRequest>(value),
        "ModifyMessageRequest" => reserialize_as::<ModifyMessageRequest>(value),
        "DeleteMessageResponse" => reserialize_as::<MessageDeleted>(value),
        "RunObject" => reserialize_as::<Run>(value),
        "ListRunsResponse" => reserialize_as::<ListResponse<Run>>(value),
        "CreateRunRequest" => reserialize_as::<CreateRunRequest>(value),
        "CreateThreadAndRunRequest" => reserialize_as::<CreateThreadAndRunRequest>(value),
        "ModifyRunRequest" => reserialize_as::<ModifyRunRequest>(value),
        "SubmitToolOutputsRunRequest" => reserialize_as::<SubmitToolOutputsRequest>(value),
        "RunStepObject" => reserialize_as::<RunStep>(value),
        "RunStepDeltaObject" => reserialize_as::<RunStepDelta>(value),
        "ListRunStepsResponse" => reserialize_as::<ListResponse<RunStep>>(value),
        "OpenAIFile" => reserialize_as::<FileObject>(value),
        "ListFilesResponse" => reserialize_as::<ListResponse<FileObject>>(value),
        "DeleteFileResponse" => reserialize_as::<FileDeleted>(value),
        "Model" => reserialize_as::<Model>(value),
        "ListModelsResponse" => reserialize_as::<ModelList>(value),
        "DeleteModelResponse" => reserialize_as::<ModelDeleted>(value),
        "VectorStoreObject" => reserialize_as::<VectorStore>(value),
        "ListVectorStoresResponse" => reserialize_as::<ListResponse<VectorStore>>(value),
        "CreateVectorStoreRequest" => reserialize_as::<CreateVectorStoreRequest>(value),
        "UpdateVectorStoreRequest" => reserialize_as::<UpdateVectorStoreRequest>(value),
        "DeleteVectorStoreResponse" => reserialize_as::<VectorStoreDeleted>(value),
        "VectorStoreFileObject" => reserialize_as::<VectorStoreFile>(value),
        "ListVectorStoreFilesResponse" => reserialize_as::<ListResponse<VectorStoreFile>>(value),
        "CreateVectorStoreFileRequest" => reserialize_as::<CreateVectorStoreFileRequest>(value),
        "UpdateVectorStoreFileAttributesRequest" => {
            reserialize_as::<UpdateVectorStoreFileAttributesRequest>(value)
        }
        "DeleteVectorStoreFileResponse" => reserialize_as::<VectorStoreFileDeleted>(value),
        "VectorStoreFileBatchObject" => reserialize_as::<VectorStoreFileBatch>(value),
        "CreateVectorStoreFileBatchRequest" => {
            reserialize_as::<CreateVectorStoreFileBatchRequest>(value)
        }
        "VectorStoreFileContentResponse" => reserialize_as::<VectorStoreFileContent>(value),
        "VectorStoreSearchRequest" => reserialize_as::<VectorStoreSearchRequest>(value),
        "VectorStoreSearchResultsPage" => reserialize_as::<VectorStoreSearchResultsPage>(value),
        "ErrorResponse" => reserialize_as::<ErrorResponse>(value),
        "AssistantStreamEvent" => reserialize_as::<StreamEvent>(value),
        other => panic!("no Rust type is mapped to schema {other}; map it in `reserialize`"),
    }
}

/// The outcome of one example.
enum Outcome {
    /// Checked: parsed, round-tripped and re-validated.
    Checked,
    /// The example breaks its own schema, so the schema wins and it is not used.
    Skipped(String),
}

/// Checks one JSON example against `schema` and our type.
fn check_json(origin: &str, schema: &str, value: &Value, failures: &mut Vec<String>) -> Outcome {
    let broken = violations(schema, value);
    if !broken.is_empty() {
        return Outcome::Skipped(format!("{origin}: breaks {schema}: {}", broken.join("; ")));
    }
    match reserialize(schema, value) {
        Err(err) => failures.push(format!("{origin} ({schema}) {err}")),
        Ok(ours) => {
            let mut diffs = Vec::new();
            differences(value, &ours, "", &mut diffs);
            if !diffs.is_empty() {
                failures.push(format!(
                    "{origin} ({schema}) changed on round trip: {}",
                    diffs.join("; ")
                ));
            }
            let ours_broken = violations(schema, &ours);
            if !ours_broken.is_empty() {
                failures.push(format!(
                    "{origin} ({schema}) our output breaks the schema: {}",
                    ours_broken.join("; ")
                ));
            }
        }
    }
    Outcome::Checked
}

/// Checks an example, which may be a JSON document or an SSE transcript.
fn check_example(example: &Example, failures: &mut Vec<String>) -> Vec<Outcome> {
    if example.text.trim_start().starts_with("event:") {
        return sse_frames(&example.text)
            .into_iter()
            .enumerate()
            .map(|(index, (event, data)): (usize, (String, String))| {
                let origin = format!("{} frame {index} ({event})", example.origin);
                let data_value = if event == "done" {
                    Value::String(data.clone())
                } else {
                    match serde_json::from_str(&data) {
                        Ok(value) => value,
                        Err(err) => {
                            return Outcome::Skipped(format!("{origin}: data is not JSON: {err}"));
                        }
                    }
                };
                let tagged = serde_json::json!({"event": event, "data": data_value});
                let outcome = check_json(&origin, "AssistantStreamEvent", &tagged, failures);
                if matches!(outcome, Outcome::Checked) {
                    match StreamEvent::from_sse(&event, &data) {
                        Ok(parsed) => {
                            assert_eq!(parsed.name(), event, "{origin}: name should survive")
                        }
                        Err(err) => failures.push(format!("{origin}: from_sse failed: {err}")),
                    }
                }
                outcome
            })
            .collect();
    }
    match serde_json::from_str::<Value>(&example.text) {
        Ok(value) => vec![check_json(
            &example.origin,
            &example.schema,
            &value,
            failures,
        )],
        Err(err) => vec![Outcome::Skipped(format!(
            "{}: not valid JSON: {err}",
            example.origin
        ))],
    }
}

#[test]
fn every_schema_valid_example_parses_and_round_trips() {
    let all = examples();
    assert!(
        all.len() > 60,
        "the spec should embed many examples, found {}",
        all.len()
    );
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut skipped = Vec::new();
    for example in &all {
        for outcome in check_example(example, &mut failures) {
            match outcome {
                Outcome::Checked => checked += 1,
                Outcome::Skipped(reason) => skipped.push(reason),
            }
        }
    }
    println!(
        "{checked} examples checked, {} skipped because they break their own schema:",
        skipped.len()
    );
    for reason in &skipped {
        println!("  skipped {reason}");
    }
    assert!(
        failures.is_empty(),
        "examples that follow the schema must round-trip:\n{}",
        failures.join("\n")
    );
    assert!(
        checked >= 50,
        "at least 50 examples should follow their schema and be checked, got {checked}"
    );
}

/// Serializes `value`, checks it against `schema`, and checks that it reads back unchanged.
fn assert_wire<T>(schema: &str, value: &T) -> Result<(), proptest::test_runner::TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_value(value).expect("wire types serialize");
    let broken = violations(schema, &json);
    proptest::prop_assert!(
        broken.is_empty(),
        "our {schema} breaks the schema: {broken:?}\n{json}"
    );
    let back: T = serde_json::from_value(json.clone()).expect("our own output should parse");
    proptest::prop_assert_eq!(&back, value, "a {} should read back unchanged", schema);
    Ok(())
}

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn assistants_follow_the_schema(value in strategies::assistant()) {
        assert_wire("AssistantObject", &value)?;
        let page = ListResponse::new(vec![value], false, |a: &Assistant| &a.id);
        assert_wire("ListAssistantsResponse", &page)?;
    }

    #[test]
    fn threads_follow_the_schema(value in strategies::thread()) {
        assert_wire("ThreadObject", &value)?;
    }

    #[test]
    fn messages_follow_the_schema(value in strategies::message()) {
        assert_wire("MessageObject", &value)?;
        assert_wire("ListMessagesResponse", &ListResponse::new(vec![value], true, |m: &Message| &m.id))?;
    }

    #[test]
    fn runs_follow_the_schema(value in strategies::run()) {
        let mut schema_run = value.clone();
        // `tool_resources` is our tolerance for hosted answers, not part of RunObject.
        schema_run.tool_resources = None;
        assert_wire("RunObject", &schema_run)?;
        assert_wire("ListRunsResponse", &ListResponse::new(vec![schema_run], false, |r: &Run| &r.id))?;
        let back: Run = serde_json::from_value(serde_json::to_value(&value).unwrap()).unwrap();
        prop_assert_eq!(back, value);
    }

    #[test]
    fn run_steps_follow_the_schema(value in strategies::run_step()) {
        assert_wire("RunStepObject", &value)?;
        assert_wire("ListRunStepsResponse", &ListResponse::new(vec![value], false, |s: &RunStep| &s.id))?;
    }

    #[test]
    fn deltas_follow_the_schema(message in strategies::message_delta(), step in strategies::run_step_delta()) {
        assert_wire("MessageDeltaObject", &message)?;
        assert_wire("RunStepDeltaObject", &step)?;
    }

    #[test]
    fn stream_events_follow_the_schema_and_survive_sse(event in strategies::stream_event()) {
        assert_wire("AssistantStreamEvent", &event)?;
        let (name, data) = event.to_sse();
        let back = StreamEvent::from_sse(&name, &data).expect("our own SSE should parse");
        prop_assert_eq!(back, event);
    }

    #[test]
    fn create_requests_follow_the_schema(
        assistant in strategies::create_assistant(),
        run in strategies::create_run(),
        message in strategies::create_message(),
    ) {
        assert_wire("CreateAssistantRequest", &assistant)?;
        prop_assert!(assistant.validate().is_ok(), "in-bounds values should validate: {:?}", assistant.validate());
        assert_wire("CreateRunRequest", &run)?;
        prop_assert!(run.validate().is_ok(), "in-bounds values should validate: {:?}", run.validate());
        assert_wire("CreateMessageRequest", &message)?;
        prop_assert!(message.validate().is_ok());
    }

    #[test]
    fn files_and_vector_stores_follow_the_schema(
        file in strategies::file_object(),
        store in strategies::vector_store(),
        store_file in strategies::vector_store_file(),
    ) {
        assert_wire("OpenAIFile", &file)?;
        assert_wire("ListFilesResponse", &ListResponse::new(vec![file], false, |f: &FileObject| &f.id))?;
        assert_wire("VectorStoreObject", &store)?;
        assert_wire("ListVectorStoresResponse", &ListResponse::new(vec![store], false, |s: &VectorStore| &s.id))?;
        assert_wire("VectorStoreFileObject", &store_file)?;
        assert_wire("ListVectorStoreFilesResponse", &ListResponse::new(vec![store_file], false, |f: &VectorStoreFile| &f.id))?;
    }

    #[test]
    fn open_enum_values_round_trip_unchanged(raw in strategies::open_enum_value()) {
        let status = RunStatus::parse(&raw);
        prop_assert_eq!(serde_json::to_value(&status).unwrap(), Value::String(raw.clone()));
        let step: RunStepStatus = serde_json::from_value(Value::String(raw.clone())).unwrap();
        prop_assert_eq!(step.as_str(), raw.as_str());
    }
}

#[test]
fn fixed_answers_follow_the_schema() {
    use serde_json::json;
    let check = |schema: &str, value: Value| {
        let broken = violations(schema, &value);
        assert!(
            broken.is_empty(),
            "our {schema} breaks the schema: {broken:?}\n{value}"
        );
    };
    let to = |v: &dyn erased::Json| v.json();
    check(
        "DeleteAssistantResponse",
        to(&AssistantDeleted::new("asst_1")),
    );
    check("DeleteThreadResponse", to(&ThreadDeleted::new("thread_1")));
    check("DeleteMessageResponse", to(&MessageDeleted::new("msg_1")));
    check("DeleteFileResponse", to(&FileDeleted::new("file-1")));
    check(
        "DeleteVectorStoreResponse",
        to(&VectorStoreDeleted::new("vs_1")),
    );
    check(
        "DeleteVectorStoreFileResponse",
        to(&VectorStoreFileDeleted::new("file-1")),
    );
    check(
        "DeleteModelResponse",
        to(&ModelDeleted {
            id: "ft:x".into(),
            object: "model".into(),
            deleted: true,
        }),
    );
    let model = Model {
        id: "gpt-4o".into(),
        object: ModelTag,
        created: 1,
        owned_by: "system".into(),
        shutdown_date: None,
    };
    check("Model", to(&model));
    check(
        "ListModelsResponse",
        to(&ModelList {
            object: ListTag,
            data: vec![model],
        }),
    );
    check(
        "ErrorResponse",
        to(&ErrorResponse::from(ApiError::invalid_request(
            "bad",
            Some("temperature".into()),
            None,
        ))),
    );
    check(
        "VectorStoreFileBatchObject",
        to(&VectorStoreFileBatch {
            id: "vsfb_1".into(),
            object: VectorStoreFileBatchTag,
            created_at: 1,
            vector_store_id: "vs_1".into(),
            status: VectorStoreFileStatus::InProgress,
            file_counts: FileCounts {
                in_progress: 1,
                total: 1,
                ..FileCounts::default()
            },
        }),
    );
    check(
        "VectorStoreFileContentResponse",
        to(&VectorStoreFileContent {
            object: FileContentPageTag,
            data: vec![FileContentPart {
                kind: "text".into(),
                text: "hello".into(),
            }],
            has_more: false,
            next_page: None,
        }),
    );
    check(
        "VectorStoreSearchResultsPage",
        to(&VectorStoreSearchResultsPage {
            object: SearchResultsPageTag,
            search_query: vec!["q".into()],
            data: vec![SearchResultItem {
                file_id: "file-1".into(),
                filename: "a.txt".into(),
                score: 0.5,
                attributes: None,
                content: vec![SearchResultContent {
                    kind: TextTypeTag,
                    text: "hit".into(),
                }],
            }],
            has_more: false,
            next_page: None,
        }),
    );
    let requests: [(&str, Value); 10] = [
        (
            "ModifyAssistantRequest",
            json!({"name": null, "temperature": 0.5, "tools": [{"type": "code_interpreter"}]}),
        ),
        (
            "CreateThreadRequest",
            json!({"messages": [{"role": "user", "content": "hi"}], "tool_resources": {"file_search": {"vector_stores": [{"file_ids": ["file-1"], "chunking_strategy": {"type": "auto"}}]}}}),
        ),
        ("ModifyThreadRequest", json!({"metadata": null})),
        (
            "CreateThreadAndRunRequest",
            json!({"assistant_id": "asst_1", "thread": {"messages": [{"role": "user", "content": "hi"}]}, "tool_choice": "required", "stream": true}),
        ),
        (
            "SubmitToolOutputsRunRequest",
            json!({"tool_outputs": [{"tool_call_id": "call_1", "output": "42"}], "stream": false}),
        ),
        (
            "CreateVectorStoreRequest",
            json!({"name": "docs", "file_ids": ["file-1"], "expires_after": {"anchor": "last_active_at", "days": 7}, "chunking_strategy": {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}}),
        ),
        (
            "UpdateVectorStoreRequest",
            json!({"name": null, "expires_after": null}),
        ),
        (
            "CreateVectorStoreFileBatchRequest",
            json!({"files": [{"file_id": "file-1", "attributes": {"year": 2024}}]}),
        ),
        (
            "UpdateVectorStoreFileAttributesRequest",
            json!({"attributes": null}),
        ),
        (
            "VectorStoreSearchRequest",
            json!({"query": "q", "filters": {"type": "and", "filters": [{"type": "eq", "key": "a", "value": 1}]}, "ranking_options": {"ranker": "auto", "score_threshold": 0.1}}),
        ),
    ];
    for (schema, body) in requests {
        check(schema, body.clone());
        let ours = reserialize(schema, &body).unwrap_or_else(|err| panic!("{schema}: {err}"));
        assert_eq!(ours, body, "{schema} should round-trip exactly");
    }
}

/// Lets `fixed_answers_follow_the_schema` serialize values of different types through one closure.
mod erased {
    pub trait Json {
        fn json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> serde_json::Value {
            serde_json::to_value(self).expect("wire types serialize")
        }
    }
}

#[test]
fn the_translated_schema_still_rejects_what_the_spec_forbids() {
    use serde_json::json;
    assert!(
        !violations(
            "CreateAssistantRequest",
            &json!({"model": "m", "temperature": 3})
        )
        .is_empty(),
        "temperature > 2"
    );
    assert!(
        !violations(
            "CreateAssistantRequest",
            &json!({"model": "m", "colour": "red"})
        )
        .is_empty(),
        "unknown keys"
    );
    assert!(
        !violations("RunObject", &json!({"id": "run_1"})).is_empty(),
        "missing required fields"
    );
    assert!(
        violations(
            "CreateRunRequest",
            &json!({"assistant_id": "a", "temperature": null, "tool_choice": null})
        )
        .is_empty(),
        "nullable inputs accept null"
    );
    assert!(
        !violations(
            "CreateRunRequest",
            &json!({"assistant_id": "a", "max_prompt_tokens": 10})
        )
        .is_empty(),
        "budget below 256"
    );
}
