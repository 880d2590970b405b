//! The run executor: one task per stretch of a run between waits. It calls the provider, turns the
//! streamed answer into messages, steps and events, and ends the run or leaves it waiting for tool
//! outputs. Every change of status (a message or step opening or closing, the run's end) is
//! committed before the event that shows it is sent; streamed text and arguments go out at once
//! and are saved in small batches ([`super::unsaved`]), each batch by the next commit at the latest.
//! Commits in the middle of a stream are unsynced (they survive a killed process); the commit that
//! ends the stretch — finished, failed, cancelled or waiting for outputs — is fsynced and makes all
//! of them durable.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::StreamExt;
use hearth_store::{Tx, new_id};
use hearth_wire::{
    Annotation, AnnotationDelta, CodeInterpreterCall, CodeInterpreterCallDelta, FileCitationDelta,
    FilePathDelta, FileRef, FileSearchCall, FileSearchResult, FunctionCall, FunctionCallDelta,
    IdPrefix, ImageFile, ImageFileDelta, Message, MessageContent, MessageCreation, MessageDelta,
    MessageDeltaBody, MessageDeltaContent, MessageRole, MessageStatus, MessageTag, RequiredAction,
    Run, RunErrorCode, RunFunctionCall, RunIncompleteReason, RunLastError, RunStatus, RunStep,
    RunStepDelta, RunStepDeltaBody, RunStepStatus, RunStepTag, RunStepType, RunToolCall,
    StepDetails, StepDetailsDelta, StreamEvent, TextContent, TextDelta, ToolCall as StepToolCall,
    ToolCallDelta, Usage,
};
use tokio::sync::OwnedSemaphorePermit;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::mpsc::{Receiver, Sender, channel};
use tokio_util::sync::CancellationToken;

use super::citations::{CitationScanner, Released, Sources};
use super::code_interpreter::{self, CodeCall};
use super::ending::{Ending, close};
use super::file_search;
use super::prompt::{self, History, PromptError, ToolMemo};
use super::unsaved::{Pending, Unsaved};
use crate::code::{CodeFailure, CodeUnavailable};
use crate::engine::{Engine, now};
use crate::error::{EngineError, EngineResult};
use crate::providers::{ChatEvent, FinishReason, ProviderError};

/// Where a run's events go: the stream of whoever started or resumed it. Nobody listening (a
/// polling client) is fine; events are then simply dropped.
///
/// The stream is a bounded channel. Before the run takes its next piece of the model's answer it
/// waits for the reader to leave room for a burst of events ([`Events::room`]): a slow reader slows
/// the run down (back-pressure) instead of making the server buffer without end. A reader that
/// leaves no room for [`EngineConfig::stream_stall_timeout`](crate::EngineConfig) is let go: the
/// channel is closed, its stream ends after what it holds, and the run goes on and is saved.
#[derive(Clone)]
pub(crate) struct Events {
    /// `None` once the reader was let go.
    sender: Arc<Mutex<Option<Sender<StreamEvent>>>>,
    /// Whether step snapshots keep file_search result content (the request's `include[]`).
    search_content: bool,
    stall_timeout: Duration,
}

/// Free places [`Events::room`] waits for: more than the events one step of a run sends between
/// two waits (a message or step opening, the closing events of a run).
const BURST: usize = 32;

impl Events {
    /// A bounded stream of `capacity` events (at least twice [`BURST`]) and its receiver.
    pub(crate) fn channel(
        capacity: usize,
        stall_timeout: Duration,
        search_content: bool,
    ) -> (Self, Receiver<StreamEvent>) {
        let (sender, receiver) = channel(capacity.max(2 * BURST));
        let events = Self {
            sender: Arc::new(Mutex::new(Some(sender))),
            search_content,
            stall_timeout,
        };
        (events, receiver)
    }

    fn sender(&self) -> Option<Sender<StreamEvent>> {
        self.sender
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Stops streaming to the reader: the channel closes once no clone of the sender is in use.
    fn let_go(&self, why: &str) {
        if self
            .sender
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .is_some()
        {
            log::warn!("a run's stream reader {why}; the run goes on without streaming to it");
        }
    }

    pub(crate) fn send(&self, event: StreamEvent) {
        let Some(sender) = self.sender() else {
            return;
        };
        let event = if self.search_content {
            event
        } else {
            file_search::event_without_content(event)
        };
        match sender.try_send(event) {
            Ok(()) | Err(TrySendError::Closed(_)) => {}
            // `room` keeps a burst's worth free, so only a step that sends more than that ends here.
            Err(TrySendError::Full(_)) => self.let_go("has no room for an event"),
        }
    }

    /// Waits until the reader has left room for a burst of events, or lets it go after the stall
    /// timeout. Returns at once when nobody reads (the receiver was dropped).
    pub(crate) async fn room(&self) {
        let Some(sender) = self.sender() else {
            return;
        };
        // The reserved places are given back as the permits drop. A reader that keeps up always
        // leaves room: that common case takes no timer.
        match sender.try_reserve_many(BURST) {
            Ok(_) | Err(TrySendError::Closed(())) => return,
            Err(TrySendError::Full(())) => {}
        }
        let stalled = tokio::time::timeout(self.stall_timeout, sender.reserve_many(BURST))
            .await
            .is_err();
        drop(sender);
        if stalled {
            self.let_go("stopped reading");
        }
    }
}

/// Starts executing `run` (already committed as `queued`) in the background. `admission` is the
/// run's place among the unfinished runs, held until its task ends (none for a resumed run). The
/// run stays `queued` until a running slot frees.
pub(crate) fn spawn(
    engine: Engine,
    run: Run,
    events: Events,
    admission: Option<OwnedSemaphorePermit>,
) {
    let cancel = engine.track(&run.id);
    tokio::spawn(async move {
        let _admission = admission;
        // A run cancelled while it waits needs no slot: it only closes itself.
        let _slot = tokio::select! {
            biased;
            () = cancel.cancelled() => None,
            slot = engine.running_slot() => Some(slot),
        };
        let run_id = run.id.clone();
        let thread_id = run.thread_id.clone();
        // The executor runs in a task of its own so that a panic inside it (a bug) is seen here
        // and ends the run, instead of leaving it `in_progress` and its thread locked.
        let executing = tokio::spawn({
            let engine = engine.clone();
            let events = events.clone();
            async move {
                let mut executor = Executor::new(engine, run, events, cancel);
                if let Err(error) = executor.execute().await {
                    executor.fail_internal(&error).await;
                }
            }
        });
        if let Err(failure) = executing.await
            && failure.is_panic()
        {
            log::error!(
                "run {run_id} stopped on an internal error (a panic); it is closed as failed"
            );
            fail_after_panic(&engine, &thread_id, &run_id, &events);
        }
        engine.untrack(&run_id);
        events.send(StreamEvent::Done);
    });
}

/// Closes a run whose executor panicked, unless it ended before the panic.
fn fail_after_panic(engine: &Engine, thread_id: &str, run_id: &str, events: &Events) {
    let closed = engine.store().transaction(|tx| {
        let Some(mut run) = tx.get_run(thread_id, run_id)? else {
            return Ok(Vec::new());
        };
        if run.status.is_terminal() {
            return Ok(Vec::new());
        }
        let ending = if run.status == RunStatus::Cancelling {
            Ending::Cancelled
        } else {
            Ending::Failed(RunLastError {
                code: RunErrorCode::ServerError,
                message: "Hearth hit an internal error while running this run and stopped it. Your messages are kept; start the run again.".into(),
            })
        };
        close(tx, &mut run, ending)
    });
    match closed {
        Ok(closed) => {
            for event in closed {
                events.send(event);
            }
        }
        Err(error) => log::error!("run {run_id} could not be closed after a panic: {error}"),
    }
}

/// A tool call being streamed: our `call_` id, its name and the arguments so far.
pub(super) struct PendingCall {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) arguments: String,
    /// For a file_search call: its number in the run, and its results once it ran.
    pub(super) search: Option<(u32, Option<Vec<FileSearchResult>>)>,
    /// For a code_interpreter call: its code as streamed so far, and its outputs once it ran.
    pub(super) code: Option<CodeCall>,
}

impl PendingCall {
    /// A function call, which the client answers.
    fn is_function(&self) -> bool {
        self.search.is_none() && self.code.is_none()
    }
}

struct Executor {
    engine: Engine,
    run: Run,
    events: Events,
    cancel: CancellationToken,
    message: Option<Message>,
    message_step: Option<RunStep>,
    tool_step: Option<RunStep>,
    calls: Vec<PendingCall>,
    /// Provider tool-call index → position in `calls` (providers need not count from 0).
    call_positions: HashMap<usize, usize>,
    call_usage: Usage,
    /// Citation markers of the message being written.
    scanner: CitationScanner,
    /// The search results this run's markers may name.
    sources: Sources,
    /// File_search and code_interpreter calls made by this executor, by call id.
    memos: HashMap<String, ToolMemo>,
    /// File_search calls in the run's steps before this provider call.
    searches_before: u32,
    /// Whether the model is offered code_interpreter in this provider call.
    code_offered: bool,
    /// Images the code drew, waiting for the next message (its `image_file` parts).
    pending_images: Vec<String>,
    /// Files the code wrote in this run, by their name under `/mnt/data`: what a
    /// `sandbox:/mnt/data/…` link in the answer points at.
    sandbox_files: HashMap<String, String>,
    /// Streamed changes of `message` and `tool_step` not yet saved.
    unsaved: Unsaved,
    /// The batch being saved in the background, while it is.
    saving: Option<tokio::task::JoinHandle<Result<(), hearth_store::StoreError>>>,
}

enum Turn {
    Finished(FinishReason),
    Cancelled,
}

/// What the stream loop woke for.
enum StreamItem<T> {
    /// The batch being saved in the background was written (or failed).
    Saved(Result<Result<(), hearth_store::StoreError>, tokio::task::JoinError>),
    /// The streamed batch is due to be saved.
    SaveDue,
    /// The provider's next event, or the end of its stream.
    Next(Option<T>),
}

/// The end of the background save in `saving`, which must be set.
async fn wait_for(
    saving: &mut Option<tokio::task::JoinHandle<Result<(), hearth_store::StoreError>>>,
) -> Result<Result<(), hearth_store::StoreError>, tokio::task::JoinError> {
    saving
        .as_mut()
        .expect("the loop waits only for a save in progress")
        .await
}

/// Sleeps until `deadline`; for ever without one.
async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// What follows a provider call.
enum Next {
    /// Searches ran; the model is called again with their results.
    CallAgain,
    /// The run ended or waits for tool outputs.
    Stop,
}

impl Executor {
    fn new(engine: Engine, run: Run, events: Events, cancel: CancellationToken) -> Self {
        Self {
            engine,
            run,
            events,
            cancel,
            message: None,
            message_step: None,
            tool_step: None,
            calls: Vec::new(),
            call_positions: HashMap::new(),
            call_usage: Usage {
                completion_tokens: 0,
                prompt_tokens: 0,
                total_tokens: 0,
            },
            scanner: CitationScanner::default(),
            sources: Sources::new(),
            memos: HashMap::new(),
            searches_before: 0,
            code_offered: false,
            pending_images: Vec::new(),
            sandbox_files: HashMap::new(),
            unsaved: Unsaved::default(),
            saving: None,
        }
    }

    /// The streamed changes to write with the next commit, which must write them first.
    /// Waits for a batch being saved in the background first, so batches land in order.
    async fn pending(&mut self) -> EngineResult<Pending> {
        self.settle_saving().await?;
        Ok(self
            .unsaved
            .take(self.message.as_ref(), self.tool_step.as_ref()))
    }

    /// Waits for the batch being saved in the background, if any.
    async fn settle_saving(&mut self) -> EngineResult<()> {
        if let Some(saving) = self.saving.take() {
            let saved = saving.await;
            self.unsaved.written();
            saved.map_err(|failure| {
                EngineError::Internal(format!("saving the streamed answer failed: {failure}"))
            })??;
        }
        Ok(())
    }

    /// Starts saving the batch on the blocking pool while the stream goes on: under load the
    /// database may be busy with other runs' commits, and the next token need not wait for them.
    /// Only one batch is saved at a time (see the stream loop).
    fn start_saving(&mut self) {
        debug_assert!(self.saving.is_none(), "one batch is saved at a time");
        let pending = self
            .unsaved
            .take_for_writing(self.message.as_ref(), self.tool_step.as_ref());
        if pending.is_empty() {
            return;
        }
        let store = self.engine.store().clone();
        let (thread_id, run_id) = (self.run.thread_id.clone(), self.run.id.clone());
        self.saving = Some(tokio::task::spawn_blocking(move || {
            store.transaction_unsynced(|tx| {
                // A batch never lands on a run that has ended: its executor may have stopped on
                // a bug while this was being written, and the run was closed without it.
                let ended = tx
                    .get_run(&thread_id, &run_id)?
                    .is_none_or(|run| run.status.is_terminal());
                if ended {
                    return Ok(());
                }
                pending.write(tx)
            })
        }));
    }

    /// Saves a batch of streamed changes from the blocking pool, so that a run streaming never
    /// holds an async worker while it waits for the database. Also called before a wait that is
    /// not the model's stream (a search, code running), where no batch deadline would be kept.
    async fn save_batch(&mut self) -> EngineResult<()> {
        self.settle_saving().await?;
        self.start_saving();
        self.settle_saving().await
    }

    /// Runs a synced commit (`work`, given the run to change) on the blocking pool: its fsync
    /// must not hold an async worker, where every other run's stream would wait behind it. The
    /// run changes only if the commit does.
    async fn commit_with_run<T: Send + 'static>(
        &mut self,
        work: impl FnOnce(&Tx<'_>, &mut Run) -> EngineResult<T> + Send + 'static,
    ) -> EngineResult<T> {
        self.commit_on_pool(true, work).await
    }

    /// [`Self::commit_with_run`], synced or not.
    async fn commit_on_pool<T: Send + 'static>(
        &mut self,
        synced: bool,
        work: impl FnOnce(&Tx<'_>, &mut Run) -> EngineResult<T> + Send + 'static,
    ) -> EngineResult<T> {
        let store = self.engine.store().clone();
        let mut run = self.run.clone();
        let (run, value) = tokio::task::spawn_blocking(move || {
            let value = if synced {
                store.transaction(|tx| work(tx, &mut run))?
            } else {
                store.transaction_unsynced(|tx| work(tx, &mut run))?
            };
            Ok::<_, EngineError>((run, value))
        })
        .await
        .map_err(|failure| {
            EngineError::Internal(format!("a commit of the run stopped: {failure}"))
        })??;
        self.run = run;
        Ok(value)
    }

    async fn execute(&mut self) -> EngineResult<()> {
        if !self.start().await? {
            return self.end(Ending::Cancelled).await;
        }
        while let Next::CallAgain = self.call_model().await? {}
        Ok(())
    }

    /// One provider call and what it leads to.
    async fn call_model(&mut self) -> EngineResult<Next> {
        // Read on the blocking pool, like the commits: the database may be busy with another's.
        let store = self.engine.store().clone();
        let (thread_id, run_id) = (self.run.thread_id.clone(), self.run.id.clone());
        let (history_messages, run_steps) = tokio::task::spawn_blocking(move || {
            Ok::<_, EngineError>((
                store.thread_messages(&thread_id)?,
                store.run_steps(&run_id)?,
            ))
        })
        .await
        .map_err(|failure| {
            EngineError::Internal(format!("reading the thread stopped: {failure}"))
        })??;
        self.sources = file_search::sources(&run_steps);
        self.searches_before = file_search::search_calls(&run_steps).len() as u32;
        let context_window = self.engine.context_window(&self.run.model).await;
        let used = self.run.usage.map_or(0, |usage| usage.completion_tokens);
        let code_files = if code_interpreter::enabled(&self.run) {
            Some(
                self.engine
                    .code_files(&self.run)?
                    .into_iter()
                    .map(|file| file.name)
                    .collect::<Vec<_>>(),
            )
        } else {
            None
        };
        self.code_offered = code_files.is_some()
            && code_interpreter::code_calls(&run_steps) < code_interpreter::MAX_CALLS_PER_RUN;
        let request = match prompt::build(
            &self.run,
            History {
                messages: &history_messages,
                run_steps: &run_steps,
                memos: &self.memos,
                code_files: code_files.as_deref(),
            },
            context_window,
            used,
        ) {
            Ok(request) => request,
            Err(PromptError::OverPromptBudget) => {
                self.end(Ending::Incomplete(Some(
                    RunIncompleteReason::MaxPromptTokens,
                )))
                .await?;
                return Ok(Next::Stop);
            }
        };

        let provider = self.engine.inner.provider.clone();
        let stream = tokio::select! {
            biased;
            _ = self.cancel.cancelled() => return self.stop(Ending::Cancelled).await,
            stream = provider.stream_chat(&request) => stream,
        };
        let mut stream = match stream {
            Ok(stream) => stream,
            Err(error) => return self.stop(Ending::Failed(last_error(&error))).await,
        };

        let batch = self.engine.config().stream_save_batch;
        let turn = loop {
            let events = &self.events;
            let saving = self.saving.is_some();
            // While a batch is being saved the next one waits: batches land in order.
            let deadline = if saving {
                None
            } else {
                self.unsaved.deadline(batch)
            };
            let item = tokio::select! {
                biased;
                _ = self.cancel.cancelled() => break Turn::Cancelled,
                saved = wait_for(&mut self.saving), if saving => StreamItem::Saved(saved),
                // A stream that pauses still has its batch saved on time.
                () = sleep_until(deadline) => StreamItem::SaveDue,
                item = async {
                    events.room().await;
                    stream.next().await
                } => StreamItem::Next(item),
            };
            let item = match item {
                StreamItem::Saved(saved) => {
                    self.saving = None;
                    self.unsaved.written();
                    saved.map_err(|failure| {
                        EngineError::Internal(format!(
                            "saving the streamed answer failed: {failure}"
                        ))
                    })??;
                    continue;
                }
                StreamItem::SaveDue => {
                    self.start_saving();
                    continue;
                }
                StreamItem::Next(item) => item,
            };
            match item {
                Some(Ok(ChatEvent::Finished { reason })) => break Turn::Finished(reason),
                Some(Ok(event)) => {
                    self.on_event(event).await?;
                    if self.unsaved.is_full(batch) {
                        // A whole batch is unsaved: the write in progress ends before another
                        // delta is taken, so a kill never loses more than one batch.
                        self.settle_saving().await?;
                        self.start_saving();
                    } else if self.unsaved.is_due(batch) {
                        self.start_saving();
                    }
                }
                Some(Err(error)) => {
                    return self.stop(Ending::Failed(last_error(&error))).await;
                }
                None => {
                    let cut = ProviderError::StreamCut {
                        detail: "no finish reason".into(),
                    };
                    return self.stop(Ending::Failed(last_error(&cut))).await;
                }
            }
        };
        // Dropping the stream closes the provider connection, which stops generation at once.
        drop(stream);
        // What follows (searches, code, the end) may take long: the streamed batch is saved first.
        self.save_batch().await?;

        match turn {
            Turn::Cancelled => self.stop(Ending::Cancelled).await,
            Turn::Finished(_) if !self.calls.is_empty() => self.after_calls().await,
            Turn::Finished(FinishReason::Length) => {
                self.ensure_message().await?;
                self.stop(Ending::Incomplete(Some(
                    RunIncompleteReason::MaxCompletionTokens,
                )))
                .await
            }
            Turn::Finished(_) => {
                self.ensure_message().await?;
                self.stop(Ending::Completed).await
            }
        }
    }

    async fn stop(&mut self, ending: Ending) -> EngineResult<Next> {
        self.end(ending).await?;
        Ok(Next::Stop)
    }

    /// The model called tools: searches and code run now; function calls wait for the client's
    /// outputs.
    async fn after_calls(&mut self) -> EngineResult<Next> {
        if self.calls.iter().any(|call| call.search.is_some()) {
            let searched = tokio::select! {
                biased;
                _ = self.cancel.cancelled() => None,
                result = super::search::run_searches(&self.engine, &self.run, &mut self.calls) => Some(result),
            };
            let Some(outputs) = searched else {
                return self.stop(Ending::Cancelled).await;
            };
            for (call, output) in self.calls.iter().zip(outputs) {
                let (Some(output), Some((number, Some(results)))) = (output, &call.search) else {
                    continue;
                };
                file_search::add_sources(&mut self.sources, *number, results);
                self.memos.insert(
                    call.id.clone(),
                    ToolMemo {
                        arguments: call.arguments.clone(),
                        output,
                    },
                );
            }
        }
        for position in 0..self.calls.len() {
            if self.calls[position].code.is_some()
                && let Some(stop) = self.run_code_call(position).await?
            {
                return Ok(stop);
            }
        }
        if self.calls.iter().any(PendingCall::is_function) {
            self.show_search_results().await?;
            self.wait_for_outputs().await?;
            return Ok(Next::Stop);
        }
        self.complete_tool_step().await?;
        Ok(Next::CallAgain)
    }

    /// Runs the code of call `position` in the thread's session and records what it did: the
    /// step's outputs (streamed), its images for the next message, its files for links. `Some`
    /// when the run ends instead (cancelled, or no sandbox to run code in).
    async fn run_code_call(&mut self, position: usize) -> EngineResult<Option<Next>> {
        let call = &self.calls[position];
        let parsed = code_interpreter::parse_code(&call.arguments);
        let code = match &parsed {
            Ok(code) => code.clone(),
            Err(_) => call
                .code
                .as_ref()
                .map(|code| code.input.clone())
                .unwrap_or_default(),
        };
        self.finish_code_input(position, &code)?;
        // The code may run for long: its input and the earlier calls' outputs are saved first.
        self.save_batch().await?;
        let (outputs, images, files) = match parsed {
            Err(problem) => (
                vec![hearth_wire::CodeInterpreterOutput::Logs { logs: problem }],
                Vec::new(),
                Vec::new(),
            ),
            Ok(code) => {
                let files = self.engine.code_files(&self.run)?;
                let result = self
                    .engine
                    .run_code(&self.run, &files, &code, &self.cancel)
                    .await;
                match result {
                    Ok(result) if result.cancelled => {
                        return self.stop(Ending::Cancelled).await.map(Some);
                    }
                    Ok(result) => (result.outputs, result.images, result.files),
                    Err(CodeFailure::Unavailable(CodeUnavailable(message))) => {
                        return self
                            .stop(Ending::Failed(RunLastError {
                                code: RunErrorCode::ServerError,
                                message,
                            }))
                            .await
                            .map(Some);
                    }
                    Err(CodeFailure::Engine(error)) => return Err(error),
                }
            }
        };
        let names: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
        let output = code_interpreter::tool_output(&outputs, &names);
        self.sandbox_files.extend(files);
        self.pending_images.extend(images);
        let call = &mut self.calls[position];
        self.memos.insert(
            call.id.clone(),
            ToolMemo {
                arguments: call.arguments.clone(),
                output,
            },
        );
        let deltas = outputs
            .iter()
            .enumerate()
            .filter_map(|(index, output)| code_interpreter::output_delta(index as u32, output))
            .collect();
        if let Some(code) = &mut call.code {
            code.outputs = Some(outputs);
        }
        self.save_tool_step(Some(ToolCallDelta::CodeInterpreter {
            index: position as u32,
            id: None,
            code_interpreter: Some(CodeInterpreterCallDelta {
                input: None,
                outputs: Some(deltas),
            }),
        }))?;
        Ok(None)
    }

    /// Streams what is left of a call's code once its arguments are complete (a model that sent
    /// the code bare, not as JSON, streamed none of it).
    fn finish_code_input(&mut self, position: usize, code: &str) -> EngineResult<()> {
        let Some(state) = &mut self.calls[position].code else {
            return Ok(());
        };
        let rest = code.strip_prefix(state.input.as_str()).map(str::to_owned);
        let delta = match rest {
            Some(rest) if rest.is_empty() => return Ok(()),
            Some(rest) => rest,
            // The streamed prefix and the parsed code disagree: the step keeps the parsed code.
            None => {
                state.input = code.to_owned();
                return self.save_tool_step(None);
            }
        };
        state.input = code.to_owned();
        self.save_tool_step(Some(ToolCallDelta::CodeInterpreter {
            index: position as u32,
            id: None,
            code_interpreter: Some(CodeInterpreterCallDelta {
                input: Some(delta),
                outputs: None,
            }),
        }))
    }

    /// Saves the searches' results into the tool step, which stays open for the function calls.
    async fn show_search_results(&mut self) -> EngineResult<()> {
        let pending = self.pending().await?;
        let step = self.tool_step.as_mut().expect("calls have their step");
        step.step_details = step_details(&self.calls, &self.run);
        self.engine.store().transaction_unsynced(|tx| {
            pending.write(tx)?;
            tx.update_run_step(step)
        })?;
        Ok(())
    }

    /// A step of searches and code only is done once they ran; the next provider call starts
    /// afresh.
    async fn complete_tool_step(&mut self) -> EngineResult<()> {
        let usage = self.record_usage();
        let pending = self.pending().await?;
        let mut step = self.tool_step.take().expect("calls have their step");
        step.step_details = step_details(&self.calls, &self.run);
        step.status = RunStepStatus::Completed;
        step.completed_at = Some(now());
        step.usage = Some(usage);
        // Synced: the searches and the code ran, and the run's answer builds on them.
        let saved = step.clone();
        self.commit_with_run(move |tx, _| {
            pending.write(tx)?;
            Ok(tx.update_run_step(&saved)?)
        })
        .await?;
        self.events.send(StreamEvent::RunStepCompleted(step));
        self.calls.clear();
        self.call_positions.clear();
        Ok(())
    }

    /// Moves the run to `in_progress`; false when it was cancelled before it could start.
    async fn start(&mut self) -> EngineResult<bool> {
        // Unsynced like the streamed text: a power cut that loses it leaves the run `queued`, which
        // start-up closes exactly as it would close an `in_progress` one.
        let started = self
            .commit_on_pool(false, |tx, run| {
                let current = tx
                    .get_run(&run.thread_id, &run.id)?
                    .ok_or_else(|| EngineError::not_found("run", &run.id))?;
                if current.status != RunStatus::Queued {
                    return Ok(false);
                }
                run.status = RunStatus::InProgress;
                run.started_at.get_or_insert(now());
                tx.update_run(run)?;
                Ok(true)
            })
            .await?;
        if started {
            self.events
                .send(StreamEvent::RunInProgress(self.run.clone()));
        }
        Ok(started)
    }

    async fn on_event(&mut self, event: ChatEvent) -> EngineResult<()> {
        match event {
            ChatEvent::TextDelta(text) if text.is_empty() => Ok(()),
            ChatEvent::TextDelta(text) => self.on_text(text).await,
            ChatEvent::ToolCallStart { index, id: _, name } => {
                self.on_call_start(index, name).await
            }
            ChatEvent::ToolCallArgumentsDelta { index, delta } => {
                self.on_call_arguments(index, delta)
            }
            ChatEvent::Usage {
                prompt_tokens,
                completion_tokens,
            } => {
                self.call_usage.prompt_tokens += prompt_tokens;
                self.call_usage.completion_tokens += completion_tokens;
                self.call_usage.total_tokens += prompt_tokens + completion_tokens;
                Ok(())
            }
            ChatEvent::Finished { .. } => Ok(()),
        }
    }

    async fn on_text(&mut self, text: String) -> EngineResult<()> {
        let released = self.scanner.push(&text, &self.sources);
        self.append_text(released).await
    }

    /// Text held back as a possible citation marker is released when the message ends.
    async fn flush_text(&mut self) -> EngineResult<()> {
        let released = self.scanner.finish();
        self.append_text(released).await?;
        self.annotate_sandbox_links().await
    }

    /// Appends released text (and the citations in it) to the message and streams it.
    async fn append_text(&mut self, released: Released) -> EngineResult<()> {
        if released.text.is_empty() {
            return Ok(());
        }
        self.ensure_message().await?;
        let message = self
            .message
            .as_mut()
            .expect("ensure_message made the message");
        // The text part follows the images the code drew, if any.
        let existing = text_part(message);
        let first = existing.is_none();
        let index = existing.unwrap_or_else(|| {
            message.content.push(MessageContent::Text {
                text: TextContent {
                    value: String::new(),
                    annotations: Vec::new(),
                },
            });
            message.content.len() - 1
        });
        let MessageContent::Text { text: content } = &mut message.content[index] else {
            unreachable!("the part at `index` is text");
        };
        content.value.push_str(&released.text);
        let mut annotation_deltas = Vec::new();
        for citation in released.citations {
            annotation_deltas.push(AnnotationDelta::FileCitation {
                index: content.annotations.len() as u32,
                text: Some(citation.text.clone()),
                file_citation: Some(FileCitationDelta {
                    file_id: Some(citation.file_id.clone()),
                    quote: Some(citation.quote),
                }),
                start_index: Some(citation.start_index),
                end_index: Some(citation.end_index),
            });
            content.annotations.push(Annotation::FileCitation {
                text: citation.text,
                file_citation: FileRef {
                    file_id: citation.file_id,
                },
                start_index: citation.start_index,
                end_index: citation.end_index,
            });
        }
        // Saved with its batch (see `unsaved`): a commit per token would cost more than the rest.
        self.unsaved.message_changed();
        let delta = MessageDelta {
            id: message.id.clone(),
            object: Default::default(),
            delta: MessageDeltaBody {
                role: None,
                content: Some(vec![MessageDeltaContent::Text {
                    index: index as u32,
                    text: Some(TextDelta {
                        value: Some(released.text),
                        // The first fragment of a part carries its container (SDK rule 5).
                        annotations: (first || !annotation_deltas.is_empty())
                            .then_some(annotation_deltas),
                    }),
                }]),
            },
        };
        self.events.send(StreamEvent::MessageDelta(delta));
        Ok(())
    }

    /// Creates the assistant message and its `message_creation` step on the first text.
    async fn ensure_message(&mut self) -> EngineResult<()> {
        if self.message.is_some() {
            return Ok(());
        }
        let at = now();
        let message = Message {
            id: new_id(IdPrefix::Message.as_str()),
            object: MessageTag,
            created_at: at,
            thread_id: self.run.thread_id.clone(),
            status: MessageStatus::InProgress,
            incomplete_details: None,
            completed_at: None,
            incomplete_at: None,
            role: MessageRole::Assistant,
            content: Vec::new(),
            assistant_id: Some(self.run.assistant_id.clone()),
            run_id: Some(self.run.id.clone()),
            attachments: Some(Vec::new()),
            metadata: Some(Default::default()),
        };
        let step = self.new_step(
            RunStepType::MessageCreation,
            StepDetails::MessageCreation {
                message_creation: MessageCreation {
                    message_id: message.id.clone(),
                },
            },
        );
        // Unsynced: the empty message is made durable with the text that follows it.
        let pending = self.pending().await?;
        let (saved_step, saved_message) = (step.clone(), message.clone());
        self.commit_on_pool(false, move |tx, _| {
            pending.write(tx)?;
            tx.insert_run_step(&saved_step)?;
            Ok(tx.insert_message(&saved_message)?)
        })
        .await?;
        self.events.send(StreamEvent::RunStepCreated(step.clone()));
        self.events
            .send(StreamEvent::RunStepInProgress(step.clone()));
        self.events
            .send(StreamEvent::MessageCreated(message.clone()));
        self.events
            .send(StreamEvent::MessageInProgress(message.clone()));
        self.message = Some(message);
        self.message_step = Some(step);
        self.add_pending_images().await
    }

    /// The images the code drew since the last message open this one, as `image_file` parts.
    async fn add_pending_images(&mut self) -> EngineResult<()> {
        if self.pending_images.is_empty() {
            return Ok(());
        }
        let pending = self.pending().await?;
        let message = self.message.as_mut().expect("the message exists");
        let mut deltas = Vec::new();
        for file_id in self.pending_images.drain(..) {
            deltas.push(MessageDeltaContent::ImageFile {
                index: message.content.len() as u32,
                image_file: Some(ImageFileDelta {
                    file_id: Some(file_id.clone()),
                    detail: None,
                }),
            });
            message.content.push(MessageContent::ImageFile {
                image_file: ImageFile {
                    file_id,
                    detail: None,
                },
            });
        }
        commit_message_delta(&self.engine, &self.events, pending, message, deltas)
    }

    /// Links to files the code wrote (`sandbox:/mnt/data/…`) become `file_path` annotations once
    /// the message's text is complete.
    async fn annotate_sandbox_links(&mut self) -> EngineResult<()> {
        if self.sandbox_files.is_empty() || self.message.is_none() {
            return Ok(());
        }
        let pending = self.pending().await?;
        let Some(message) = self.message.as_mut() else {
            return Ok(());
        };
        let Some(index) = text_part(message) else {
            return Ok(());
        };
        let MessageContent::Text { text: content } = &mut message.content[index] else {
            unreachable!("the part at `index` is text");
        };
        let mut deltas = Vec::new();
        for link in code_interpreter::sandbox_links(&content.value) {
            let Some(file_id) = self.sandbox_files.get(&link.name) else {
                continue;
            };
            deltas.push(AnnotationDelta::FilePath {
                index: content.annotations.len() as u32,
                text: Some(link.text.clone()),
                file_path: Some(FilePathDelta {
                    file_id: Some(file_id.clone()),
                }),
                start_index: Some(link.start),
                end_index: Some(link.end),
            });
            content.annotations.push(Annotation::FilePath {
                text: link.text,
                file_path: FileRef {
                    file_id: file_id.clone(),
                },
                start_index: link.start,
                end_index: link.end,
            });
        }
        if deltas.is_empty() {
            return Ok(());
        }
        let delta = MessageDeltaContent::Text {
            index: index as u32,
            text: Some(TextDelta {
                value: None,
                annotations: Some(deltas),
            }),
        };
        commit_message_delta(&self.engine, &self.events, pending, message, vec![delta])
    }

    async fn on_call_start(&mut self, index: usize, name: String) -> EngineResult<()> {
        self.flush_text().await?;
        self.scanner = CitationScanner::default();
        // Text before a tool call is its own finished message (node allows one open message).
        if let Some(mut message) = self.message.take() {
            let mut step = self.message_step.take().expect("a message has its step");
            let at = now();
            message.status = MessageStatus::Completed;
            message.completed_at = Some(at);
            step.status = RunStepStatus::Completed;
            step.completed_at = Some(at);
            // The message's last batch is in `message` itself, written whole here.
            self.settle_saving().await?;
            let pending = self.unsaved.take(None, self.tool_step.as_ref());
            let (saved_message, saved_step) = (message.clone(), step.clone());
            self.commit_on_pool(false, move |tx, _| {
                pending.write(tx)?;
                tx.update_message(&saved_message)?;
                Ok(tx.update_run_step(&saved_step)?)
            })
            .await?;
            self.events.send(StreamEvent::MessageCompleted(message));
            self.events.send(StreamEvent::RunStepCompleted(step));
        }
        if self.tool_step.is_none() {
            let step = self.new_step(
                RunStepType::ToolCalls,
                StepDetails::ToolCalls {
                    tool_calls: Vec::new(),
                },
            );
            let pending = self.pending().await?;
            let saved = step.clone();
            self.commit_on_pool(false, move |tx, _| {
                pending.write(tx)?;
                Ok(tx.insert_run_step(&saved)?)
            })
            .await?;
            self.events.send(StreamEvent::RunStepCreated(step.clone()));
            self.events
                .send(StreamEvent::RunStepInProgress(step.clone()));
            self.tool_step = Some(step);
        }
        let position = self.calls.len();
        self.call_positions.insert(index, position);
        let is_search =
            name == file_search::TOOL_NAME && file_search::settings(&self.run).is_some();
        let search = is_search.then(|| {
            let earlier = self
                .calls
                .iter()
                .filter(|call| call.search.is_some())
                .count();
            (self.searches_before + earlier as u32, None)
        });
        let is_code = !is_search && name == code_interpreter::TOOL_NAME && self.code_offered;
        let call = PendingCall {
            id: new_id(IdPrefix::ToolCall.as_str()),
            name,
            arguments: String::new(),
            search,
            code: is_code.then(CodeCall::default),
        };
        let delta = if is_search {
            ToolCallDelta::FileSearch {
                index: position as u32,
                id: Some(call.id.clone()),
                file_search: Default::default(),
            }
        } else if is_code {
            ToolCallDelta::CodeInterpreter {
                index: position as u32,
                id: Some(call.id.clone()),
                code_interpreter: Some(CodeInterpreterCallDelta {
                    input: Some(String::new()),
                    outputs: Some(Vec::new()),
                }),
            }
        } else {
            ToolCallDelta::Function {
                index: position as u32,
                id: Some(call.id.clone()),
                function: Some(FunctionCallDelta {
                    name: Some(call.name.clone()),
                    arguments: Some(String::new()),
                    output: Some(None),
                }),
            }
        };
        self.calls.push(call);
        self.save_tool_step(Some(delta))
    }

    fn on_call_arguments(&mut self, index: usize, fragment: String) -> EngineResult<()> {
        let Some(&position) = self.call_positions.get(&index) else {
            // Arguments for a call whose start never came: the provider broke its own format.
            return Err(EngineError::Internal(format!(
                "The provider sent arguments for tool call {index} before starting it."
            )));
        };
        let call = &mut self.calls[position];
        call.arguments.push_str(&fragment);
        let delta = if let Some(code) = &mut call.code {
            // The step streams the code itself, decoded from the JSON arguments as they arrive.
            let decoded = code_interpreter::partial_code(&call.arguments);
            match decoded.strip_prefix(code.input.as_str()) {
                Some(new) if !new.is_empty() => {
                    let new = new.to_owned();
                    code.input = decoded;
                    Some(ToolCallDelta::CodeInterpreter {
                        index: position as u32,
                        id: None,
                        code_interpreter: Some(CodeInterpreterCallDelta {
                            input: Some(new),
                            outputs: None,
                        }),
                    })
                }
                _ => None,
            }
        } else if call.search.is_some() {
            // A search's queries are Hearth's business, as hosted: its step shows only the results.
            None
        } else {
            Some(ToolCallDelta::Function {
                index: position as u32,
                id: None,
                function: Some(FunctionCallDelta {
                    name: None,
                    arguments: Some(fragment),
                    output: None,
                }),
            })
        };
        self.save_tool_step(delta)
    }

    /// Updates the tool step from the calls and streams `delta`; the step is saved with the batch.
    fn save_tool_step(&mut self, delta: Option<ToolCallDelta>) -> EngineResult<()> {
        let step = self.tool_step.as_mut().expect("a call has its step");
        step.step_details = step_details(&self.calls, &self.run);
        self.unsaved.tool_step_changed();
        let Some(delta) = delta else {
            return Ok(());
        };
        self.events.send(StreamEvent::RunStepDelta(RunStepDelta {
            id: step.id.clone(),
            object: Default::default(),
            delta: RunStepDeltaBody {
                step_details: Some(StepDetailsDelta::ToolCalls {
                    tool_calls: Some(vec![delta]),
                }),
            },
        }));
        Ok(())
    }

    /// The model asked for function calls: the run waits for the client's outputs.
    async fn wait_for_outputs(&mut self) -> EngineResult<()> {
        let usage = self.record_usage();
        let timeout = self.engine.config().requires_action_timeout;
        let expires_at = now() + timeout.as_secs() as i64;
        let tool_calls = self
            .calls
            .iter()
            .filter(|call| call.is_function())
            .map(|call| RunToolCall {
                id: call.id.clone(),
                kind: Default::default(),
                function: RunFunctionCall {
                    name: call.name.clone(),
                    arguments: call.arguments.clone(),
                },
            })
            .collect();
        let step = self.tool_step.clone();
        let pending = self.pending().await?;
        let events = self
            .commit_with_run(move |tx, run| {
                pending.write(tx)?;
                let current = tx.get_run(&run.thread_id, &run.id)?;
                if current.is_some_and(|current| current.status == RunStatus::Cancelling) {
                    return close(tx, run, Ending::Cancelled);
                }
                if let Some(mut step) = step {
                    step.usage = Some(usage);
                    tx.update_run_step(&step)?;
                }
                run.status = RunStatus::RequiresAction;
                run.required_action = Some(RequiredAction::submit_tool_outputs(tool_calls));
                run.expires_at = Some(expires_at);
                tx.update_run(run)?;
                Ok(vec![StreamEvent::RunRequiresAction(run.clone())])
            })
            .await?;
        if self.run.status == RunStatus::RequiresAction {
            super::expiry::watch(self.engine.clone(), self.run.clone(), timeout);
        }
        for event in events {
            self.events.send(event);
        }
        Ok(())
    }

    /// Ends the run; a cancel that arrived meanwhile wins over a normal ending.
    async fn end(&mut self, ending: Ending) -> EngineResult<()> {
        if self.message.is_some() {
            self.flush_text().await?;
        }
        let usage = self.record_usage();
        let last_step = self
            .message_step
            .as_ref()
            .or(self.tool_step.as_ref())
            .map(|step| step.id.clone());
        let pending = self.pending().await?;
        let events = self
            .commit_with_run(move |tx, run| {
                // `close` reads the message back: the last batch goes in first.
                pending.write(tx)?;
                let (thread_id, run_id) = (run.thread_id.clone(), run.id.clone());
                let cancelling = tx
                    .get_run(&thread_id, &run_id)?
                    .is_some_and(|current| current.status == RunStatus::Cancelling);
                let ending = if cancelling {
                    Ending::Cancelled
                } else {
                    ending
                };
                if let Some(step_id) = &last_step
                    && let Some(mut step) = tx.get_run_step(&thread_id, &run_id, step_id)?
                {
                    step.usage = Some(usage);
                    tx.update_run_step(&step)?;
                }
                close(tx, run, ending)
            })
            .await?;
        for event in events {
            self.events.send(event);
        }
        Ok(())
    }

    /// Adds this provider call's usage to the run's total and returns the call's own usage.
    fn record_usage(&mut self) -> Usage {
        let call = std::mem::replace(
            &mut self.call_usage,
            Usage {
                completion_tokens: 0,
                prompt_tokens: 0,
                total_tokens: 0,
            },
        );
        let total = self.run.usage.get_or_insert(Usage {
            completion_tokens: 0,
            prompt_tokens: 0,
            total_tokens: 0,
        });
        total.completion_tokens += call.completion_tokens;
        total.prompt_tokens += call.prompt_tokens;
        total.total_tokens += call.total_tokens;
        call
    }

    /// Last resort when the executor itself failed (the database, a broken provider stream): the
    /// run must not stay `in_progress` forever.
    async fn fail_internal(&mut self, error: &EngineError) {
        log::error!("run {} failed inside Hearth: {error}", self.run.id);
        let ending = Ending::Failed(RunLastError {
            code: RunErrorCode::ServerError,
            message: format!("Hearth could not finish this run: {error}"),
        });
        if let Err(again) = self.end(ending).await {
            log::error!("run {} could not be closed: {again}", self.run.id);
        }
    }

    fn new_step(&self, kind: RunStepType, details: StepDetails) -> RunStep {
        RunStep {
            id: new_id(IdPrefix::Step.as_str()),
            object: RunStepTag,
            created_at: now(),
            assistant_id: self.run.assistant_id.clone(),
            thread_id: self.run.thread_id.clone(),
            run_id: self.run.id.clone(),
            kind,
            status: RunStepStatus::InProgress,
            step_details: details,
            last_error: None,
            expired_at: None,
            cancelled_at: None,
            failed_at: None,
            completed_at: None,
            metadata: Some(Default::default()),
            usage: None,
        }
    }
}

/// Where a message's text part is (after the images the code drew, if any).
fn text_part(message: &Message) -> Option<usize> {
    message
        .content
        .iter()
        .position(|part| matches!(part, MessageContent::Text { .. }))
}

/// Saves `message` after the streamed batch (unsynced, like streamed text) and streams the parts
/// that changed.
fn commit_message_delta(
    engine: &Engine,
    events: &Events,
    pending: Pending,
    message: &Message,
    content: Vec<MessageDeltaContent>,
) -> EngineResult<()> {
    engine.store().transaction_unsynced(|tx| {
        pending.write(tx)?;
        tx.update_message(message)
    })?;
    events.send(StreamEvent::MessageDelta(MessageDelta {
        id: message.id.clone(),
        object: Default::default(),
        delta: MessageDeltaBody {
            role: None,
            content: Some(content),
        },
    }));
    Ok(())
}

/// The step details of a turn's calls as they stand.
fn step_details(calls: &[PendingCall], run: &Run) -> StepDetails {
    let ranking = file_search::settings(run).map(|settings| settings.ranking());
    StepDetails::ToolCalls {
        tool_calls: calls
            .iter()
            .map(|call| match (&call.search, &call.code) {
                (Some((_, results)), _) => StepToolCall::FileSearch {
                    id: call.id.clone(),
                    file_search: FileSearchCall {
                        ranking_options: ranking.clone(),
                        results: results.clone(),
                    },
                },
                (None, Some(code)) => StepToolCall::CodeInterpreter {
                    id: call.id.clone(),
                    code_interpreter: CodeInterpreterCall {
                        input: code.input.clone(),
                        outputs: code.outputs.clone().unwrap_or_default(),
                    },
                },
                (None, None) => StepToolCall::Function {
                    id: call.id.clone(),
                    function: FunctionCall {
                        name: call.name.clone(),
                        arguments: call.arguments.clone(),
                        output: None,
                    },
                },
            })
            .collect(),
    }
}

/// The run's `last_error` for a provider failure, with a message a person can act on.
pub(crate) fn last_error(error: &ProviderError) -> RunLastError {
    let code = match error {
        ProviderError::RateLimited { .. } => RunErrorCode::RateLimitExceeded,
        _ => RunErrorCode::ServerError,
    };
    RunLastError {
        code,
        message: error.to_string(),
    }
}
