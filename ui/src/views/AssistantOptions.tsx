import { FieldError } from "../components/FieldError";
import type { AssistantForm, FormErrors } from "../forms/assistantForm";
import type { SetField } from "../forms/useAssistantEditor";

interface AssistantOptionsProps {
  form: AssistantForm;
  errors: FormErrors;
  set: SetField;
}

const RESPONSE_FORMATS: Record<AssistantForm["responseFormat"], string> = {
  auto: "Auto",
  text: "Text",
  json_object: "JSON object",
  json_schema: "JSON schema",
};
const isResponseFormat = (value: string): value is AssistantForm["responseFormat"] => value in RESPONSE_FORMATS;

/** Sampling, the response format and metadata. */
export function AssistantOptions({ form, errors, set }: AssistantOptionsProps) {
  const setEntry = (index: number, entry: Partial<AssistantForm["metadata"][number]>) =>
    set("metadata", form.metadata.map((m, i) => (i === index ? { ...m, ...entry } : m)));
  return (
    <>
      <fieldset>
        <legend>Sampling</legend>
        <div className="row">
          <label>
            Temperature (0–2)
            <input inputMode="decimal" value={form.temperature} onChange={(e) => set("temperature", e.target.value)} placeholder="default" data-testid="assistant-temperature" />
          </label>
          <label>
            Top P (0–1)
            <input inputMode="decimal" value={form.topP} onChange={(e) => set("topP", e.target.value)} placeholder="default" />
          </label>
        </div>
        <FieldError error={errors.temperature} id="temperature-error" />
        <FieldError error={errors.topP} id="top-p-error" />
      </fieldset>

      <fieldset>
        <legend>Response format</legend>
        <select
          value={form.responseFormat}
          onChange={(e) => isResponseFormat(e.target.value) && set("responseFormat", e.target.value)}
          aria-label="Response format"
        >
          {Object.entries(RESPONSE_FORMATS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        {form.responseFormat === "json_schema" && (
          <>
            <label>
              Schema name
              <input value={form.schemaName} onChange={(e) => set("schemaName", e.target.value)} />
            </label>
            <FieldError error={errors.schemaName} id="schema-name-error" />
            <label>
              Schema
              <textarea className="code-input" rows={8} spellCheck={false} value={form.schemaJson} onChange={(e) => set("schemaJson", e.target.value)} />
            </label>
            <FieldError error={errors.schemaJson} id="schema-error" />
          </>
        )}
      </fieldset>

      <fieldset>
        <legend>Metadata</legend>
        {form.metadata.map((entry, index) => (
          <div className="row" key={index}>
            <input aria-label="Key" value={entry.key} placeholder="key" onChange={(e) => setEntry(index, { key: e.target.value })} />
            <input aria-label="Value" value={entry.value} placeholder="value" onChange={(e) => setEntry(index, { value: e.target.value })} />
            <button type="button" className="small" onClick={() => set("metadata", form.metadata.filter((_, i) => i !== index))}>
              Remove
            </button>
          </div>
        ))}
        <FieldError error={errors.metadata} id="metadata-error" />
        <button type="button" className="small" onClick={() => set("metadata", [...form.metadata, { key: "", value: "" }])}>
          + Add entry
        </button>
      </fieldset>
    </>
  );
}
