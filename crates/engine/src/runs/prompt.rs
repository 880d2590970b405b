//! Turning a thread and a run into one provider request: instructions, history, tools, options,
//! and truncation to the budget the run allows.

use hearth_wire::{
    AssistantTool, MessageContent, MessageRole, NamedToolChoice, ResponseFormatOption, Run,
    RunStep, StepDetails, ToolCall as StepToolCall, ToolChoice as WireToolChoice, ToolChoiceMode,
    TruncationType,
};

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
}

/// Builds the request for the next provider call of `run`.
pub(crate) fn build(
    run: &Run,
    history: History<'_>,
    context_window: u64,
    completion_used: u64,
) -> Result<ChatRequest, PromptError> {
    let system = (!run.instructions.is_empty()).then(|| run.instructions.clone());
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

    let tool_turns = tool_turns(history.run_steps);
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

    let tools = run
        .tools
        .iter()
        .filter_map(|tool| match tool {
            AssistantTool::Function { function } => Some(function.clone()),
            // file_search and code_interpreter are stored with the run but not executed yet, so
            // the model is not offered them: it must never believe it used them.
            _ => None,
        })
        .collect::<Vec<_>>();

    Ok(ChatRequest {
        model: run.model.clone(),
        system,
        messages: turns,
        tool_choice: tool_choice(run.tool_choice.as_ref()),
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

/// This run's function calls that have outputs, as assistant tool calls followed by their results.
fn tool_turns(steps: &[RunStep]) -> Vec<ChatMessage> {
    let mut turns = Vec::new();
    for step in steps {
        let StepDetails::ToolCalls { tool_calls } = &step.step_details else {
            continue;
        };
        let mut calls = Vec::new();
        let mut results = Vec::new();
        for call in tool_calls {
            if let StepToolCall::Function { id, function } = call
                && let Some(output) = &function.output
            {
                calls.push(ToolCall {
                    id: id.clone(),
                    name: function.name.clone(),
                    arguments: function.arguments.clone(),
                });
                results.push(ChatMessage::tool_result(id.clone(), output.clone()));
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

fn tool_choice(choice: Option<&WireToolChoice>) -> ToolChoice {
    match choice {
        None | Some(WireToolChoice::Mode(ToolChoiceMode::Auto)) => ToolChoice::Auto,
        Some(WireToolChoice::Mode(ToolChoiceMode::None)) => ToolChoice::None,
        Some(WireToolChoice::Mode(ToolChoiceMode::Required)) => ToolChoice::Required,
        Some(WireToolChoice::Named(NamedToolChoice::Function { function })) => {
            ToolChoice::Function(function.name.clone())
        }
        // Named file_search / code_interpreter choices and unknown modes: those tools are not
        // offered to the model, so let it decide.
        Some(_) => ToolChoice::Auto,
    }
}
