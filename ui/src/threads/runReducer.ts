// What a run's events do to the thread view: one pure fold, so a recorded stream can be replayed in
// a test and compared with the message the engine stored.
//
// Deltas follow the stream's rules: every string in a delta is the next fragment of that field,
// parts (content, annotations, tool calls) are located by their `index`, and an index not seen yet
// adds the part at the end (as the SDKs do, so a gap never leaves a hole in the list).
import type {
  Annotation,
  AnnotationDelta,
  AppError,
  FunctionToolCall,
  Message,
  MessageContent,
  MessageDelta,
  MessageDeltaContent,
  Run,
  RunEvent,
  RunStatus,
  RunStep,
  RunStepDelta,
  ToolCall,
  ToolCallDelta,
} from "../ipc";
import {
  knownAnnotation,
  knownAnnotationDelta,
  knownContent,
  knownContentDelta,
  knownStepDetails,
  knownStepDetailsDelta,
  knownToolCall,
  knownToolCallDelta,
} from "./content";
import { upsertMessage } from "./messageWindow";

/** Which assistant to run on which thread: what Retry starts again. */
export interface RunRequest {
  threadId: string;
  assistantId: string;
}

/** A run that went wrong: what to show, and what Retry starts (null: nothing to retry). */
export interface RunFailure {
  error: AppError;
  retry: RunRequest | null;
}

/** Retrying a run asks the assistant that run had, whichever one the picker shows now. */
export const retryOf = (run: Run | null): RunRequest | null =>
  run ? { threadId: run.thread_id, assistantId: run.assistant_id } : null;

/** The thread's latest run as the view follows it. */
export interface RunState {
  run: Run | null;
  /** The steps of `run`, in the order they were created. */
  steps: RunStep[];
  /** Events are still arriving on this window's channel. */
  streaming: boolean;
  failure: RunFailure | null;
}

/** Everything a run's events change in the thread view. */
export interface ThreadViewState extends RunState {
  messages: Message[];
}

export const noRun: RunState = { run: null, steps: [], streaming: false, failure: null };

/** Statuses after which a run changes no more. */
export function isFinished(status: RunStatus): boolean {
  return ["cancelled", "failed", "completed", "incomplete", "expired"].includes(status);
}

/** Applies one event of a run's stream to the thread view. */
export function applyRunEvent(state: ThreadViewState, event: RunEvent): ThreadViewState {
  return { ...foldRunEvent(state, event), messages: foldMessageEvent(state.messages, event) };
}

/** The run half of `applyRunEvent`: the run, its steps, and whether the stream goes on. */
export function foldRunEvent(state: RunState, event: RunEvent): RunState {
  switch (event.event) {
    case "thread.run.created":
    case "thread.run.queued":
    case "thread.run.in_progress":
    case "thread.run.requires_action":
    case "thread.run.completed":
    case "thread.run.incomplete":
    case "thread.run.failed":
    case "thread.run.cancelling":
    case "thread.run.cancelled":
    case "thread.run.expired":
      return withRun(state, event.data);
    case "thread.run.step.created":
    case "thread.run.step.in_progress":
    case "thread.run.step.completed":
    case "thread.run.step.failed":
    case "thread.run.step.cancelled":
    case "thread.run.step.expired":
      return { ...state, steps: upsertById(state.steps, event.data) };
    case "thread.run.step.delta": {
      const delta = event.data;
      return { ...state, steps: state.steps.map((step) => (step.id === delta.id ? applyStepDelta(step, delta) : step)) };
    }
    case "error":
      return {
        ...state,
        streaming: false,
        failure: { error: { code: event.data.code, message: event.data.message }, retry: retryOf(state.run) },
      };
    case "done":
      return { ...state, streaming: false };
    case "thread.message.created":
    case "thread.message.in_progress":
    case "thread.message.completed":
    case "thread.message.incomplete":
    case "thread.message.delta":
      return state;
    default:
      // An event name a newer core sends that this view does not know changes nothing.
      return state;
  }
}

/** The message half of `applyRunEvent`: snapshots replace by id, deltas grow the message they name. */
export function foldMessageEvent(messages: Message[], event: RunEvent): Message[] {
  switch (event.event) {
    case "thread.message.created":
    case "thread.message.in_progress":
    case "thread.message.completed":
    case "thread.message.incomplete":
      return upsertMessage(messages, event.data);
    case "thread.message.delta": {
      const delta = event.data;
      return messages.map((message) => (message.id === delta.id ? applyMessageDelta(message, delta) : message));
    }
    default:
      return messages;
  }
}

function withRun(state: RunState, run: Run): RunState {
  // A new run starts with no steps of its own yet.
  const steps = state.run?.id === run.id ? state.steps : [];
  const failure =
    run.status === "failed"
      ? { error: { code: "internal" as const, message: run.last_error?.message ?? "The run failed." }, retry: retryOf(run) }
      : state.failure;
  return { ...state, run, steps, failure };
}

function upsertById<T extends { id: string }>(list: T[], item: T): T[] {
  return list.some((entry) => entry.id === item.id) ? list.map((entry) => (entry.id === item.id ? item : entry)) : [...list, item];
}

/** Puts `merge(existing)` at `index`, or adds it at the end when nothing is there yet. */
function mergeAt<T>(list: T[], index: number, merge: (existing: T | undefined) => T): T[] {
  const existing = list[index];
  if (existing === undefined) return [...list, merge(undefined)];
  return list.map((entry, at) => (at === index ? merge(existing) : entry));
}

/** A part of an unknown kind: its raw fields, without the delta's locating `index`. */
function rawArm<Raw extends { index: number; type: string }>(delta: Raw, existing: { type: string } | undefined) {
  const { index: _index, ...fields } = delta;
  void _index;
  return existing && existing.type === fields.type ? { ...existing, ...fields } : fields;
}

export function applyMessageDelta(message: Message, delta: MessageDelta): Message {
  const parts = delta.delta.content ?? [];
  const content = parts.reduce((list, part) => mergeAt(list, part.index, (existing) => mergeContent(existing, part)), message.content);
  return { ...message, role: delta.delta.role ?? message.role, content };
}

function mergeContent(existing: MessageContent | undefined, delta: MessageDeltaContent): MessageContent {
  const part = knownContentDelta(delta);
  const before = existing ? knownContent(existing) : null;
  if (!part) return rawArm(delta, existing);
  switch (part.type) {
    case "text": {
      const text = before?.type === "text" ? before.text : { value: "", annotations: [] };
      const annotations = (part.text?.annotations ?? []).reduce(
        (list, annotation) => mergeAt(list, annotation.index, (current) => mergeAnnotation(current, annotation)),
        text.annotations,
      );
      return { type: "text", text: { value: text.value + (part.text?.value ?? ""), annotations } };
    }
    case "image_file": {
      const image = before?.type === "image_file" ? before.image_file : { file_id: "" };
      const detail = part.image_file?.detail ?? image.detail;
      const fileId = image.file_id + (part.image_file?.file_id ?? "");
      return { type: "image_file", image_file: detail ? { file_id: fileId, detail } : { file_id: fileId } };
    }
    case "image_url": {
      const image = before?.type === "image_url" ? before.image_url : { url: "" };
      const detail = part.image_url?.detail ?? image.detail;
      const url = image.url + (part.image_url?.url ?? "");
      return { type: "image_url", image_url: detail ? { url, detail } : { url } };
    }
    case "refusal": {
      const refusal = before?.type === "refusal" ? before.refusal : "";
      return { type: "refusal", refusal: refusal + (part.refusal ?? "") };
    }
  }
}

function mergeAnnotation(existing: Annotation | undefined, delta: AnnotationDelta): Annotation {
  const annotation = knownAnnotationDelta(delta);
  const before = existing ? knownAnnotation(existing) : null;
  if (!annotation) return rawArm(delta, existing);
  const span = {
    text: (before?.type === annotation.type ? before.text : "") + (annotation.text ?? ""),
    start_index: annotation.start_index ?? (before?.type === annotation.type ? before.start_index : 0),
    end_index: annotation.end_index ?? (before?.type === annotation.type ? before.end_index : 0),
  };
  // A stored citation names only its file (the stream may add a `quote`, which the message drops).
  if (annotation.type === "file_citation") {
    const fileId = before?.type === "file_citation" ? before.file_citation.file_id : "";
    return { type: "file_citation", ...span, file_citation: { file_id: fileId + (annotation.file_citation?.file_id ?? "") } };
  }
  const fileId = before?.type === "file_path" ? before.file_path.file_id : "";
  return { type: "file_path", ...span, file_path: { file_id: fileId + (annotation.file_path?.file_id ?? "") } };
}

export function applyStepDelta(step: RunStep, delta: RunStepDelta): RunStep {
  const changed = delta.delta.step_details;
  const details = changed ? knownStepDetailsDelta(changed) : null;
  if (!details) return step;
  if (details.type === "message_creation") {
    const messageId = details.message_creation?.message_id;
    if (step.step_details.type !== "message_creation" || !messageId) return step;
    return { ...step, step_details: { type: "message_creation", message_creation: { message_id: messageId } } };
  }
  const current = knownStepDetails(step.step_details);
  if (current?.type !== "tool_calls") return step;
  const toolCalls = (details.tool_calls ?? []).reduce(
    (list, call) => mergeAt(list, call.index, (existing) => mergeToolCall(existing, call)),
    current.tool_calls,
  );
  return { ...step, step_details: { type: "tool_calls", tool_calls: toolCalls } };
}

function mergeToolCall(existing: ToolCall | undefined, delta: ToolCallDelta): ToolCall {
  const call = knownToolCallDelta(delta);
  // A call of a kind this app does not know keeps what it says, raw (its `id` among it).
  if (!call) return rawArm(delta, existing);
  const known = existing ? knownToolCall(existing) : null;
  const before: FunctionToolCall =
    known?.type === "function" ? known : { id: "", type: "function", function: { name: "", arguments: "", output: null } };
  const output = call.function?.output;
  return {
    id: call.id ?? before.id,
    type: "function",
    function: {
      name: before.function.name + (call.function?.name ?? ""),
      arguments: before.function.arguments + (call.function?.arguments ?? ""),
      output: output == null ? (before.function.output ?? null) : (before.function.output ?? "") + output,
    },
  };
}
