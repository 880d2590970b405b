import { FieldError } from "../components/FieldError";
import { STARTER_FUNCTION, type AssistantForm, type FormErrors } from "../forms/assistantForm";
import type { SetField } from "../forms/useAssistantEditor";

/** The built-in tools (stored, not run yet) and the function definitions, one JSON editor each. */
export function AssistantTools({ form, errors, set }: { form: AssistantForm; errors: FormErrors; set: SetField }) {
  return (
    <fieldset>
      <legend>Tools</legend>
      <label className="check">
        <input type="checkbox" checked={form.fileSearch} onChange={(e) => set("fileSearch", e.target.checked)} />
        File search
      </label>
      <label className="check">
        <input type="checkbox" checked={form.codeInterpreter} onChange={(e) => set("codeInterpreter", e.target.checked)} />
        Code interpreter
      </label>
      <p className="hint">
        File search reads the documents of the assistant's vector store; the code interpreter runs Python on its files.
        Add both under Files below.
      </p>
      <div className="functions">
        {form.functions.map((fn, index) => (
          <div key={index} className="function-editor">
            <textarea
              className="code-input"
              rows={10}
              spellCheck={false}
              value={fn.json}
              aria-label={`Function ${index + 1}`}
              data-testid="function-json"
              onChange={(e) => set("functions", form.functions.map((f, i) => (i === index ? { json: e.target.value } : f)))}
            />
            <FieldError error={errors[`function${index}`]} id={`function${index}-error`} />
            <button type="button" className="small" onClick={() => set("functions", form.functions.filter((_, i) => i !== index))}>
              Remove function
            </button>
          </div>
        ))}
        <button
          type="button"
          className="small"
          onClick={() => set("functions", [...form.functions, { json: STARTER_FUNCTION }])}
          data-testid="add-function"
        >
          + Add function
        </button>
        <p className="hint">
          A function is JSON: a name (letters, digits, _ or -), a description, and its parameters as JSON Schema. When the
          model calls it, the run waits for you to type the output.
        </p>
      </div>
    </fieldset>
  );
}
