import { useCallback, useEffect, useState } from "react";
import { useFileDrop } from "../attachments/useFileDrop";
import { ConfirmButton } from "../components/ConfirmButton";
import { ErrorNotice } from "../components/ErrorNotice";
import { reportFailure } from "../errors";
import {
  addLocalModel,
  chooseModelFile,
  listLocalModels,
  removeLocalModel,
  type AppError,
  type LocalModels,
} from "../ipc";
import { ModelDownload } from "./ModelDownload";
import { size } from "./units";

function parameters(count: number | null | undefined): string {
  if (count == null) return "—";
  return count >= 1e9 ? `${(count / 1e9).toFixed(1)}B` : `${Math.round(count / 1e6)}M`;
}

/** The Settings page, where a dropped model file is added. */
const SETTINGS_DROP = "[data-drop=settings]";

/** The last part of a path, for messages. */
function fileName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** The GGUF models in Hearth's models folder, which "This computer" runs with llama.cpp. */
export function LocalModelsSection() {
  const [local, setLocal] = useState<LocalModels | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [adding, setAdding] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const refresh = useCallback(() => {
    listLocalModels().then(setLocal, (failure: unknown) => setError(reportFailure(failure)));
  }, []);
  useEffect(refresh, [refresh]);

  const add = useCallback(
    async (path: string) => {
      setAdded(null);
      setAdding(fileName(path));
      try {
        const model = await addLocalModel(path);
        setAdded(model.id);
        refresh();
      } catch (failure) {
        setError(reportFailure(failure));
      } finally {
        setAdding(null);
      }
    },
    [refresh],
  );

  // Files dropped on this page (not on the sidebar next to it) are offered as models.
  const onDrop = useCallback(
    (paths: string[]) => {
      const models = paths.filter((path) => path.toLowerCase().endsWith(".gguf"));
      const others = paths.filter((path) => !path.toLowerCase().endsWith(".gguf"));
      setError(
        others.length > 0
          ? {
              code: "invalid",
              message: `Only GGUF model files (.gguf) can be added here; ${others.map(fileName).join(", ")} was not added.`,
            }
          : null,
      );
      void models.reduce((previous, path) => previous.then(() => add(path)), Promise.resolve());
    },
    [add],
  );
  useFileDrop(SETTINGS_DROP, onDrop);

  const choose = () => {
    chooseModelFile().then(
      (path) => {
        setError(null);
        if (path) void add(path);
      },
      (failure: unknown) => setError(reportFailure(failure)),
    );
  };

  const usable = Boolean(local?.folder);
  return (
    <section data-testid="local-models">
      <h2>Local models</h2>
      {local && local.folder === null && (
        <p className="muted">This computer’s processor cannot run local models (llama.cpp needs AVX2); use a provider above.</p>
      )}
      {local?.folder && (
        <p className="muted">
          GGUF files in <span className="path">{local.folder}</span> run on this computer, offline. An assistant uses one by its
          name as the model. Local models cannot call functions. Drop a .gguf file on this page to add it.
        </p>
      )}
      {usable && (
        <div className="row-actions">
          <button type="button" onClick={choose} disabled={adding !== null} data-testid="add-model-file">
            Add a model file…
          </button>
          {adding && (
            <span className="muted" data-testid="adding-model">
              Copying {adding} into the models folder…
            </span>
          )}
          {added && (
            <span className="muted" data-testid="model-added">
              Added <code>{added}</code>.
            </span>
          )}
        </div>
      )}
      {error && <ErrorNotice error={error} onRetry={error.code === "internal" ? refresh : undefined} />}
      {local?.folder && local.models.length === 0 && (
        <p className="muted">No model yet: add a .gguf file or download one below.</p>
      )}
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
                    onConfirm={() => removeLocalModel(model.id).then(refresh, (failure: unknown) => setError(reportFailure(failure)))}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {usable && <ModelDownload onDownloaded={refresh} />}
    </section>
  );
}
