import { FieldError } from "../components/FieldError";
import type { AssistantForm, FormErrors } from "../forms/assistantForm";
import { isLocalModel, localModelLimits } from "../forms/localModel";
import type { SetField } from "../forms/useAssistantEditor";
import type { ModelGroup } from "../ipc";

interface AssistantBasicsProps {
  form: AssistantForm;
  errors: FormErrors;
  set: SetField;
  models: ModelGroup[];
}

/** Name, description, instructions and model, with what a local model can and cannot do. */
export function AssistantBasics({ form, errors, set, models }: AssistantBasicsProps) {
  const allModels = models.flatMap((group) => group.models.map((model) => ({ model, provider: group.provider })));
  const modelErrors = models.filter((group) => group.error);
  const onLocalModel = isLocalModel(models, form.model);
  const localLimits = localModelLimits(form);
  return (
    <>
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
    </>
  );
}
