import { useCallback, useState } from "react";
import { reportFailure } from "../errors";
import { saveFileAs } from "../ipc";

export type SaveState =
  | { status: "idle" }
  | { status: "saving" }
  | { status: "saved"; path: string }
  | { status: "failed"; message: string };

/** "Save as…" for one file: the dialog, the write, and what came of it in words. */
export function useSaveFile(fileId: string): { state: SaveState; save: () => void } {
  const [state, setState] = useState<SaveState>({ status: "idle" });
  const save = useCallback(() => {
    setState({ status: "saving" });
    saveFileAs(fileId).then(
      (path) => setState(path === null ? { status: "idle" } : { status: "saved", path }),
      (failure: unknown) => setState({ status: "failed", message: reportFailure(failure).message }),
    );
  }, [fileId]);
  return { state, save };
}
