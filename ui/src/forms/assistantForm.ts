// The assistant editor's form: its fields as text, the checks with the rule each one states, and
// the request body it becomes. Kept apart from the view so it is unit-tested.
import type { Assistant, AssistantTool, CreateAssistantRequest, JsonValue, ResponseFormatOption } from "../ipc";

export interface FunctionDraft {
  /** The function definition as JSON text: {name, description, parameters, strict}. */
  json: string;
}

export interface AssistantForm {
  name: string;
  description: string;
  instructions: string;
  model: string;
  fileSearch: boolean;
  codeInterpreter: boolean;
  functions: FunctionDraft[];
  temperature: string;
  topP: string;
  responseFormat: "auto" | "text" | "json_object" | "json_schema";
  schemaName: string;
  schemaJson: string;
  metadata: { key: string; value: string }[];
}

export type FormErrors = Partial<Record<string, string>>;

/** What "Add function" starts from: a complete, valid example to edit. */
export const STARTER_FUNCTION = JSON.stringify(
  {
    name: "get_weather",
    description: "The current weather in a city.",
    parameters: {
      type: "object",
      properties: {
        city: { type: "string", description: "The city, e.g. Lisbon" },
        unit: { type: "string", enum: ["celsius", "fahrenheit"] },
      },
      required: ["city"],
    },
  },
  null,
  2,
);

export function emptyForm(): AssistantForm {
  return {
    name: "",
    description: "",
    instructions: "",
    model: "",
    fileSearch: false,
    codeInterpreter: false,
    functions: [],
    temperature: "",
    topP: "",
    responseFormat: "auto",
    schemaName: "",
    schemaJson: "",
    metadata: [],
  };
}

export function formFrom(assistant: Assistant): AssistantForm {
  const format = assistant.response_format;
  const form = emptyForm();
  form.name = assistant.name ?? "";
  form.description = assistant.description ?? "";
  form.instructions = assistant.instructions ?? "";
  form.model = assistant.model;
  const tools = assistant.tools ?? [];
  form.fileSearch = tools.some((tool) => tool.type === "file_search");
  form.codeInterpreter = tools.some((tool) => tool.type === "code_interpreter");
  form.functions = tools
    .filter((tool): tool is Extract<AssistantTool, { type: "function" }> => tool.type === "function")
    .map((tool) => ({ json: JSON.stringify(tool.function, null, 2) }));
  form.temperature = assistant.temperature == null ? "" : String(assistant.temperature);
  form.topP = assistant.top_p == null ? "" : String(assistant.top_p);
  if (format && format !== "auto") {
    form.responseFormat = format.type;
    if (format.type === "json_schema") {
      form.schemaName = format.json_schema.name;
      form.schemaJson = JSON.stringify(format.json_schema.schema ?? {}, null, 2);
    }
  }
  form.metadata = Object.entries(assistant.metadata ?? {}).map(([key, value]) => ({ key, value }));
  return form;
}

const NAME_RULE = /^[a-zA-Z0-9_-]{1,64}$/;
const JSON_TYPES = ["object", "array", "string", "number", "integer", "boolean", "null"];

/**
 * Structural checks of a JSON Schema: the mistakes people make by hand (a misspelt type, properties
 * that are not schemas, required names that are not properties). A full meta-schema validator
 * would need `eval`, which the app's content security policy forbids.
 */
export function schemaProblem(schema: unknown, at = "the schema"): string | null {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    return `${at} must be a JSON object.`;
  }
  const s = schema as Record<string, unknown>;
  if ("type" in s) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    const bad = types.find((t) => typeof t !== "string" || !JSON_TYPES.includes(t));
    if (bad !== undefined) return `${at}: "type" ${JSON.stringify(bad)} is not one of ${JSON_TYPES.join(", ")}.`;
  }
  if ("properties" in s) {
    if (typeof s.properties !== "object" || s.properties === null || Array.isArray(s.properties)) {
      return `${at}: "properties" must be an object of schemas.`;
    }
    for (const [name, property] of Object.entries(s.properties)) {
      const problem = schemaProblem(property, `property "${name}"`);
      if (problem) return problem;
    }
  }
  if ("required" in s) {
    if (!Array.isArray(s.required) || s.required.some((r) => typeof r !== "string")) {
      return `${at}: "required" must be a list of property names.`;
    }
    const known = Object.keys((s.properties as Record<string, unknown> | undefined) ?? {});
    const unknown = s.required.find((r) => !known.includes(r as string));
    if (unknown !== undefined) return `${at}: "required" names "${String(unknown)}", which is not in "properties".`;
  }
  if ("items" in s && typeof s.items !== "boolean") {
    const problem = schemaProblem(s.items, `${at} items`);
    if (problem) return problem;
  }
  if ("enum" in s && !Array.isArray(s.enum)) return `${at}: "enum" must be a list.`;
  return null;
}

function parseJson(text: string): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function numberIn(text: string, low: number, high: number, label: string): string | undefined {
  if (!text.trim()) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < low || value > high) return `${label} must be a number from ${low} to ${high}.`;
  return undefined;
}

/** Every rule the form breaks, by field; empty when it can be saved. */
export function validate(form: AssistantForm): FormErrors {
  const errors: FormErrors = {};
  if (form.name.length > 256) errors.name = "The name can be at most 256 characters.";
  if (form.description.length > 512) errors.description = "The description can be at most 512 characters.";
  if (form.instructions.length > 256_000) errors.instructions = "Instructions can be at most 256,000 characters.";
  if (!form.model.trim()) errors.model = "Choose a model, or type its id.";
  errors.temperature = numberIn(form.temperature, 0, 2, "Temperature");
  errors.topP = numberIn(form.topP, 0, 1, "Top P");
  const names = new Set<string>();
  form.functions.forEach((fn, index) => {
    const key = `function${index}`;
    const parsed = parseJson(fn.json);
    if (parsed.error) {
      errors[key] = `Not valid JSON: ${parsed.error}`;
      return;
    }
    const value = parsed.value as Record<string, unknown> | null;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      errors[key] = "A function is a JSON object with a name, a description and parameters.";
      return;
    }
    if (typeof value.name !== "string" || !NAME_RULE.test(value.name)) {
      errors[key] = "The name must be 1–64 letters, digits, underscores or dashes.";
      return;
    }
    if (names.has(value.name)) {
      errors[key] = `Another function is already called "${value.name}".`;
      return;
    }
    names.add(value.name);
    if (value.description !== undefined && typeof value.description !== "string") {
      errors[key] = "The description must be text.";
      return;
    }
    if (value.parameters !== undefined) {
      const problem = schemaProblem(value.parameters, "parameters");
      if (problem) errors[key] = problem;
    }
  });
  if (form.responseFormat === "json_schema") {
    if (!NAME_RULE.test(form.schemaName)) errors.schemaName = "The schema name must be 1–64 letters, digits, underscores or dashes.";
    const parsed = parseJson(form.schemaJson || "{}");
    errors.schemaJson = parsed.error ? `Not valid JSON: ${parsed.error}` : (schemaProblem(parsed.value) ?? undefined);
  }
  if (form.metadata.length > 16) errors.metadata = "At most 16 metadata entries.";
  form.metadata.forEach(({ key, value }, index) => {
    if (!key.trim()) errors.metadata = `Metadata entry ${index + 1} needs a key.`;
    else if (key.length > 64) errors.metadata = `Metadata key "${key.slice(0, 20)}…" is longer than 64 characters.`;
    else if (value.length > 512) errors.metadata = `The value of "${key}" is longer than 512 characters.`;
  });
  const keys = form.metadata.map((entry) => entry.key);
  if (new Set(keys).size !== keys.length) errors.metadata = "Metadata keys must be different.";
  return Object.fromEntries(Object.entries(errors).filter(([, error]) => error !== undefined));
}

/**
 * The request body of a valid form; it fits both creating and changing an assistant (the form does
 * not edit tool resources, which the two requests describe differently).
 */
export function toBody(form: AssistantForm): Omit<CreateAssistantRequest, "tool_resources"> {
  const tools: AssistantTool[] = [];
  if (form.codeInterpreter) tools.push({ type: "code_interpreter" });
  if (form.fileSearch) tools.push({ type: "file_search" });
  // `validate` has checked each function's JSON; the core checks its fields.
  for (const fn of form.functions) tools.push({ type: "function", function: JSON.parse(fn.json) });
  let responseFormat: ResponseFormatOption = "auto";
  if (form.responseFormat === "text" || form.responseFormat === "json_object") responseFormat = { type: form.responseFormat };
  if (form.responseFormat === "json_schema") {
    responseFormat = {
      type: "json_schema",
      json_schema: { name: form.schemaName, schema: parseObject(form.schemaJson || "{}") },
    };
  }
  return {
    name: form.name.trim() || null,
    description: form.description.trim() || null,
    instructions: form.instructions || null,
    model: form.model.trim(),
    tools,
    temperature: form.temperature.trim() ? Number(form.temperature) : null,
    top_p: form.topP.trim() ? Number(form.topP) : null,
    response_format: responseFormat,
    metadata: Object.fromEntries(form.metadata.map(({ key, value }) => [key, value])),
  };
}

/**
 * The form field a request parameter named by the core belongs to (`top_p` → `topP`,
 * `tools[2].function.name` → the function editor it came from), or `null` when no field shows it.
 */
export function fieldOfParameter(form: AssistantForm, parameter: string | null): string | null {
  if (!parameter) return null;
  const simple: Record<string, string> = {
    name: "name",
    description: "description",
    instructions: "instructions",
    model: "model",
    temperature: "temperature",
    top_p: "topP",
  };
  if (parameter in simple) return simple[parameter] ?? null;
  if (parameter.startsWith("metadata")) return "metadata";
  if (parameter === "response_format.json_schema.name") return "schemaName";
  if (parameter.startsWith("response_format")) return form.responseFormat === "json_schema" ? "schemaJson" : null;
  const tool = /^tools\[(\d+)\]/.exec(parameter);
  if (tool) {
    // `toBody` lists the two built-in tools (when on) before the functions.
    const builtIn = Number(form.codeInterpreter) + Number(form.fileSearch);
    const index = Number(tool[1]) - builtIn;
    return index >= 0 && index < form.functions.length ? `function${index}` : null;
  }
  return null;
}

/** A JSON object from text `validate` has checked. */
function parseObject(text: string): { [key: string]: JsonValue } {
  return JSON.parse(text);
}
