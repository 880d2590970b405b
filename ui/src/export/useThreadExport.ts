import { useCallback, useReducer } from "react";
import { reportFailure } from "../errors";
import { exportThread, importThread, type ExportFormat, type Thread } from "../ipc";
import { transferReducer, type TransferState } from "./exportState";

/** "Export…" of one thread: the save dialog, the write, and what came of it in words. */
export function useThreadExport(threadId: string): {
  state: TransferState;
  exportAs: (format: ExportFormat) => void;
  dismiss: () => void;
} {
  const [state, dispatch] = useReducer(transferReducer, { status: "idle" });
  const exportAs = useCallback(
    (format: ExportFormat) => {
      dispatch({ type: "start", what: "Exporting…" });
      exportThread(threadId, format).then(
        (path) => dispatch(path === null ? { type: "cancelled" } : { type: "exported", path }),
        (failure: unknown) => dispatch({ type: "failed", message: reportFailure(failure).message }),
      );
    },
    [threadId],
  );
  const dismiss = useCallback(() => dispatch({ type: "dismiss" }), []);
  return { state, exportAs, dismiss };
}

/** "Import thread…": the open dialog, the new thread, or why the file could not be read. */
export function useThreadImport(onImported: (thread: Thread) => void): {
  state: TransferState;
  start: () => void;
  dismiss: () => void;
} {
  const [state, dispatch] = useReducer(transferReducer, { status: "idle" });
  const start = useCallback(() => {
    dispatch({ type: "start", what: "Importing…" });
    importThread().then(
      (thread) => {
        if (thread === null) {
          dispatch({ type: "cancelled" });
          return;
        }
        dispatch({ type: "imported", title: thread.metadata?.title ?? "thread" });
        onImported(thread);
      },
      (failure: unknown) => dispatch({ type: "failed", message: reportFailure(failure).message }),
    );
  }, [onImported]);
  const dismiss = useCallback(() => dispatch({ type: "dismiss" }), []);
  return { state, start, dismiss };
}
