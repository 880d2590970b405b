//! proptest strategies for the main wire types. Values stay inside the schema's bounds and use
//! known enum values, so each one must also validate against its component schema.

use std::collections::BTreeMap;

use hearth_wire::*;
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value, json};

pub fn id(prefix: IdPrefix) -> impl Strategy<Value = String> {
    "[a-zA-Z0-9]{1,24}".prop_map(move |rest| format!("{prefix}{rest}"))
}

pub fn text() -> impl Strategy<Value = String> {
    "\\PC{0,24}"
}

pub fn time() -> impl Strategy<Value = i64> {
    1_600_000_000i64..1_900_000_000
}

pub fn known<T: Clone + std::fmt::Debug + 'static>(
    values: &'static [T],
) -> impl Strategy<Value = T> {
    select(values)
}

pub fn metadata() -> impl Strategy<Value = Option<Metadata>> {
    option::of(btree_map("[a-z_]{1,12}", text(), 0..4))
}

fn json_schema_object() -> impl Strategy<Value = Map<String, Value>> {
    Just(json!({"type": "object", "properties": {"city": {"type": "string"}}}))
        .prop_map(|v| v.as_object().cloned().unwrap_or_default())
}

pub fn tool() -> impl Strategy<Value = AssistantTool> {
    let ranking = (option::of(known(FileSearchRanker::KNOWN)), 0.0f64..=1.0).prop_map(
        |(ranker, score_threshold)| FileSearchRankingOptions {
            ranker,
            score_threshold,
        },
    );
    let file_search = option::of((option::of(1u32..=50), option::of(ranking)).prop_map(
        |(max_num_results, ranking_options)| FileSearchToolOptions {
            max_num_results,
            ranking_options,
        },
    ));
    let function = (
        "[a-zA-Z0-9_-]{1,64}",
        option::of(text()),
        option::of(json_schema_object()),
        option::of(any::<bool>()),
    )
        .prop_map(|(name, description, parameters, strict)| FunctionObject {
            name,
            description,
            parameters,
            strict,
        });
    prop_oneof![
        Just(AssistantTool::CodeInterpreter),
        file_search.prop_map(|file_search| AssistantTool::FileSearch { file_search }),
        function.prop_map(|function| AssistantTool::Function { function }),
    ]
}

pub fn response_format() -> impl Strategy<Value = ResponseFormatOption> {
    let schema = (
        "[a-zA-Z0-9_-]{1,20}",
        option::of(text()),
        option::of(json_schema_object()),
        option::of(any::<bool>()),
    )
        .prop_map(|(name, description, schema, strict)| JsonSchemaFormat {
            description,
            name,
            schema,
            strict,
        });
    prop_oneof![
        Just(ResponseFormatOption::Auto),
        Just(ResponseFormatOption::Format(ResponseFormat::Text)),
        Just(ResponseFormatOption::Format(ResponseFormat::JsonObject)),
        schema.prop_map(
            |json_schema| ResponseFormatOption::Format(ResponseFormat::JsonSchema { json_schema })
        ),
    ]
}

pub fn tool_choice() -> impl Strategy<Value = ToolChoice> {
    prop_oneof![
        known(ToolChoiceMode::KNOWN).prop_map(ToolChoice::Mode),
        "[a-zA-Z0-9_-]{1,64}".prop_map(ToolChoice::function),
        Just(ToolChoice::Named(NamedToolChoice::CodeInterpreter)),
        Just(ToolChoice::Named(NamedToolChoice::FileSearch)),
    ]
}

pub fn tool_resources() -> impl Strategy<Value = ToolResources> {
    (
        option::of(
            vec(id(IdPrefix::File), 0..3)
                .prop_map(|file_ids| CodeInterpreterResources { file_ids }),
        ),
        option::of(
            vec(id(IdPrefix::VectorStore), 0..=1)
                .prop_map(|vector_store_ids| FileSearchResources { vector_store_ids }),
        ),
    )
        .prop_map(|(code_interpreter, file_search)| ToolResources {
            code_interpreter,
            file_search,
        })
}

pub fn chunking_request() -> impl Strategy<Value = ChunkingStrategyRequest> {
    prop_oneof![
        Just(ChunkingStrategyRequest::Auto),
        (100u32..=4096)
            .prop_flat_map(|max| (Just(max), 0..=max / 2))
            .prop_map(|(max, overlap)| {
                ChunkingStrategyRequest::Static {
                    static_: StaticChunking {
                        max_chunk_size_tokens: max,
                        chunk_overlap_tokens: overlap,
                    },
                }
            }),
    ]
}

pub fn tool_resources_request() -> impl Strategy<Value = ToolResourcesRequest> {
    let seed = (
        option::of(vec(id(IdPrefix::File), 0..3)),
        option::of(chunking_request()),
        metadata(),
    )
        .prop_map(|(file_ids, chunking_strategy, metadata)| VectorStoreSeed {
            file_ids,
            chunking_strategy,
            metadata,
        });
    let file_search = prop_oneof![
        vec(id(IdPrefix::VectorStore), 0..=1).prop_map(|ids| FileSearchResourcesRequest {
            vector_store_ids: Some(ids),
            vector_stores: None
        }),
        vec(seed, 0..=1).prop_map(|seeds| FileSearchResourcesRequest {
            vector_store_ids: None,
            vector_stores: Some(seeds)
        }),
    ];
    (
        option::of(
            vec(id(IdPrefix::File), 0..3)
                .prop_map(|file_ids| CodeInterpreterResources { file_ids }),
        ),
        option::of(file_search),
    )
        .prop_map(|(code_interpreter, file_search)| ToolResourcesRequest {
            code_interpreter,
            file_search,
        })
}

pub fn assistant() -> impl Strategy<Value = Assistant> {
    (
        (
            id(IdPrefix::Assistant),
            time(),
            option::of(text()),
            option::of(text()),
            "[a-z0-9.-]{1,16}",
            option::of(text()),
        ),
        (vec(tool(), 0..4), option::of(tool_resources()), metadata()),
        (
            option::of(0.0f64..=2.0),
            option::of(0.0f64..=1.0),
            option::of(response_format()),
        ),
    )
        .prop_map(
            |(
                (id, created_at, name, description, model, instructions),
                (tools, tool_resources, metadata),
                (temperature, top_p, response_format),
            )| Assistant {
                id,
                object: AssistantTag,
                created_at,
                name,
                description,
                model,
                instructions,
                tools,
                tool_resources,
                metadata,
                temperature,
                top_p,
                response_format,
            },
        )
}

pub fn thread() -> impl Strategy<Value = Thread> {
    (
        id(IdPrefix::Thread),
        time(),
        option::of(tool_resources()),
        metadata(),
    )
        .prop_map(|(id, created_at, tool_resources, metadata)| Thread {
            id,
            object: ThreadTag,
            created_at,
            tool_resources,
            metadata,
        })
}

fn image_file() -> impl Strategy<Value = ImageFile> {
    (id(IdPrefix::File), option::of(known(ImageDetail::KNOWN)))
        .prop_map(|(file_id, detail)| ImageFile { file_id, detail })
}

fn image_url() -> impl Strategy<Value = ImageUrl> {
    ("[a-z]{1,10}", option::of(known(ImageDetail::KNOWN))).prop_map(|(host, detail)| ImageUrl {
        url: format!("https://{host}.example/i.png"),
        detail,
    })
}

fn annotation() -> impl Strategy<Value = Annotation> {
    (
        text(),
        id(IdPrefix::File),
        0u64..1000,
        0u64..1000,
        any::<bool>(),
    )
        .prop_map(|(text, file_id, start_index, end_index, citation)| {
            if citation {
                Annotation::FileCitation {
                    text,
                    file_citation: FileRef { file_id },
                    start_index,
                    end_index,
                }
            } else {
                Annotation::FilePath {
                    text,
                    file_path: FileRef { file_id },
                    start_index,
                    end_index,
                }
            }
        })
}

pub fn content() -> impl Strategy<Value = MessageContent> {
    prop_oneof![
        (text(), vec(annotation(), 0..3)).prop_map(|(value, annotations)| MessageContent::Text {
            text: TextContent { value, annotations }
        }),
        image_file().prop_map(|image_file| MessageContent::ImageFile { image_file }),
        image_url().prop_map(|image_url| MessageContent::ImageUrl { image_url }),
        text().prop_map(|refusal| MessageContent::Refusal { refusal }),
    ]
}

fn attachment() -> impl Strategy<Value = MessageAttachment> {
    (
        id(IdPrefix::File),
        vec(
            prop_oneof![
                Just(AttachmentTool::CodeInterpreter),
                Just(AttachmentTool::FileSearch)
            ],
            0..3,
        ),
    )
        .prop_map(|(file_id, tools)| MessageAttachment { file_id, tools })
}

pub fn message() -> impl Strategy<Value = Message> {
    (
        (
            id(IdPrefix::Message),
            time(),
            id(IdPrefix::Thread),
            known(MessageStatus::KNOWN),
        ),
        (
            option::of(known(MessageIncompleteReason::KNOWN)),
            option::of(time()),
            option::of(time()),
            known(MessageRole::KNOWN),
        ),
        (
            vec(content(), 0..4),
            option::of(id(IdPrefix::Assistant)),
            option::of(id(IdPrefix::Run)),
            option::of(vec(attachment(), 0..2)),
            metadata(),
        ),
    )
        .prop_map(
            |(
                (id, created_at, thread_id, status),
                (reason, completed_at, incomplete_at, role),
                (content, assistant_id, run_id, attachments, metadata),
            )| Message {
                id,
                object: MessageTag,
                created_at,
                thread_id,
                status,
                incomplete_details: reason.map(|reason| MessageIncompleteDetails { reason }),
                completed_at,
                incomplete_at,
                role,
                content,
                assistant_id,
                run_id,
                attachments,
                metadata,
            },
        )
}

fn usage() -> impl Strategy<Value = Usage> {
    (0u64..100_000, 0u64..100_000).prop_map(|(prompt_tokens, completion_tokens)| Usage {
        prompt_tokens,
        completion_tokens,
        total_tokens: prompt_tokens + completion_tokens,
    })
}

fn required_action() -> impl Strategy<Value = RequiredAction> {
    vec(
        (id(IdPrefix::ToolCall), "[a-zA-Z0-9_-]{1,64}", text()).prop_map(
            |(id, name, arguments)| RunToolCall {
                id,
                kind: FunctionTypeTag,
                function: RunFunctionCall { name, arguments },
            },
        ),
        0..3,
    )
    .prop_map(RequiredAction::submit_tool_outputs)
}

pub fn run() -> impl Strategy<Value = Run> {
    (
        (
            id(IdPrefix::Run),
            time(),
            id(IdPrefix::Thread),
            id(IdPrefix::Assistant),
            known(RunStatus::KNOWN),
            option::of(required_action()),
        ),
        (
            option::of(
                (known(RunErrorCode::KNOWN), text())
                    .prop_map(|(code, message)| RunLastError { code, message }),
            ),
            option::of(time()),
            option::of(time()),
            option::of(time()),
            option::of(time()),
            option::of(time()),
        ),
        (
            option::of(
                option::of(known(RunIncompleteReason::KNOWN))
                    .prop_map(|reason| RunIncompleteDetails { reason }),
            ),
            "[a-z0-9.-]{1,16}",
            text(),
            vec(tool(), 0..4),
            metadata(),
            option::of(usage()),
        ),
        (
            option::of(0.0f64..=2.0),
            option::of(0.0f64..=1.0),
            option::of(256u32..100_000),
            option::of(256u32..100_000),
            option::of(
                (known(TruncationType::KNOWN), option::of(1u32..50)).prop_map(
                    |(kind, last_messages)| TruncationStrategy {
                        kind,
                        last_messages,
                    },
                ),
            ),
            option::of(tool_choice()),
        ),
        (
            any::<bool>(),
            option::of(response_format()),
            option::of(tool_resources()),
        ),
    )
        .prop_map(
            |(
                (id, created_at, thread_id, assistant_id, status, required_action),
                (last_error, expires_at, started_at, cancelled_at, failed_at, completed_at),
                (incomplete_details, model, instructions, tools, metadata, usage),
                (
                    temperature,
                    top_p,
                    max_prompt_tokens,
                    max_completion_tokens,
                    truncation_strategy,
                    tool_choice,
                ),
                (parallel_tool_calls, response_format, tool_resources),
            )| Run {
                id,
                object: RunTag,
                created_at,
                thread_id,
                assistant_id,
                status,
                required_action,
                last_error,
                expires_at,
                started_at,
                cancelled_at,
                failed_at,
                completed_at,
                incomplete_details,
                model,
                instructions,
                tools,
                metadata,
                usage,
                temperature,
                top_p,
                max_prompt_tokens,
                max_completion_tokens,
                truncation_strategy,
                tool_choice,
                parallel_tool_calls,
                response_format,
                tool_resources,
            },
        )
}

fn tool_call() -> impl Strategy<Value = ToolCall> {
    let output = prop_oneof![
        text().prop_map(|logs| CodeInterpreterOutput::Logs { logs }),
        id(IdPrefix::File).prop_map(|file_id| CodeInterpreterOutput::Image {
            image: ImageOutput { file_id }
        }),
    ];
    let result = (
        id(IdPrefix::File),
        text(),
        0.0f64..=1.0,
        option::of(vec(text(), 0..2)),
    )
        .prop_map(|(file_id, file_name, score, content)| FileSearchResult {
            file_id,
            file_name,
            score,
            content: content.map(|texts| {
                texts
                    .into_iter()
                    .map(|text| FileSearchResultContent {
                        kind: TextTypeTag,
                        text,
                    })
                    .collect()
            }),
        });
    let ranking =
        (known(FileSearchRanker::KNOWN), 0.0f64..=1.0).prop_map(|(ranker, score_threshold)| {
            FileSearchCallRanking {
                ranker,
                score_threshold,
            }
        });
    prop_oneof![
        (id(IdPrefix::ToolCall), text(), vec(output, 0..3)).prop_map(|(id, input, outputs)| {
            ToolCall::CodeInterpreter {
                id,
                code_interpreter: CodeInterpreterCall { input, outputs },
            }
        }),
        (
            id(IdPrefix::ToolCall),
            option::of(ranking),
            option::of(vec(result, 0..3))
        )
            .prop_map(|(id, ranking_options, results)| ToolCall::FileSearch {
                id,
                file_search: FileSearchCall {
                    ranking_options,
                    results
                },
            }),
        (
            id(IdPrefix::ToolCall),
            "[a-zA-Z0-9_-]{1,64}",
            text(),
            option::of(text())
        )
            .prop_map(|(id, name, arguments, output)| ToolCall::Function {
                id,
                function: FunctionCall {
                    name,
                    arguments,
                    output
                },
            }),
    ]
}

pub fn run_step() -> impl Strategy<Value = RunStep> {
    let details = prop_oneof![
        id(IdPrefix::Message).prop_map(|message_id| StepDetails::MessageCreation {
            message_creation: MessageCreation { message_id }
        }),
        vec(tool_call(), 0..3).prop_map(|tool_calls| StepDetails::ToolCalls { tool_calls }),
    ];
    (
        (
            id(IdPrefix::Step),
            time(),
            id(IdPrefix::Assistant),
            id(IdPrefix::Thread),
            id(IdPrefix::Run),
            known(RunStepStatus::KNOWN),
        ),
        (
            details,
            option::of(
                (known(RunStepErrorCode::KNOWN), text())
                    .prop_map(|(code, message)| RunStepLastError { code, message }),
            ),
        ),
        (
            option::of(time()),
            option::of(time()),
            option::of(time()),
            option::of(time()),
            metadata(),
            option::of(usage()),
        ),
    )
        .prop_map(
            |(
                (id, created_at, assistant_id, thread_id, run_id, status),
                (step_details, last_error),
                (expired_at, cancelled_at, failed_at, completed_at, metadata, usage),
            )| {
                let kind = match &step_details {
                    StepDetails::MessageCreation { .. } => RunStepType::MessageCreation,
                    StepDetails::ToolCalls { .. } => RunStepType::ToolCalls,
                    StepDetails::Unknown(raw) => {
                        RunStepType::parse(raw["type"].as_str().unwrap_or_default())
                    }
                };
                RunStep {
                    id,
                    object: RunStepTag,
                    created_at,
                    assistant_id,
                    thread_id,
                    run_id,
                    kind,
                    status,
                    step_details,
                    last_error,
                    expired_at,
                    cancelled_at,
                    failed_at,
                    completed_at,
                    metadata,
                    usage,
                }
            },
        )
}

pub fn message_delta() -> impl Strategy<Value = MessageDelta> {
    let part = prop_oneof![
        (
            0u32..4,
            option::of(
                (
                    option::of(text()),
                    option::of(vec(
                        (
                            0u32..3,
                            option::of(text()),
                            option::of(id(IdPrefix::File)),
                            option::of(0u64..100)
                        )
                            .prop_map(
                                |(index, text, file_id, start_index)| AnnotationDelta::FilePath {
                                    index,
                                    text,
                                    file_path: file_id.map(|file_id| FilePathDelta {
                                        file_id: Some(file_id)
                                    }),
                                    start_index,
                                    end_index: None,
                                }
                            ),
                        0..2,
                    ))
                )
                    .prop_map(|(value, annotations)| TextDelta { value, annotations })
            )
        )
            .prop_map(|(index, text)| MessageDeltaContent::Text { index, text }),
        (0u32..4, option::of(text()))
            .prop_map(|(index, refusal)| MessageDeltaContent::Refusal { index, refusal }),
        (0u32..4, option::of(id(IdPrefix::File))).prop_map(|(index, file_id)| {
            MessageDeltaContent::ImageFile {
                index,
                image_file: file_id.map(|file_id| ImageFileDelta {
                    file_id: Some(file_id),
                    detail: None,
                }),
            }
        }),
    ];
    (
        id(IdPrefix::Message),
        option::of(known(MessageRole::KNOWN)),
        option::of(vec(part, 0..3)),
    )
        .prop_map(|(id, role, content)| MessageDelta {
            id,
            object: MessageDeltaTag,
            delta: MessageDeltaBody { role, content },
        })
}

pub fn run_step_delta() -> impl Strategy<Value = RunStepDelta> {
    let call = prop_oneof![
        (
            0u32..3,
            option::of(id(IdPrefix::ToolCall)),
            option::of((
                option::of("[a-z]{0,5}"),
                option::of(text()),
                option::of(option::of(text()))
            ))
        )
            .prop_map(|(index, id, function)| ToolCallDelta::Function {
                index,
                id,
                function: function.map(|(name, arguments, output)| FunctionCallDelta {
                    name,
                    arguments,
                    output
                }),
            }),
        (0u32..3, option::of(id(IdPrefix::ToolCall))).prop_map(|(index, id)| {
            ToolCallDelta::FileSearch {
                index,
                id,
                file_search: Map::new(),
            }
        }),
        (
            0u32..3,
            option::of(id(IdPrefix::ToolCall)),
            option::of(text())
        )
            .prop_map(|(index, id, logs)| ToolCallDelta::CodeInterpreter {
                index,
                id,
                code_interpreter: Some(CodeInterpreterCallDelta {
                    input: None,
                    outputs: Some(vec![CodeInterpreterOutputDelta::Logs { index: 0, logs }]),
                }),
            }),
    ];
    let details = option::of(prop_oneof![
        option::of(id(IdPrefix::Message)).prop_map(|message_id| {
            StepDetailsDelta::MessageCreation {
                message_creation: Some(MessageCreationDelta { message_id }),
            }
        }),
        option::of(vec(call, 0..3))
            .prop_map(|tool_calls| StepDetailsDelta::ToolCalls { tool_calls }),
    ]);
    (id(IdPrefix::Step), details).prop_map(|(id, step_details)| RunStepDelta {
        id,
        object: RunStepDeltaTag,
        delta: RunStepDeltaBody { step_details },
    })
}

pub fn stream_event() -> impl Strategy<Value = StreamEvent> {
    prop_oneof![
        thread().prop_map(StreamEvent::ThreadCreated),
        run().prop_map(StreamEvent::for_run),
        run().prop_map(StreamEvent::RunCreated),
        run_step().prop_map(StreamEvent::for_step),
        run_step().prop_map(StreamEvent::RunStepCreated),
        run_step_delta().prop_map(StreamEvent::RunStepDelta),
        message().prop_map(StreamEvent::for_message),
        message().prop_map(StreamEvent::MessageCreated),
        message_delta().prop_map(StreamEvent::MessageDelta),
        (text(), option::of("[a-z_]{1,10}")).prop_map(|(message, code)| StreamEvent::Error(
            ApiError {
                message,
                kind: "server_error".into(),
                param: None,
                code,
            }
        )),
        Just(StreamEvent::Done),
    ]
}

pub fn create_message() -> impl Strategy<Value = CreateMessageRequest> {
    let part = prop_oneof![
        text().prop_map(|text| MessageContentPartInput::Text { text }),
        image_file().prop_map(|image_file| MessageContentPartInput::ImageFile { image_file }),
        image_url().prop_map(|image_url| MessageContentPartInput::ImageUrl { image_url }),
    ];
    let content = prop_oneof![
        text().prop_map(MessageContentInput::Text),
        vec(part, 1..3).prop_map(MessageContentInput::Parts)
    ];
    (
        known(MessageRole::KNOWN),
        content,
        option::of(vec(attachment(), 0..2)),
        metadata(),
    )
        .prop_map(
            |(role, content, attachments, metadata)| CreateMessageRequest {
                role,
                content,
                attachments,
                metadata,
            },
        )
}

pub fn create_assistant() -> impl Strategy<Value = CreateAssistantRequest> {
    (
        (
            "[a-z0-9.-]{1,16}",
            option::of(text()),
            option::of(text()),
            option::of(text()),
            option::of(known(ReasoningEffort::KNOWN)),
        ),
        (
            vec(tool(), 0..4),
            option::of(tool_resources_request()),
            metadata(),
        ),
        (
            option::of(0.0f64..=2.0),
            option::of(0.0f64..=1.0),
            option::of(response_format()),
        ),
    )
        .prop_map(
            |(
                (model, name, description, instructions, reasoning_effort),
                (tools, tool_resources, metadata),
                (temperature, top_p, response_format),
            )| CreateAssistantRequest {
                model,
                name,
                description,
                instructions,
                reasoning_effort,
                tools,
                tool_resources,
                metadata,
                temperature,
                top_p,
                response_format,
            },
        )
}

pub fn create_run() -> impl Strategy<Value = CreateRunRequest> {
    (
        (
            id(IdPrefix::Assistant),
            option::of("[a-z0-9.-]{1,16}"),
            option::of(known(ReasoningEffort::KNOWN)),
            option::of(text()),
            option::of(text()),
        ),
        (
            option::of(vec(create_message(), 0..2)),
            option::of(vec(tool(), 0..4)),
            metadata(),
            option::of(0.0f64..=2.0),
            option::of(0.0f64..=1.0),
        ),
        (
            option::of(any::<bool>()),
            option::of(256u32..100_000),
            option::of(256u32..100_000),
            option::of(tool_choice()),
            option::of(any::<bool>()),
            option::of(response_format()),
        ),
    )
        .prop_map(
            |(
                (assistant_id, model, reasoning_effort, instructions, additional_instructions),
                (additional_messages, tools, metadata, temperature, top_p),
                (
                    stream,
                    max_prompt_tokens,
                    max_completion_tokens,
                    tool_choice,
                    parallel_tool_calls,
                    response_format,
                ),
            )| CreateRunRequest {
                assistant_id,
                model,
                reasoning_effort,
                instructions,
                additional_instructions,
                additional_messages,
                tools,
                metadata,
                temperature,
                top_p,
                stream,
                max_prompt_tokens,
                max_completion_tokens,
                truncation_strategy: Some(TruncationStrategy::AUTO),
                tool_choice,
                parallel_tool_calls,
                response_format,
            },
        )
}

pub fn vector_store() -> impl Strategy<Value = VectorStore> {
    let counts = (0u64..10, 0u64..10, 0u64..10, 0u64..10).prop_map(
        |(in_progress, completed, failed, cancelled)| FileCounts {
            in_progress,
            completed,
            failed,
            cancelled,
            total: in_progress + completed + failed + cancelled,
        },
    );
    (
        (
            id(IdPrefix::VectorStore),
            time(),
            text(),
            0u64..1 << 40,
            counts,
            known(VectorStoreStatus::KNOWN),
        ),
        (
            option::of(1u32..=365),
            option::of(time()),
            option::of(time()),
            metadata(),
        ),
    )
        .prop_map(
            |(
                (id, created_at, name, usage_bytes, file_counts, status),
                (days, expires_at, last_active_at, metadata),
            )| VectorStore {
                id,
                object: VectorStoreTag,
                created_at,
                name,
                usage_bytes,
                file_counts,
                status,
                expires_after: days.map(|days| VectorStoreExpiresAfter {
                    anchor: LastActiveAtAnchor,
                    days,
                }),
                expires_at,
                last_active_at,
                metadata,
            },
        )
}

fn attributes() -> impl Strategy<Value = Option<Attributes>> {
    let value = prop_oneof![
        text().prop_map(AttributeValue::String),
        any::<i32>().prop_map(|n| AttributeValue::Number(n.into())),
        (-1e6f64..1e6).prop_map(|n| AttributeValue::Number(
            serde_json::Number::from_f64(n).unwrap_or_else(|| 0.into())
        )),
        any::<bool>().prop_map(AttributeValue::Bool),
    ];
    option::of(
        btree_map("[a-z_]{1,12}", value, 0..4)
            .prop_map(|map: BTreeMap<String, AttributeValue>| map),
    )
}

pub fn vector_store_file() -> impl Strategy<Value = VectorStoreFile> {
    let chunking = prop_oneof![
        Just(ChunkingStrategy::Other),
        chunking_request().prop_map(ChunkingStrategy::from),
    ];
    (
        (
            id(IdPrefix::File),
            0u64..1 << 40,
            time(),
            id(IdPrefix::VectorStore),
            known(VectorStoreFileStatus::KNOWN),
        ),
        (
            option::of(
                (known(VectorStoreFileErrorCode::KNOWN), text())
                    .prop_map(|(code, message)| VectorStoreFileError { code, message }),
            ),
            option::of(chunking),
            attributes(),
        ),
    )
        .prop_map(
            |(
                (id, usage_bytes, created_at, vector_store_id, status),
                (last_error, chunking_strategy, attributes),
            )| VectorStoreFile {
                id,
                object: VectorStoreFileTag,
                usage_bytes,
                created_at,
                vector_store_id,
                status,
                last_error,
                chunking_strategy,
                attributes,
            },
        )
}

pub fn file_object() -> impl Strategy<Value = FileObject> {
    // `evals` is an upload purpose only; the object schema does not list it.
    let purposes = &FilePurpose::KNOWN[..FilePurpose::KNOWN.len() - 1];
    (
        id(IdPrefix::File),
        0u64..1 << 40,
        time(),
        option::of(time()),
        text(),
        select(purposes),
        known(FileStatus::KNOWN),
        option::of(text()),
    )
        .prop_map(
            |(id, bytes, created_at, expires_at, filename, purpose, status, status_details)| {
                FileObject {
                    id,
                    object: FileTag,
                    bytes,
                    created_at,
                    expires_at,
                    filename,
                    purpose,
                    status,
                    status_details,
                }
            },
        )
}

/// Any value of one of the open enums, known or not, as its wire string.
pub fn open_enum_value() -> impl Strategy<Value = String> {
    prop_oneof![
        known(RunStatus::KNOWN).prop_map(|v| v.to_string()),
        known(RunStepStatus::KNOWN).prop_map(|v| v.to_string()),
        "[a-z_.-]{1,20}",
    ]
}
