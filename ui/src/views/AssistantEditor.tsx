import { useEffect, useState } from "react";
import { FieldError } from "../components/FieldError";
import { defaultModel, isLocalModel, localModelLimits } from "../forms/localModel";
import { ConfirmButton } from "../components/ConfirmButton";
import { ErrorNotice } from "../components/ErrorNotice";
import {
  createAssistant,
  deleteAssistant,
  listModels,
  modifyAssistant,
  toAppError,
  type AppError,
  type Assistant,
  type ModelGroup,
} from "../ipc";
import {
  STARTER_FUNCTION,
  emptyForm,
  formFrom,
  toBody,
  validate,
  type AssistantForm,
  type FormErrors,
} from "../forms/assistantForm";

interface AssistantEditorProps {
  assistant: Assistant | null;
  offline: boolean;
  onSaved: (assistant: Assistant) => void;
  onDeleted: () => void;
  onDuplicated: (copy: Assistant) => void;
}

/** Create or edit an assistant: every field of the API, checked as you go. */
export function AssistantEditor({ assistant: opened, offline, onSaved, onDeleted, onDuplicated }: AssistantEditorProps) {
  // The assistant as last saved here: a new one becomes an edit of itself once created.
  const [assistant, setAssistant] = useState<Assistant | null>(opened);
  const [form, setForm] = useState<AssistantForm>(() => (assistant ? formFrom(assistant) : emptyForm()));
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [failure, setFailure] = useState<AppError | null>(null);
  const [saved, setSaved] = useState(false);
  const [models, setModels] = useState<ModelGroup[]>([]);

  useEffect(() => {
    listModels().then((groups) => {
      setModels(groups);
      // A new assistant on a fresh install starts on the model that runs here.
      if (!opened) setForm((current) => (current.model ? current : { ...current, model: defaultModel(groups) }));
    }, () => undefined);
  }, [opened]);

  const errors: FormErrors = touched ? validate(form) : {};
  const set = <K extends keyof AssistantForm>(key: K, value: AssistantForm[K]) => {
    setForm((current) => ({ ...current, [key]: value }));
    setSaved(false);
  };

  const save = async () => {
    setTouched(true);
    if (Object.keys(validate(form)).length > 0) return;
    setSaving(true);
    setFailure(null);
    try {
      const body = toBody(form);
      const result = assistant ? await modifyAssistant(assistant.id, body) : await createAssistant(body);
      setSaved(true);
      setAssistant(result);
      onSaved(result);
    } catch (error) {
      setFailure(toAppError(error));
    } finally {
      setSaving(false);
    }
  };

  const duplicate = async () => {
    if (!assistant) return;
    try {
      const copy = await createAssistant({ ...toBody(formFrom(assistant)), name: `${assistant.name ?? "Assistant"} (copy)` });
      onDuplicated(copy);
    } catch (error) {
      setFailure(toAppError(error));
    }
  };

  const allModels = models.flatMap((group) => group.models.map((model) => ({ model, provider: group.provider })));
  const modelErrors = models.filter((group) => group.error);
  const onLocalModel = isLocalModel(models, form.model);
  const localLimits = localModelLimits(form);

  return (
    <section className="main-panel editor" data-testid="assistant-editor" aria-label="Assistant">
      <header className="editor-head">
        <h1>{assistant ? (assistant.name ?? "Untitled assistant") : "New assistant"}</h1>
        {assistant && (
          <div className="editor-actions">
            <button type="button" onClick={() => void duplicate()} disabled={offline} data-testid="duplicate-assistant">
              Duplicate
            </button>
            <ConfirmButton
              label="Delete"
              confirmLabel="Delete assistant"
              question="Delete this assistant? Its threads stay."
              testId="delete-assistant"
              onConfirm={() => {
                deleteAssistant(assistant.id).then(onDeleted, (error: unknown) => setFailure(toAppError(error)));
              }}
            />
          </div>
        )}
      </header>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <label>
          Name
          <input value={form.name} onChange={(e) => set("name", e.target.value)} data-testid="assistant-name" placeholder="e.g. Research helper" />
        </label>
        <FieldError error={errors.name} id="name-error" />
        <label>
          Description
          <input value={form.description} onChange={(e) => set("description", e.target.value)} data-testid="assistant-description" />
        </label>
        <FieldError error={errors.description} id="description-error" />
        <label>
          Instructions
          <textarea
            className="instructions"
            rows={10}
            value={form.instructions}
            onChange={(e) => set("instructions", e.target.value)}
            placeholder="How the assistant should behave, what it knows, how it answers."
            data-testid="assistant-instructions"
          />
        </label>
        <FieldError error={errors.instructions} id="instructions-error" />
        <label>
          Model
          <input
            list="model-options"
            value={form.model}
            onChange={(e) => set("model", e.target.value)}
            placeholder="Pick from the list or type a model id"
            data-testid="assistant-model"
          />
          <datalist id="model-options">
            {allModels.map(({ model, provider }) => (
              <option key={`${provider}/${model}`} value={model}>
                {provider}
              </option>
            ))}
          </datalist>
        </label>
        <FieldError error={errors.model} id="model-error" />
        {onLocalModel && (
          <p className="hint" data-testid="local-model-note">
            Runs on this computer with llama.cpp, offline and free. Small models such as the included SmolLM2-135M answer
            quickly but are often wrong; for better answers add a bigger GGUF model, or set up OpenAI, Anthropic or Ollama, in
            Settings.
          </p>
        )}
        {onLocalModel && localLimits && (
          <p className="field-warning" role="status" data-testid="local-model-limits">
            {localLimits}
          </p>
        )}
        {models.length === 0 && <p className="hint">No provider is set up yet: add a key or a server in Settings to get a model list.</p>}
        {modelErrors.map((group) => (
          <p className="hint" key={group.provider}>
            {group.provider}: {group.error}
          </p>
        ))}

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
            These two are saved with the assistant, but Hearth does not run them yet: a run ignores them until a later
            version adds file search and the code interpreter.
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
          <select value={form.responseFormat} onChange={(e) => set("responseFormat", e.target.value as AssistantForm["responseFormat"])} aria-label="Response format">
            <option value="auto">Auto</option>
            <option value="text">Text</option>
            <option value="json_object">JSON object</option>
            <option value="json_schema">JSON schema</option>
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
              <input aria-label="Key" value={entry.key} placeholder="key" onChange={(e) => set("metadata", form.metadata.map((m, i) => (i === index ? { ...m, key: e.target.value } : m)))} />
              <input aria-label="Value" value={entry.value} placeholder="value" onChange={(e) => set("metadata", form.metadata.map((m, i) => (i === index ? { ...m, value: e.target.value } : m)))} />
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

        {failure && <ErrorNotice error={failure} />}
        <div className="form-actions">
          {saved && <span className="muted" data-testid="saved-note">Saved.</span>}
          <button type="submit" className="primary" disabled={saving || offline} title={offline ? "Saving needs the server" : undefined} data-testid="save-assistant">
            {assistant ? "Save changes" : "Create assistant"}
          </button>
        </div>
      </form>
    </section>
  );
}
