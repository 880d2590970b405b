import { useCallback } from "react";
import { reportFailure } from "../errors";
import { indexForAssistant } from "../ipc";
import { useFileDrop } from "./useFileDrop";
import { useUploads, type Uploads } from "./useUploads";

/** The drop zone of one assistant, matched against what is under a drop. */
export function assistantDropZone(assistantId: string): string {
  return `[data-drop-assistant="${CSS.escape(assistantId)}"]`;
}

export interface AssistantUploads {
  uploads: Uploads;
  /** Whether files are being dragged over the assistant. */
  dragOver: boolean;
  /** Uploads these paths into the assistant's knowledge (the editor's "Add files" can call it). */
  add: (paths: string[]) => void;
}

/**
 * Documents given to an assistant: dropped on it (in the sidebar), uploaded, and indexed in its own
 * vector store, which is made when it has none; its file_search is turned on. `onChanged` hears when
 * the assistant itself changed (a new store, the tool turned on), to reload it.
 */
export function useAssistantUploads(assistantId: string, onChanged: () => void): AssistantUploads {
  const index = useCallback(
    async (fileId: string) => {
      const file = await indexForAssistant(assistantId, fileId);
      onChanged();
      return file;
    },
    [assistantId, onChanged],
  );
  const uploads = useUploads(index, "file_search");
  const { add: addPaths } = uploads;
  const add = useCallback(
    (paths: string[]) => void addPaths(paths).catch((failure: unknown) => reportFailure(failure)),
    [addPaths],
  );
  const over = useFileDrop(assistantDropZone(assistantId), add);
  return { uploads, dragOver: over !== null, add };
}
