//! Runs: create (on a thread, or with a new thread), retrieve, list, modify, cancel, submit tool
//! outputs; and their steps.

mod citations;
mod code_interpreter;
mod ending;
mod executor;
mod expiry;
mod file_search;
mod include;
mod prompt;
pub(crate) mod recovery;
mod search;
mod unsaved;

use hearth_store::{Tx, new_id};
use hearth_wire::{
    AssistantTool, CreateRunRequest, CreateThreadAndRunRequest, IdPrefix, ListQuery, ListResponse,
    ModifyRunRequest, Run, RunStatus, RunStep, RunStepStatus, RunTag, StepDetails, StreamEvent,
    SubmitToolOutputsRequest, Thread, ToolCall, TruncationStrategy, Validate,
};
use tokio::sync::mpsc::Receiver;

pub use self::include::StepInclude;
pub use self::unsaved::SaveBatch;

use self::ending::{Ending, close};
use self::executor::Events;
use crate::engine::{Engine, now};
use crate::error::{EngineError, EngineResult};
use crate::messages::new_user_message;

/// A run that was just started or resumed, and the events of its execution. A caller that did
/// not ask for a stream answers with `run` and drops `events`.
#[derive(Debug)]
pub struct RunStream {
    /// The run as it was committed when the call returned.
    pub run: Run,
    /// Everything that happens from here on, ending with `StreamEvent::Done`. The channel is
    /// bounded: a reader that stops taking events for `stream_stall_timeout` is let go, and its
    /// receiver then ends without `Done` while the run goes on.
    pub events: Receiver<StreamEvent>,
}

/// The options a run takes over from its assistant unless the request overrides them.
struct RunOptions {
    assistant_id: String,
    model: Option<String>,
    instructions: Option<String>,
    additional_instructions: Option<String>,
    tools: Option<Vec<AssistantTool>>,
    metadata: Option<hearth_wire::Metadata>,
    temperature: Option<f64>,
    top_p: Option<f64>,
    max_prompt_tokens: Option<u32>,
    max_completion_tokens: Option<u32>,
    truncation_strategy: Option<TruncationStrategy>,
    tool_choice: Option<hearth_wire::ToolChoice>,
    parallel_tool_calls: Option<bool>,
    response_format: Option<hearth_wire::ResponseFormatOption>,
}

impl Engine {
    /// `POST /threads/{thread_id}/runs`
    pub fn create_run(
        &self,
        thread_id: &str,
        request: CreateRunRequest,
    ) -> EngineResult<RunStream> {
        self.create_run_with_include(thread_id, request, StepInclude::default())
    }

    /// `POST /threads/{thread_id}/runs?include[]=…`: the run's streamed steps carry what `include`
    /// asks for.
    pub fn create_run_with_include(
        &self,
        thread_id: &str,
        request: CreateRunRequest,
        include: StepInclude,
    ) -> EngineResult<RunStream> {
        request.validate()?;
        self.get_thread(thread_id)?;
        let assistant = self.get_assistant(&request.assistant_id)?;
        let additional = request.additional_messages.clone().unwrap_or_default();
        let added: Vec<&hearth_wire::CreateMessageRequest> = additional.iter().collect();
        self.check_attachments(&added)?;
        // Before anything is written: a refused run leaves no trace, not even its messages.
        let admission = self.admit_run()?;
        if !added.is_empty() {
            refuse_if_busy_now(self, thread_id)?;
            self.attach_to_thread(thread_id, &added)?;
        }
        let options = RunOptions {
            assistant_id: request.assistant_id,
            model: request.model,
            instructions: request.instructions,
            additional_instructions: request.additional_instructions,
            tools: request.tools,
            metadata: request.metadata,
            temperature: request.temperature,
            top_p: request.top_p,
            max_prompt_tokens: request.max_prompt_tokens,
            max_completion_tokens: request.max_completion_tokens,
            truncation_strategy: request.truncation_strategy,
            tool_choice: request.tool_choice,
            parallel_tool_calls: request.parallel_tool_calls,
            response_format: request.response_format,
        };
        let (events_out, events) = self.run_events(include.file_search_content);
        let run = self.store().transaction(|tx| {
            refuse_if_busy(tx, thread_id)?;
            for message in additional {
                tx.insert_message(&new_user_message(thread_id, message))?;
            }
            let run = new_run(thread_id, &assistant, options, self.config().run_expiry);
            tx.insert_run(&run)?;
            Ok::<_, EngineError>(run)
        })?;
        events_out.send(StreamEvent::RunCreated(run.clone()));
        events_out.send(StreamEvent::RunQueued(run.clone()));
        executor::spawn(self.clone(), run.clone(), events_out, Some(admission));
        Ok(RunStream { run, events })
    }

    /// `POST /threads/runs`: a new thread and a run on it, in one step.
    pub fn create_thread_and_run(
        &self,
        request: CreateThreadAndRunRequest,
    ) -> EngineResult<(Thread, RunStream)> {
        request.validate()?;
        let assistant = self.get_assistant(&request.assistant_id)?;
        let options = RunOptions {
            assistant_id: request.assistant_id,
            model: request.model,
            instructions: request.instructions,
            additional_instructions: None,
            tools: request.tools,
            metadata: request.metadata,
            temperature: request.temperature,
            top_p: request.top_p,
            max_prompt_tokens: request.max_prompt_tokens,
            max_completion_tokens: request.max_completion_tokens,
            truncation_strategy: request.truncation_strategy,
            tool_choice: request.tool_choice,
            parallel_tool_calls: request.parallel_tool_calls,
            response_format: request.response_format,
        };
        // Before anything is written (a new thread's vector store, say).
        let admission = self.admit_run()?;
        let run_resources = request.tool_resources;
        let mut thread_request = request.thread.unwrap_or_default();
        let thread_resources = self.prepare_new_thread(&mut thread_request)?;
        let (events_out, events) = self.run_events(false);
        let (thread, run) = self.store().transaction(|tx| {
            let thread = crate::threads::insert_thread(tx, thread_request, thread_resources)?;
            let mut run = new_run(&thread.id, &assistant, options, self.config().run_expiry);
            run.tool_resources = run_resources;
            tx.insert_run(&run)?;
            Ok::<_, EngineError>((thread, run))
        })?;
        events_out.send(StreamEvent::ThreadCreated(thread.clone()));
        events_out.send(StreamEvent::RunCreated(run.clone()));
        events_out.send(StreamEvent::RunQueued(run.clone()));
        executor::spawn(self.clone(), run.clone(), events_out, Some(admission));
        Ok((thread, RunStream { run, events }))
    }

    /// `GET /threads/{thread_id}/runs/{run_id}`
    pub fn get_run(&self, thread_id: &str, run_id: &str) -> EngineResult<Run> {
        IdPrefix::Thread.check("thread_id", thread_id)?;
        IdPrefix::Run.check("run_id", run_id)?;
        self.store()
            .get_run(thread_id, run_id)?
            .ok_or_else(|| EngineError::not_found("run", run_id))
    }

    /// `GET /threads/{thread_id}/runs`
    pub fn list_runs(&self, thread_id: &str, query: &ListQuery) -> EngineResult<ListResponse<Run>> {
        crate::lists::check_query(query)?;
        self.get_thread(thread_id)?;
        Ok(self.store().list_runs(thread_id, query)?)
    }

    /// `POST /threads/{thread_id}/runs/{run_id}`: only metadata can change.
    pub fn modify_run(
        &self,
        thread_id: &str,
        run_id: &str,
        request: ModifyRunRequest,
    ) -> EngineResult<Run> {
        request.validate()?;
        self.store().transaction(|tx| {
            let mut run = tx
                .get_run(thread_id, run_id)?
                .ok_or_else(|| EngineError::not_found("run", run_id))?;
            if let Some(metadata) = request.metadata {
                run.metadata = Some(metadata.unwrap_or_default());
            }
            tx.update_run(&run)?;
            Ok(run)
        })
    }

    /// `POST /threads/{thread_id}/runs/{run_id}/cancel`. A run that is executing goes to
    /// `cancelling` and its provider stream is dropped at once; its executor then records
    /// `cancelled`. A run waiting for tool outputs has nothing to stop and is cancelled directly.
    pub fn cancel_run(&self, thread_id: &str, run_id: &str) -> EngineResult<Run> {
        self.get_run(thread_id, run_id)?;
        let run = self.store().transaction(|tx| {
            let mut run = tx
                .get_run(thread_id, run_id)?
                .ok_or_else(|| EngineError::not_found("run", run_id))?;
            match run.status {
                RunStatus::Queued | RunStatus::InProgress => {
                    run.status = RunStatus::Cancelling;
                    tx.update_run(&run)?;
                }
                RunStatus::RequiresAction => {
                    close(tx, &mut run, Ending::Cancelled)?;
                }
                ref status => {
                    return Err(EngineError::invalid(
                        format!("Cannot cancel run with status '{status}'."),
                        None,
                    ));
                }
            }
            Ok(run)
        })?;
        self.signal_cancel(run_id);
        Ok(run)
    }

    /// `POST /threads/{thread_id}/runs/{run_id}/submit_tool_outputs`: all outputs at once; the
    /// tool step completes with them and the run continues.
    pub fn submit_tool_outputs(
        &self,
        thread_id: &str,
        run_id: &str,
        request: SubmitToolOutputsRequest,
    ) -> EngineResult<RunStream> {
        request.validate()?;
        self.get_run(thread_id, run_id)?;
        let (events_out, events) = self.run_events(false);
        let (run, step) = self.store().transaction(|tx| {
            let mut run = tx
                .get_run(thread_id, run_id)?
                .ok_or_else(|| EngineError::not_found("run", run_id))?;
            if run.status != RunStatus::RequiresAction {
                return Err(EngineError::invalid(
                    format!(
                        "Runs in status \"{}\" do not accept tool outputs.",
                        run.status
                    ),
                    None,
                ));
            }
            let expected: Vec<String> = run
                .required_action
                .as_ref()
                .map(|action| {
                    action
                        .submit_tool_outputs
                        .tool_calls
                        .iter()
                        .map(|call| call.id.clone())
                        .collect()
                })
                .unwrap_or_default();
            check_outputs(&expected, &request)?;
            let step = complete_tool_step(tx, &run, &request)?;
            run.status = RunStatus::Queued;
            run.required_action = None;
            run.expires_at = Some(now() + self.config().run_expiry.as_secs() as i64);
            tx.update_run(&run)?;
            Ok::<_, EngineError>((run, step))
        })?;
        if let Some(step) = step {
            events_out.send(StreamEvent::RunStepCompleted(step));
        }
        events_out.send(StreamEvent::RunQueued(run.clone()));
        // A resumed run is not refused: it exists already and only waits for a slot like any other.
        executor::spawn(self.clone(), run.clone(), events_out, None);
        Ok(RunStream { run, events })
    }

    /// A run's bounded event stream with the configured size and patience.
    fn run_events(&self, search_content: bool) -> (Events, Receiver<StreamEvent>) {
        Events::channel(
            self.config().stream_buffer,
            self.config().stream_stall_timeout,
            search_content,
        )
    }

    /// `GET /threads/{thread_id}/runs/{run_id}/steps/{step_id}`
    pub fn get_run_step(
        &self,
        thread_id: &str,
        run_id: &str,
        step_id: &str,
    ) -> EngineResult<RunStep> {
        self.get_run_step_with_include(thread_id, run_id, step_id, StepInclude::default())
    }

    /// `GET /threads/{thread_id}/runs/{run_id}/steps/{step_id}?include[]=…`
    pub fn get_run_step_with_include(
        &self,
        thread_id: &str,
        run_id: &str,
        step_id: &str,
        include: StepInclude,
    ) -> EngineResult<RunStep> {
        IdPrefix::Step.check("step_id", step_id)?;
        self.get_run(thread_id, run_id)?;
        let step = self
            .store()
            .get_run_step(thread_id, run_id, step_id)?
            .ok_or_else(|| EngineError::not_found("run step", step_id))?;
        Ok(shown(step, include))
    }

    /// `GET /threads/{thread_id}/runs/{run_id}/steps`
    pub fn list_run_steps(
        &self,
        thread_id: &str,
        run_id: &str,
        query: &ListQuery,
    ) -> EngineResult<ListResponse<RunStep>> {
        self.list_run_steps_with_include(thread_id, run_id, query, StepInclude::default())
    }

    /// `GET /threads/{thread_id}/runs/{run_id}/steps?include[]=…`
    pub fn list_run_steps_with_include(
        &self,
        thread_id: &str,
        run_id: &str,
        query: &ListQuery,
        include: StepInclude,
    ) -> EngineResult<ListResponse<RunStep>> {
        crate::lists::check_query(query)?;
        self.get_run(thread_id, run_id)?;
        let mut page = self.store().list_run_steps(thread_id, run_id, query)?;
        page.data = page
            .data
            .into_iter()
            .map(|step| shown(step, include))
            .collect();
        Ok(page)
    }
}

/// A stored step as a read shows it: result content only when `include[]` asked for it.
fn shown(step: RunStep, include: StepInclude) -> RunStep {
    if include.file_search_content {
        step
    } else {
        file_search::without_content(step)
    }
}

/// [`refuse_if_busy`] before anything is written, so a refused run leaves no trace.
fn refuse_if_busy_now(engine: &Engine, thread_id: &str) -> EngineResult<()> {
    engine
        .store()
        .transaction(|tx| refuse_if_busy(tx, thread_id))
}

fn refuse_if_busy(tx: &Tx<'_>, thread_id: &str) -> EngineResult<()> {
    match tx.active_run(thread_id)? {
        Some(run) => Err(EngineError::invalid(
            format!("Thread {thread_id} already has an active run {}.", run.id),
            None,
        )),
        None => Ok(()),
    }
}

fn new_run(
    thread_id: &str,
    assistant: &hearth_wire::Assistant,
    options: RunOptions,
    expiry: std::time::Duration,
) -> Run {
    let created_at = now();
    let base = options
        .instructions
        .unwrap_or_else(|| assistant.instructions.clone().unwrap_or_default());
    let instructions = match options.additional_instructions {
        Some(extra) if base.is_empty() => extra,
        Some(extra) => format!("{base}\n\n{extra}"),
        None => base,
    };
    Run {
        id: new_id(IdPrefix::Run.as_str()),
        object: RunTag,
        created_at,
        thread_id: thread_id.to_owned(),
        assistant_id: options.assistant_id,
        status: RunStatus::Queued,
        required_action: None,
        last_error: None,
        expires_at: Some(created_at + expiry.as_secs() as i64),
        started_at: None,
        cancelled_at: None,
        failed_at: None,
        completed_at: None,
        incomplete_details: None,
        model: options.model.unwrap_or_else(|| assistant.model.clone()),
        instructions,
        tools: options.tools.unwrap_or_else(|| assistant.tools.clone()),
        metadata: Some(options.metadata.unwrap_or_default()),
        usage: None,
        temperature: options.temperature.or(assistant.temperature),
        top_p: options.top_p.or(assistant.top_p),
        max_prompt_tokens: options.max_prompt_tokens,
        max_completion_tokens: options.max_completion_tokens,
        truncation_strategy: Some(
            options
                .truncation_strategy
                .unwrap_or(TruncationStrategy::AUTO),
        ),
        tool_choice: Some(options.tool_choice.unwrap_or(hearth_wire::ToolChoice::AUTO)),
        parallel_tool_calls: options.parallel_tool_calls.unwrap_or(true),
        response_format: options
            .response_format
            .or_else(|| assistant.response_format.clone())
            .or(Some(hearth_wire::ResponseFormatOption::Auto)),
        tool_resources: None,
    }
}

/// Outputs must answer exactly the calls the run is waiting for, each once.
fn check_outputs(expected: &[String], request: &SubmitToolOutputsRequest) -> EngineResult<()> {
    let mut given: Vec<&str> = request
        .tool_outputs
        .iter()
        .map(|output| output.tool_call_id.as_str())
        .collect();
    for (index, id) in given.iter().enumerate() {
        if !expected.iter().any(|expected| expected == id) {
            return Err(EngineError::invalid(
                format!("No tool call found with id '{id}' in this run's required action."),
                Some(&format!("tool_outputs[{index}].tool_call_id")),
            ));
        }
    }
    given.sort_unstable();
    let before = given.len();
    given.dedup();
    if given.len() != before {
        return Err(EngineError::invalid(
            "Each tool call may be answered only once.",
            Some("tool_outputs"),
        ));
    }
    let missing: Vec<&String> = expected
        .iter()
        .filter(|id| !given.contains(&id.as_str()))
        .collect();
    if !missing.is_empty() {
        let list = missing
            .iter()
            .map(|id| format!("'{id}'"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(EngineError::invalid(
            format!("Expected tool outputs for call ids {list}; submit all outputs at once."),
            Some("tool_outputs"),
        ));
    }
    Ok(())
}

/// Writes the outputs into the waiting `tool_calls` step and completes it.
fn complete_tool_step(
    tx: &Tx<'_>,
    run: &Run,
    request: &SubmitToolOutputsRequest,
) -> EngineResult<Option<RunStep>> {
    let Some(mut step) = tx.run_steps(&run.id)?.into_iter().rev().find(|step| {
        step.status == RunStepStatus::InProgress
            && matches!(step.step_details, StepDetails::ToolCalls { .. })
    }) else {
        return Ok(None);
    };
    if let StepDetails::ToolCalls { tool_calls } = &mut step.step_details {
        for call in tool_calls.iter_mut() {
            if let ToolCall::Function { id, function } = call
                && let Some(output) = request
                    .tool_outputs
                    .iter()
                    .find(|output| &output.tool_call_id == id)
            {
                function.output = Some(output.output.clone());
            }
        }
    }
    step.status = RunStepStatus::Completed;
    step.completed_at = Some(now());
    tx.update_run_step(&step)?;
    Ok(Some(step))
}
