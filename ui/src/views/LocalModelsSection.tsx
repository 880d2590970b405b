import { useCallback, useEffect, useState } from "react";
import { ConfirmButton } from "../components/ConfirmButton";
import { ErrorNotice } from "../components/ErrorNotice";
import { listLocalModels, removeLocalModel, toAppError, type AppError, type LocalModels } from "../ipc";

function size(bytes: number | null): string {
  if (bytes === null) return "—";
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

function parameters(count: number | null | undefined): string {
  if (count == null) return "—";
  return count >= 1e9 ? `${(count / 1e9).toFixed(1)}B` : `${Math.round(count / 1e6)}M`;
}

/** The GGUF models in Hearth's models folder, which "This computer" runs with llama.cpp. */
export function LocalModelsSection() {
  const [local, setLocal] = useState<LocalModels | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const refresh = useCallback(() => {
    listLocalModels().then(setLocal, (failure: unknown) => setError(toAppError(failure)));
  }, []);
  useEffect(refresh, [refresh]);

  return (
    <section data-testid="local-models">
      <h2>Local models</h2>
      {error && <ErrorNotice error={error} onRetry={refresh} />}
      {local && local.folder === null && (
        <p className="muted">This computer’s processor cannot run local models (llama.cpp needs AVX2); use a provider above.</p>
      )}
      {local?.folder && (
        <p className="muted">
          GGUF files in <span className="path">{local.folder}</span> run on this computer, offline. An assistant uses one by its
          name as the model. Local models cannot call functions.
        </p>
      )}
      {local?.folder && local.models.length === 0 && <p className="muted">No model in the folder yet: copy a .gguf file into it.</p>}
      {local && local.models.length > 0 && (
        <table className="models">
          <thead>
            <tr>
              <th>Model</th>
              <th>Size</th>
              <th>Parameters</th>
              <th>Quantization</th>
              <th>Context</th>
              <th>Chat template</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {local.models.map((model) => (
              <tr key={model.id} data-testid="local-model">
                <td>
                  <code>{model.id}</code>
                  {model.problem && <div className="danger-text small-text">{model.problem}</div>}
                </td>
                <td>{size(model.sizeBytes)}</td>
                <td>{parameters(model.parameterCount)}</td>
                <td>{model.quantization ?? "—"}</td>
                <td>{model.contextLength ?? "—"}</td>
                <td>{model.hasChatTemplate ? "Found" : "Missing"}</td>
                <td>
                  <ConfirmButton
                    label="Remove"
                    confirmLabel="Delete file"
                    question="Delete this model file?"
                    onConfirm={() => removeLocalModel(model.id).then(refresh, (failure: unknown) => setError(toAppError(failure)))}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
