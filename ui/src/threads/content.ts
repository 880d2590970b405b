// Open unions from the wire (content parts, annotations, their deltas) narrowed to the arms this app
// knows. An arm with a `type` we do not know keeps its raw JSON; the view says it is not shown
// instead of guessing at it.
import type {
  Annotation,
  CodeInterpreterOutput,
  KnownCodeInterpreterOutput,
  AnnotationDelta,
  KnownAnnotation,
  KnownAnnotationDelta,
  KnownMessageContent,
  KnownMessageDeltaContent,
  Message,
  MessageContent,
  MessageDeltaContent,
  MessageCreationDetailsDelta,
  RunStep,
  StepDetails,
  StepDetailsDelta,
  MessageCreationDetails,
  ToolCallsDetails,
  ToolCall,
  ToolCallDelta,
  KnownToolCall,
  FunctionToolCallDelta,
  ToolCallsDetailsDelta,
} from "../ipc";

/**
 * `value` as the known arm of its union, or `null` for a `type` not in `names`. The raw arm's
 * `type: string` overlaps every literal, so `switch (part.type)` alone cannot narrow it away.
 */
function narrowTo<Known extends { type: string }>(names: readonly Known["type"][]) {
  const known: readonly string[] = names;
  return (value: { type: string }): Known | null => (known.includes(value.type) ? (value as Known) : null);
}

export const knownContent: (part: MessageContent) => KnownMessageContent | null = narrowTo<KnownMessageContent>([
  "text",
  "image_file",
  "image_url",
  "refusal",
]);

export const knownAnnotation: (annotation: Annotation) => KnownAnnotation | null = narrowTo<KnownAnnotation>([
  "file_citation",
  "file_path",
]);

export const knownContentDelta: (part: MessageDeltaContent) => KnownMessageDeltaContent | null =
  narrowTo<KnownMessageDeltaContent>(["text", "image_file", "image_url", "refusal"]);

export const knownAnnotationDelta: (annotation: AnnotationDelta) => KnownAnnotationDelta | null =
  narrowTo<KnownAnnotationDelta>(["file_citation", "file_path"]);

export const knownStepDetailsDelta: (
  details: StepDetailsDelta,
) => ToolCallsDetailsDelta | MessageCreationDetailsDelta | null = narrowTo<
  ToolCallsDetailsDelta | MessageCreationDetailsDelta
>(["tool_calls", "message_creation"]);

export const knownStepDetails: (details: StepDetails) => ToolCallsDetails | MessageCreationDetails | null = narrowTo<
  ToolCallsDetails | MessageCreationDetails
>(["tool_calls", "message_creation"]);

export const knownToolCall: (call: ToolCall) => KnownToolCall | null = narrowTo<KnownToolCall>([
  "code_interpreter",
  "file_search",
  "function",
]);

export const knownCodeOutput: (output: CodeInterpreterOutput) => KnownCodeInterpreterOutput | null =
  narrowTo<KnownCodeInterpreterOutput>(["logs", "image"]);

/** The tool calls of a step; none for a step that is not a tool-calls step. */
export function toolCallsOf(step: RunStep): ToolCall[] {
  const details = knownStepDetails(step.step_details);
  return details?.type === "tool_calls" ? details.tool_calls : [];
}

export const knownToolCallDelta: (call: ToolCallDelta) => FunctionToolCallDelta | null = narrowTo<FunctionToolCallDelta>([
  "function",
]);

/** The text of a message: its text parts, one paragraph each (titles, scrolling, the user's own words). */
export function messageText(message: Message): string {
  return message.content
    .map((part) => knownContent(part))
    .flatMap((part) => (part?.type === "text" ? [part.text.value] : []))
    .join("\n\n");
}
