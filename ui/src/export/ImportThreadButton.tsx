import type { Thread } from "../ipc";
import { TransferStatus } from "./TransferStatus";
import { useThreadImport } from "./useThreadExport";

/** "Import…": a thread exported as JSON becomes a new thread of the profile in use. */
export function ImportThreadButton({ onImported, disabled }: { onImported: (thread: Thread) => void; disabled: boolean }) {
  const { state, start, dismiss } = useThreadImport(onImported);
  return (
    <>
      <button
        type="button"
        className="small"
        title="Import a thread exported as JSON"
        onClick={start}
        disabled={disabled || state.status === "busy"}
        data-testid="import-thread"
      >
        Import…
      </button>
      {state.status !== "idle" && (
        <div className="import-status">
          <TransferStatus state={state} onDismiss={dismiss} testId="import-status" />
        </div>
      )}
    </>
  );
}
