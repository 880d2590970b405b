import { useRef, useState } from "react";
import { ErrorNotice } from "../components/ErrorNotice";
import { FieldError } from "../components/FieldError";
import { fileNameFromUrl, hostNeedingHttpPermission, validateDownload, type DownloadForm } from "../forms/downloadForm";
import { reportFailure } from "../errors";
import { cancelLocalDownload, downloadLocalModel, toAppError, type AppError, type DownloadProgress } from "../ipc";
import { size } from "./units";

type State =
  | { kind: "idle" }
  | { kind: "downloading"; fileName: string; progress: DownloadProgress | null }
  | { kind: "cancelled"; note: string }
  | { kind: "done"; id: string };

/** Downloads a GGUF model from a URL into the models folder, with progress, cancel and resume. */
export function ModelDownload({ onDownloaded }: { onDownloaded: () => void }) {
  const [form, setForm] = useState<DownloadForm>({ url: "", fileName: "", sha256: "" });
  const [touched, setTouched] = useState(false);
  const [state, setState] = useState<State>({ kind: "idle" });
  const [failure, setFailure] = useState<AppError | null>(null);
  // Asked per address: ticking it allows plain http for that host from now on.
  const [allowHttp, setAllowHttp] = useState(false);
  const httpHost = hostNeedingHttpPermission(form.url);
  // Set by the Cancel button: the download's rejection that follows is the cancel, not a failure.
  const cancelled = useRef(false);
  const errors = touched ? validateDownload(form) : {};
  const busy = state.kind === "downloading";

  const start = async () => {
    setTouched(true);
    if (Object.keys(validateDownload(form)).length > 0) return;
    const fileName = form.fileName.trim();
    setFailure(null);
    cancelled.current = false;
    setState({ kind: "downloading", fileName, progress: null });
    // Held in an object: a plain variable assigned only in the callback reads as always null to the type checker.
    const received: { last: DownloadProgress | null } = { last: null };
    try {
      const allow = httpHost !== null && allowHttp;
      const model = await downloadLocalModel(form.url.trim(), fileName, form.sha256.trim() || null, allow, (progress) => {
        received.last = progress;
        setState({ kind: "downloading", fileName, progress });
      });
      setState({ kind: "done", id: model.id });
      setForm({ url: "", fileName: "", sha256: "" });
      setAllowHttp(false);
      setTouched(false);
      onDownloaded();
    } catch (error) {
      if (cancelled.current) {
        // The app says whether what arrived is kept: only a server that names the file's version lets it resume.
        const arrived = received.last ? `${size(received.last.downloaded)} had arrived. ` : "";
        setState({ kind: "cancelled", note: `${arrived}${toAppError(error).message}` });
      } else {
        setState({ kind: "idle" });
        setFailure(reportFailure(error));
      }
    }
  };

  const progress = state.kind === "downloading" ? state.progress : null;
  const total = progress?.total ?? undefined;
  return (
    <form
      className="download"
      noValidate
      data-testid="model-download"
      onSubmit={(event) => {
        event.preventDefault();
        void start();
      }}
    >
      <h3>Download a model</h3>
      <label>
        Address of the .gguf file
        <input
          value={form.url}
          disabled={busy}
          placeholder="https://…/model.Q4_K_M.gguf"
          data-testid="download-url"
          onChange={(event) => {
            const url = event.target.value;
            // The file name follows the address until the person types their own.
            setForm((current) => ({
              ...current,
              url,
              fileName: current.fileName === fileNameFromUrl(current.url) ? fileNameFromUrl(url) : current.fileName,
            }));
          }}
        />
      </label>
      <FieldError error={errors.url} id="download-url-error" />
      {httpHost !== null && (
        <label className="check">
          <input
            type="checkbox"
            checked={allowHttp}
            disabled={busy}
            data-testid="download-allow-http"
            onChange={(event) => setAllowHttp(event.target.checked)}
          />
          Allow plain http for this host ({httpHost}): the file is not encrypted on its way, so only the SHA-256 can
          tell it was not changed
        </label>
      )}
      <div className="row">
        <label>
          Save as
          <input
            value={form.fileName}
            disabled={busy}
            data-testid="download-name"
            onChange={(event) => setForm((current) => ({ ...current, fileName: event.target.value }))}
          />
        </label>
        <label>
          SHA-256 (optional, checked when given)
          <input
            value={form.sha256}
            disabled={busy}
            spellCheck={false}
            data-testid="download-sha256"
            onChange={(event) => setForm((current) => ({ ...current, sha256: event.target.value }))}
          />
        </label>
      </div>
      <FieldError error={errors.fileName} id="download-name-error" />
      <FieldError error={errors.sha256} id="download-sha256-error" />
      <div className="row-actions">
        {state.kind === "downloading" ? (
          <button type="button" onClick={() => {
              cancelled.current = true;
              void cancelLocalDownload(state.fileName);
            }} data-testid="download-cancel">
            Cancel download
          </button>
        ) : (
          <button type="submit" data-testid="download-start">
            {state.kind === "cancelled" ? "Resume download" : "Download"}
          </button>
        )}
        {state.kind === "downloading" && (
          <span className="download-progress">
            <progress
              max={total}
              value={total !== undefined && progress ? (progress.downloaded ?? 0) : undefined}
              aria-label={`Downloading ${state.fileName}`}
            />
            <span className="muted" data-testid="download-progress">
              {progress
                ? `${size(progress.downloaded)}${progress.total ? ` of ${size(progress.total)}` : ""}`
                : "Connecting…"}
            </span>
          </span>
        )}
        {state.kind === "cancelled" && (
          <span className="muted" data-testid="download-cancelled">
            {state.note}
          </span>
        )}
        {state.kind === "done" && (
          <span className="muted" data-testid="download-done">
            Downloaded and checked: <code>{state.id}</code> is ready.
          </span>
        )}
      </div>
      {failure && <ErrorNotice error={failure} />}
    </form>
  );
}
