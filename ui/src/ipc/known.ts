// Names for the arms of the wire's open unions that the app knows, taken from the generated types.
// Each union also has an arm for kinds a newer server may send (any other `type`, kept raw); these
// aliases leave that arm out, and `threads/content.ts` narrows a value to them.
import type {
  Annotation,
  CodeInterpreterOutput,
  AnnotationDelta,
  Message,
  MessageContent,
  MessageDeltaContent,
  StepDetails,
  StepDetailsDelta,
  ToolCall,
  ToolCallDelta,
} from "./bindings";

/** Caller tags on assistants, threads and messages. */
export type Metadata = NonNullable<Message["metadata"]>;

export type KnownMessageContent = Extract<MessageContent, { type: "text" | "image_file" | "image_url" | "refusal" }>;
export type TextPart = Extract<MessageContent, { type: "text" }>;
export type KnownAnnotation = Extract<Annotation, { type: "file_citation" | "file_path" }>;

export type KnownMessageDeltaContent = Extract<
  MessageDeltaContent,
  { type: "text" | "image_file" | "image_url" | "refusal" }
>;
export type KnownAnnotationDelta = Extract<AnnotationDelta, { type: "file_citation" | "file_path" }>;

export type KnownToolCall = Extract<ToolCall, { type: "code_interpreter" | "file_search" | "function" }>;
/** A function call as a run step stores it. */
export type FunctionToolCall = Extract<ToolCall, { type: "function" }>;
export type FunctionToolCallDelta = Extract<ToolCallDelta, { type: "function" }>;
export type ToolCallsDetailsDelta = Extract<StepDetailsDelta, { type: "tool_calls" }>;
export type MessageCreationDetailsDelta = Extract<StepDetailsDelta, { type: "message_creation" }>;
export type ToolCallsDetails = Extract<StepDetails, { type: "tool_calls" }>;
export type MessageCreationDetails = Extract<StepDetails, { type: "message_creation" }>;
export type KnownCodeInterpreterOutput = Extract<CodeInterpreterOutput, { type: "logs" | "image" }>;
