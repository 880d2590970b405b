// The Assistants v2 objects as the commands return them (the wire JSON). Only the fields the views
// read are typed; the rest pass through untouched.

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

export interface TextPart {
  type: "text";
  text: { value: string; annotations: unknown[] };
}
export type MessageContent = TextPart | { type: string };

export interface Message {
  id: string;
  thread_id: string;
  created_at: number;
  role: "user" | "assistant";
  status: "in_progress" | "incomplete" | "completed";
  content: MessageContent[];
  assistant_id: string | null;
  run_id: string | null;
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
  run_id: string;
  type: "message_creation" | "tool_calls";
  status: string;
  created_at: number;
  completed_at: number | null;
  cancelled_at: number | null;
  failed_at: number | null;
  last_error: { code: string; message: string } | null;
  usage: Usage | null;
  step_details:
    | { type: "message_creation"; message_creation: { message_id: string } }
    | { type: "tool_calls"; tool_calls: (FunctionToolCall | { id: string; type: string })[] };
}

export interface MessageDelta {
  id: string;
  delta: { content?: { index: number; type: string; text?: { value?: string } }[] };
}

/** One event of a run's stream, as the run commands send them. */
export type RunEvent =
  | { event: `thread.run.${string}`; data: Run }
  | { event: `thread.run.step.${string}`; data: RunStep }
  | { event: "thread.message.delta"; data: MessageDelta }
  | { event: `thread.message.${string}`; data: Message }
  | { event: "thread.created"; data: Thread }
  | { event: "error"; data: { message: string } }
  | { event: "done"; data: unknown };

/** The text of a message: its text parts, one paragraph each. */
export function messageText(message: Message): string {
  return message.content
    .filter((part): part is TextPart => part.type === "text")
    .map((part) => part.text.value)
    .join("\n\n");
}

/** Statuses after which a run changes no more. */
export function isFinished(status: RunStatus): boolean {
  return ["cancelled", "failed", "completed", "incomplete", "expired"].includes(status);
}
