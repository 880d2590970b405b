//! Turning a thread and a run into one provider request: instructions, history, tools, options,
//! and truncation to the budget the run allows.

use hearth_wire::{
    AssistantTool, MessageContent, MessageRole, NamedToolChoice, ResponseFormatOption, Run,
    RunStep, StepDetails, ToolCall as StepToolCall, ToolChoice as WireToolChoice, ToolChoiceMode,
    TruncationType,
};

use std::collections::HashMap;

use super::code_interpreter::{self, MAX_CALLS_PER_RUN};
use super::file_search::{self, MAX_SEARCHES_PER_RUN};
use crate::providers::{ChatMessage, ChatRequest, ToolCall, ToolChoice};

/// Rough tokens of a text: a quarter of its characters. Providers tokenize differently and we do
/// not ship their tokenizers; truncation only needs to stay safely inside the window, and the
/// usage the provider reports afterwards is what the run records.
pub(crate) fn estimate_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4) + 4
}

/// Why no request could be built.
#[derive(Debug, PartialEq)]
pub(crate) enum PromptError {
    /// Not even the newest message fits in `max_prompt_tokens`.
    OverPromptBudget,
}

/// The history of a thread as the model sees it: messages oldest first, then this run's answered
/// tool calls (so the model continues after the outputs the client submitted).
pub(crate) struct History<'a> {
    pub messages: &'a [hearth_wire::Message],
    pub run_steps: &'a [RunStep],
    /// What this executor remembers of its file_search and code_interpreter calls (the steps do
    /// not keep the model's arguments or all it was told), by call id.
    pub memos: &'a HashMap<String, ToolMemo>,
    /// With code_interpreter on, the names of the files its session holds; `None` when off.
    pub code_files: Option<&'a [String]>,
}

/// A file_search or code_interpreter call as the model made it and the text it got back.
#[derive(Debug, Clone)]
pub(crate) struct ToolMemo {
    pub arguments: String,
    pub output: String,
}

/// Builds the request for the next provider call of `run`.
pub(crate) fn build(
    run: &Run,
    history: History<'_>,
    context_window: u64,
    completion_used: u64,
) -> Result<ChatRequest, PromptError> {
    let search = file_search::settings(run);
    let searches_made = file_search::search_calls(history.run_steps).len();
    let offer_search = search.is_some() && searches_made < MAX_SEARCHES_PER_RUN;
    let code_made = code_interpreter::code_calls(history.run_steps);
    let offer_code = history.code_files.is_some() && code_made < MAX_CALLS_PER_RUN;
    let mut system_parts: Vec<String> = Vec::new();
    if !run.instructions.is_empty() {
        system_parts.push(run.instructions.clone());
    }
    if search.is_some() {
        system_parts.push(file_search::INSTRUCTIONS.to_owned());
    }
    if let Some(files) = history.code_files {
        system_parts.push(code_interpreter::instructions(files));
    }
    let system = (!system_parts.is_empty()).then(|| system_parts.join("\n\n"));
    let mut turns: Vec<ChatMessage> = history.messages.iter().filter_map(message_turn).collect();

    if let Some(strategy) = &run.truncation_strategy
        && strategy.kind == TruncationType::LastMessages
        && let Some(keep) = strategy.last_messages
    {
        let keep = keep as usize;
        if turns.len() > keep {
            turns.drain(..turns.len() - keep);
        }
    }

    let tool_turns = tool_turns(history.run_steps, history.memos);
    let fixed: u64 = system.as_deref().map_or(0, estimate_tokens)
        + tool_turns.iter().map(turn_tokens).sum::<u64>();
    let max_output = remaining_completion(run, completion_used);
    let budget = match run.max_prompt_tokens {
        Some(max) => {
            u64::from(max).min(context_window.saturating_sub(max_output.map_or(0, u64::from)))
        }
        None => context_window.saturating_sub(max_output.map_or(0, u64::from)),
    };
    // Oldest turns go first; the newest message always stays (without it there is no question).
    let mut total = fixed + turns.iter().map(turn_tokens).sum::<u64>();
    while total > budget && turns.len() > 1 {
        total -= turn_tokens(&turns.remove(0));
    }
    if total > budget && run.max_prompt_tokens.is_some() {
        return Err(PromptError::OverPromptBudget);
    }
    turns.extend(tool_turns);

    let mut tools = run
        .tools
        .iter()
        .filter_map(|tool| match tool {
            AssistantTool::Function { function } => Some(function.clone()),
            _ => None,
        })
        .collect::<Vec<_>>();
    if offer_search {
        tools.push(file_search::tool_definition());
    }
    if offer_code {
        tools.push(code_interpreter::tool_definition());
    }

    Ok(ChatRequest {
        model: run.model.clone(),
        system,
        messages: turns,
        tool_choice: tool_choice(
            run.tool_choice.as_ref(),
            Offered {
                search: offer_search,
                searched: searches_made > 0,
                code: offer_code,
                coded: code_made > 0,
            },
        ),
        parallel_tool_calls: (!tools.is_empty()).then_some(run.parallel_tool_calls),
        tools,
        temperature: run.temperature,
        top_p: run.top_p,
        max_output_tokens: max_output,
        response_format: match &run.response_format {
            Some(ResponseFormatOption::Format(format)) => Some(format.clone()),
            _ => None,
        },
    })
}

/// What is left of `max_completion_tokens` after earlier provider calls of the same run.
pub(crate) fn remaining_completion(run: &Run, used: u64) -> Option<u32> {
    run.max_completion_tokens
        .map(|max| u64::from(max).saturating_sub(used).max(1) as u32)
}

fn message_turn(message: &hearth_wire::Message) -> Option<ChatMessage> {
    let text = message
        .content
        .iter()
        .filter_map(|part| match part {
            MessageContent::Text { text } => Some(text.value.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n");
    if text.is_empty() {
        return None;
    }
    Some(match message.role {
        MessageRole::Assistant => ChatMessage::assistant(text),
        _ => ChatMessage::user(text),
    })
}

/// This run's tool calls that have outputs (function outputs the client submitted, searches
/// Hearth ran), as assistant tool calls followed by their results.
fn tool_turns(steps: &[RunStep], memos: &HashMap<String, ToolMemo>) -> Vec<ChatMessage> {
    let mut turns = Vec::new();
    let mut search_number = 0u32;
    for step in steps {
        let StepDetails::ToolCalls { tool_calls } = &step.step_details else {
            continue;
        };
        let mut calls = Vec::new();
        let mut results = Vec::new();
        for call in tool_calls {
            match call {
                StepToolCall::Function { id, function } => {
                    if let Some(output) = &function.output {
                        calls.push(ToolCall {
                            id: id.clone(),
                            name: function.name.clone(),
                            arguments: function.arguments.clone(),
                        });
                        results.push(ChatMessage::tool_result(id.clone(), output.clone()));
                    }
                }
                StepToolCall::FileSearch { id, file_search } => {
                    let number = search_number;
                    search_number += 1;
                    let Some(found) = &file_search.results else {
                        continue;
                    };
                    // A resumed run has no memo of calls an earlier executor made; their output
                    // is rebuilt from the stored results, which number the markers the same way.
                    let (arguments, output) = match memos.get(id) {
                        Some(memo) => (memo.arguments.clone(), memo.output.clone()),
                        None => ("{}".to_owned(), file_search::tool_output(number, found)),
                    };
                    calls.push(ToolCall {
                        id: id.clone(),
                        name: file_search::TOOL_NAME.to_owned(),
                        arguments,
                    });
                    results.push(ChatMessage::tool_result(id.clone(), output));
                }
                StepToolCall::CodeInterpreter {
                    id,
                    code_interpreter: call,
                } => {
                    // A resumed run rebuilds what the model was told from the stored step.
                    let (arguments, output) = match memos.get(id) {
                        Some(memo) => (memo.arguments.clone(), memo.output.clone()),
                        None => (
                            serde_json::json!({ "code": call.input }).to_string(),
                            code_interpreter::tool_output(&call.outputs, &[]),
                        ),
                    };
                    calls.push(ToolCall {
                        id: id.clone(),
                        name: code_interpreter::TOOL_NAME.to_owned(),
                        arguments,
                    });
                    results.push(ChatMessage::tool_result(id.clone(), output));
                }
                _ => {}
            }
        }
        if !calls.is_empty() {
            turns.push(ChatMessage::Assistant {
                text: String::new(),
                tool_calls: calls,
            });
            turns.extend(results);
        }
    }
    turns
}

fn turn_tokens(turn: &ChatMessage) -> u64 {
    match turn {
        ChatMessage::User(text) => estimate_tokens(text),
        ChatMessage::Assistant { text, tool_calls } => {
            estimate_tokens(text)
                + tool_calls
                    .iter()
                    .map(|call| estimate_tokens(&call.name) + estimate_tokens(&call.arguments))
                    .sum::<u64>()
        }
        ChatMessage::ToolResult { output, .. } => estimate_tokens(output),
    }
}

/// Which built-in tools a provider call offers, and whether the run has used them already.
#[derive(Debug, Clone, Copy)]
struct Offered {
    search: bool,
    searched: bool,
    code: bool,
    coded: bool,
}

/// The provider's tool choice. A choice that forces a built-in tool applies until the run has used
/// it: forcing it again after every result would never let the model answer.
fn tool_choice(choice: Option<&WireToolChoice>, offered: Offered) -> ToolChoice {
    match choice {
        None | Some(WireToolChoice::Mode(ToolChoiceMode::Auto)) => ToolChoice::Auto,
        Some(WireToolChoice::Mode(ToolChoiceMode::None)) => ToolChoice::None,
        Some(WireToolChoice::Mode(ToolChoiceMode::Required))
            if offered.searched || offered.coded =>
        {
            ToolChoice::Auto
        }
        Some(WireToolChoice::Mode(ToolChoiceMode::Required)) => ToolChoice::Required,
        Some(WireToolChoice::Named(NamedToolChoice::Function { function })) => {
            ToolChoice::Function(function.name.clone())
        }
        Some(WireToolChoice::Named(NamedToolChoice::FileSearch))
            if offered.search && !offered.searched =>
        {
            ToolChoice::Function(file_search::TOOL_NAME.to_owned())
        }
        Some(WireToolChoice::Named(NamedToolChoice::CodeInterpreter))
            if offered.code && !offered.coded =>
        {
            ToolChoice::Function(code_interpreter::TOOL_NAME.to_owned())
        }
        // A built-in tool not offered (or used already), unknown modes: let the model decide.
        Some(_) => ToolChoice::Auto,
    }
}
