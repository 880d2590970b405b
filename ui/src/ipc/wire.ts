// The Assistants v2 objects as the commands return them (the wire JSON, snake_case). Runs and
// assistants type only the fields the views read, the rest pass through untouched; messages, stream
// deltas and run events are typed whole. Open unions (a `type` a newer server may add) have an
// `UnknownArm` kept raw, never dropped.
import type { AppError } from "./bindings";

export type Metadata = Record<string, string>;

export interface FunctionDefinition {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
  strict?: boolean | null;
}

export type AssistantTool =
  | { type: "code_interpreter" }
  | { type: "file_search" }
  | { type: "function"; function: FunctionDefinition };

export type ResponseFormat =
  | "auto"
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null } };

export interface Assistant {
  id: string;
  created_at: number;
  name: string | null;
  description: string | null;
  model: string;
  instructions: string | null;
  tools: AssistantTool[];
  metadata: Metadata | null;
  temperature: number | null;
  top_p: number | null;
  response_format: ResponseFormat | null;
}

export interface Thread {
  id: string;
  created_at: number;
  metadata: Metadata | null;
}

/** Image resolution a part asks for; `auto` when absent. */
export type ImageDetail = "auto" | "low" | "high";

/** An open union's arm for a `type` this app does not know yet (a newer server's), kept raw. */
export interface UnknownArm {
  type: string;
  [key: string]: unknown;
}

export interface FileCitationAnnotation {
  type: "file_citation";
  text: string;
  file_citation: { file_id: string };
  start_index: number;
  end_index: number;
}
export interface FilePathAnnotation {
  type: "file_path";
  text: string;
  file_path: { file_id: string };
  start_index: number;
  end_index: number;
}
export type KnownAnnotation = FileCitationAnnotation | FilePathAnnotation;
/** A span of a text part that refers to a file; offsets are characters into the text. */
export type Annotation = KnownAnnotation | UnknownArm;

export interface TextContent {
  type: "text";
  text: { value: string; annotations: Annotation[] };
}
export interface ImageFileContent {
  type: "image_file";
  image_file: { file_id: string; detail?: ImageDetail };
}
export interface ImageUrlContent {
  type: "image_url";
  image_url: { url: string; detail?: ImageDetail };
}
export interface RefusalContent {
  type: "refusal";
  refusal: string;
}
export type KnownMessageContent = TextContent | ImageFileContent | ImageUrlContent | RefusalContent;
/** One content part of a message. */
export type MessageContent = KnownMessageContent | UnknownArm;

export interface Message {
  id: string;
  object: "thread.message";
  thread_id: string;
  created_at: number;
  role: "user" | "assistant";
  status: "in_progress" | "incomplete" | "completed";
  incomplete_details: { reason: string } | null;
  completed_at: number | null;
  incomplete_at: number | null;
  content: MessageContent[];
  assistant_id: string | null;
  run_id: string | null;
  attachments: { file_id: string; tools: { type: string }[] }[] | null;
  metadata: Metadata | null;
}

export interface FunctionToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string; output?: string | null };
}

export type RunStatus =
  | "queued"
  | "in_progress"
  | "requires_action"
  | "cancelling"
  | "cancelled"
  | "failed"
  | "completed"
  | "incomplete"
  | "expired";

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface Run {
  id: string;
  thread_id: string;
  assistant_id: string;
  status: RunStatus;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  cancelled_at: number | null;
  failed_at: number | null;
  model: string;
  last_error: { code: string; message: string } | null;
  incomplete_details: { reason: string } | null;
  required_action: {
    type: "submit_tool_outputs";
    submit_tool_outputs: { tool_calls: FunctionToolCall[] };
  } | null;
  usage: Usage | null;
}

export interface RunStep {
  id: string;
  object: "thread.run.step";
  created_at: number;
  assistant_id: string;
  thread_id: string;
  run_id: string;
  type: "message_creation" | "tool_calls";
  status: "in_progress" | "cancelled" | "failed" | "completed" | "expired";
  expired_at: number | null;
  completed_at: number | null;
  cancelled_at: number | null;
  failed_at: number | null;
  metadata: Metadata | null;
  last_error: { code: string; message: string } | null;
  usage: Usage | null;
  step_details:
    | { type: "message_creation"; message_creation: { message_id: string } }
    | { type: "tool_calls"; tool_calls: (FunctionToolCall | { id: string; type: string })[] };
}

// ----- stream deltas: every string in them is the next fragment; parts are located by `index` -----
// Optional fields may also arrive as null.

export interface FileCitationAnnotationDelta {
  index: number;
  type: "file_citation";
  text?: string | null;
  file_citation?: { file_id?: string | null; quote?: string | null } | null;
  start_index?: number | null;
  end_index?: number | null;
}
export interface FilePathAnnotationDelta {
  index: number;
  type: "file_path";
  text?: string | null;
  file_path?: { file_id?: string | null } | null;
  start_index?: number | null;
  end_index?: number | null;
}
export type KnownAnnotationDelta = FileCitationAnnotationDelta | FilePathAnnotationDelta;
export type AnnotationDelta = KnownAnnotationDelta | (UnknownArm & { index: number });

export interface TextDeltaContent {
  index: number;
  type: "text";
  text?: { value?: string | null; annotations?: AnnotationDelta[] | null } | null;
}
export interface ImageFileDeltaContent {
  index: number;
  type: "image_file";
  image_file?: { file_id?: string | null; detail?: ImageDetail | null } | null;
}
export interface ImageUrlDeltaContent {
  index: number;
  type: "image_url";
  image_url?: { url?: string | null; detail?: ImageDetail | null } | null;
}
export interface RefusalDeltaContent {
  index: number;
  type: "refusal";
  refusal?: string | null;
}
export type KnownMessageDeltaContent = TextDeltaContent | ImageFileDeltaContent | ImageUrlDeltaContent | RefusalDeltaContent;
export type MessageDeltaContent = KnownMessageDeltaContent | (UnknownArm & { index: number });

export interface MessageDelta {
  id: string;
  object: "thread.message.delta";
  delta: { role?: Message["role"] | null; content?: MessageDeltaContent[] | null };
}

export interface FunctionToolCallDelta {
  index: number;
  id?: string | null;
  type: "function";
  function?: { name?: string | null; arguments?: string | null; output?: string | null } | null;
}
export type ToolCallDelta = FunctionToolCallDelta | (UnknownArm & { index: number });

export interface ToolCallsDetailsDelta {
  type: "tool_calls";
  tool_calls?: ToolCallDelta[] | null;
}
export interface MessageCreationDetailsDelta {
  type: "message_creation";
  message_creation?: { message_id?: string | null } | null;
}
export type StepDetailsDelta = ToolCallsDetailsDelta | MessageCreationDetailsDelta | UnknownArm;

export interface RunStepDelta {
  id: string;
  object: "thread.run.step.delta";
  delta: { step_details?: StepDetailsDelta | null };
}

// ----- what a run's channel delivers -----

export type RunEventName =
  | "thread.run.created"
  | "thread.run.queued"
  | "thread.run.in_progress"
  | "thread.run.requires_action"
  | "thread.run.completed"
  | "thread.run.incomplete"
  | "thread.run.failed"
  | "thread.run.cancelling"
  | "thread.run.cancelled"
  | "thread.run.expired";
export type RunStepEventName =
  | "thread.run.step.created"
  | "thread.run.step.in_progress"
  | "thread.run.step.completed"
  | "thread.run.step.failed"
  | "thread.run.step.cancelled"
  | "thread.run.step.expired";
export type MessageEventName =
  | "thread.message.created"
  | "thread.message.in_progress"
  | "thread.message.completed"
  | "thread.message.incomplete";

/** `{event, data}` for each name of `Name` on its own: one arm per event name, so a switch narrows. */
type EventArm<Name extends string, Data> = Name extends string ? { event: Name; data: Data } : never;

/** One event of a run's stream, as the run commands send them; `done` (or `error`) ends it. */
export type RunEvent =
  | EventArm<RunEventName, Run>
  | EventArm<RunStepEventName, RunStep>
  | { event: "thread.run.step.delta"; data: RunStepDelta }
  | EventArm<MessageEventName, Message>
  | { event: "thread.message.delta"; data: MessageDelta }
  | { event: "error"; data: { code: AppError["code"]; message: string } }
  | { event: "done" };
