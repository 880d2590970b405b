import { useSaveFile } from "../files/useSaveFile";

/** "Save … as…" through the system's save dialog, then where it went or why it could not. */
export function SaveFileButton({ fileId, label }: { fileId: string; label: string }) {
  const { state, save } = useSaveFile(fileId);
  return (
    <span className="save-file">
      <button type="button" className="small" onClick={save} disabled={state.status === "saving"}>
        {label}
      </button>
      {state.status === "saved" && (
        <span className="muted small-text" role="status">
          Saved to {state.path}
        </span>
      )}
      {state.status === "failed" && (
        <span className="danger-text small-text" role="alert">
          {state.message}
        </span>
      )}
    </span>
  );
}
