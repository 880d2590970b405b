import { useCallback, useEffect, useRef, useState } from "react";
import { ErrorNotice } from "../components/ErrorNotice";
import { reportFailure } from "../errors";
import {
  cancelCodeRuntimeInstall,
  codeRuntimeStatus,
  installCodeRuntime,
  type AppError,
  type CodeRuntimeProgress,
  type CodeRuntimeView,
} from "../ipc";
import { size } from "./units";

/** The code interpreter's Python runtime: whether it is ready, and setting it up with progress. */
export function CodeRuntimeSection() {
  const [runtime, setRuntime] = useState<CodeRuntimeView | null>(null);
  const [progress, setProgress] = useState<CodeRuntimeProgress | null>(null);
  const [installing, setInstalling] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [cancelledNote, setCancelledNote] = useState(false);
  // Set by the Cancel button: the rejection that follows is the cancel, not a failure.
  const cancelled = useRef(false);

  const refresh = useCallback(() => {
    codeRuntimeStatus().then(setRuntime, (failure: unknown) => setError(reportFailure(failure)));
  }, []);
  useEffect(refresh, [refresh]);

  const install = async () => {
    setError(null);
    setCancelledNote(false);
    cancelled.current = false;
    setInstalling(true);
    setProgress(null);
    try {
      setRuntime(await installCodeRuntime(setProgress));
    } catch (failure) {
      if (cancelled.current) setCancelledNote(true);
      else setError(reportFailure(failure));
      refresh();
    } finally {
      setInstalling(false);
      setProgress(null);
    }
  };

  const percent = progress && progress.total > 0 ? Math.floor((progress.downloaded / progress.total) * 100) : null;
  return (
    <section data-testid="code-runtime" aria-label="Code interpreter">
      <h2>Code interpreter</h2>
      <p className="muted">
        Assistants with the code interpreter run Python (numpy, pandas, matplotlib, openpyxl, pillow, scipy) on this
        computer, inside a sandbox with no network and no access to your files beyond the ones you give it.
      </p>
      {error && <ErrorNotice error={error} onRetry={() => void install()} />}
      {runtime?.ready && (
        <p data-testid="code-runtime-ready">
          <span className="pill ok">Ready</span> Python {runtime.pythonVersion} with {runtime.packages.length} packages.
        </p>
      )}
      {runtime && !runtime.ready && !installing && (
        <div className="hint-box" data-testid="code-runtime-missing">
          <p>{runtime.problem}</p>
          <p className="muted">Setting it up downloads about 90 MB of Python packages from PyPI, once (about 400 MB on disk).</p>
          <button type="button" onClick={() => void install()} data-testid="code-runtime-install">
            Set up
          </button>
        </div>
      )}
      {installing && (
        <div data-testid="code-runtime-progress">
          <p>{progress?.step ?? "Starting"}…</p>
          <progress max={100} value={percent ?? undefined} aria-label="Set-up progress" />
          {progress && progress.total > 0 && (
            <span className="muted">
              {" "}
              {size(progress.downloaded)} of {size(progress.total)}
            </span>
          )}
          <button
            type="button"
            className="small"
            onClick={() => {
              cancelled.current = true;
              void cancelCodeRuntimeInstall();
            }}
            data-testid="code-runtime-cancel"
          >
            Cancel
          </button>
        </div>
      )}
      {cancelledNote && <p className="muted">Set-up cancelled; nothing was changed.</p>}
      {runtime && (
        <p className="muted">
          Folder: <span className="path">{runtime.folder}</span>
        </p>
      )}
    </section>
  );
}
