import type { TransferState } from "./exportState";

/** Where an export or import went, or why it could not, with a way to close the note. */
export function TransferStatus({ state, onDismiss, testId }: { state: TransferState; onDismiss: () => void; testId: string }) {
  if (state.status === "idle") return null;
  if (state.status === "busy") {
    return (
      <span className="transfer-status muted small-text" role="status" data-testid={testId}>
        {state.what}
      </span>
    );
  }
  return (
    <span
      className={state.status === "failed" ? "transfer-status danger-text small-text" : "transfer-status muted small-text"}
      role={state.status === "failed" ? "alert" : "status"}
      data-testid={testId}
      data-status={state.status}
    >
      <span className="transfer-message" title={state.message}>
        {state.message}
      </span>
      <button type="button" className="small link" aria-label="Close" onClick={onDismiss}>
        ×
      </button>
    </span>
  );
}
