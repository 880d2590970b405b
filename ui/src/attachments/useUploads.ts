import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";
import { reportFailure } from "../errors";
import {
  describeLocalFiles,
  discardUpload,
  indexingStatus,
  unindexFile,
  uploadLocalFile,
  type IndexingView,
} from "../ipc";
import { sortDropped, type AttachTool, type RefusedFile } from "./fileKinds";
import { UploadList } from "./uploadLists";
import { newUpload, uploadsReducer, type Upload, type UploadAction } from "./uploads";

/** How often a file being indexed is asked about. */
const POLL_MS = 500;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Uploads {
  uploads: Upload[];
  /** Drops refused before upload, with their reasons, until dismissed. */
  refused: RefusedFile[];
  /** Checks dropped or chosen paths and uploads the usable ones. */
  add: (paths: string[]) => Promise<void>;
  /** Tries a failed file again from where it failed (upload, or indexing). */
  retry: (key: string) => void;
  /** Takes a file off the list and deletes its upload. */
  remove: (key: string) => void;
  /** Takes a file off the list, keeping its upload (it was sent, or is in an assistant's store). */
  dismiss: (key: string) => void;
  /** Sends a file to the other tool. */
  switchTool: (key: string, tool: AttachTool) => void;
  /** Empties the list after the message went with the files. */
  sent: () => void;
  dismissRefused: () => void;
}

/**
 * Files on their way to a message or an assistant: each uploads from its path (one at a time, with
 * progress), then — when it is for file search — is indexed through `index` and watched until ready
 * or failed. `tool` fixes the tool every file goes to (an assistant's knowledge is file search).
 * `list` is where the files are kept (see `keptUploadList`); each use has its own when not given.
 * Uploads and indexing go on when the view is closed; a view that opens the list again shows them.
 */
export function useUploads(index: (fileId: string) => Promise<IndexingView>, tool?: AttachTool, list?: UploadList): Uploads {
  const [own] = useState(() => list ?? new UploadList());
  // The list is changed first and rendered after: the async steps below check it when they resume,
  // and a copy kept in step by an effect could still be one render behind then.
  const uploads = useSyncExternalStore(own.subscribe, own.get);
  const dispatch = useCallback((action: UploadAction) => own.set(uploadsReducer(own.get(), action)), [own]);
  const [refused, setRefused] = useState<RefusedFile[]>([]);
  const indexRef = useRef(index);
  const queue = useRef<Promise<void>>(Promise.resolve());
  useEffect(() => {
    indexRef.current = index;
  });

  const find = useCallback((key: string) => own.get().find((upload) => upload.key === key), [own]);

  const watchIndexing = useCallback(async (key: string, fileId: string) => {
    try {
      let file = await indexRef.current(fileId);
      dispatch({ type: "indexing", key, file });
      while (file.state === "in_progress") {
        await pause(POLL_MS);
        if (find(key)?.tool !== "file_search") return;
        file = await indexingStatus(file.vectorStoreId, fileId);
        dispatch({ type: "indexing", key, file });
      }
    } catch (failure) {
      dispatch({ type: "failed", key, error: reportFailure(failure) });
    }
  }, [dispatch, find]);

  const upload = useCallback(
    async (key: string, path: string) => {
      try {
        const file = await uploadLocalFile(path, (progress) => dispatch({ type: "progress", key, sent: progress.sent ?? 0 }));
        if (!find(key)) {
          // Removed while it uploaded: nothing should keep it.
          void discardUpload(file.id).catch(() => undefined);
          return;
        }
        dispatch({ type: "uploaded", key, fileId: file.id });
        if (find(key)?.tool === "file_search") void watchIndexing(key, file.id);
      } catch (failure) {
        dispatch({ type: "failed", key, error: reportFailure(failure) });
      }
    },
    [dispatch, find, watchIndexing],
  );

  // Uploads go one after another, so each shows steady progress and the disk is read once at a time.
  const enqueue = useCallback(
    (key: string, path: string) => {
      queue.current = queue.current.then(() => (find(key) ? upload(key, path) : undefined));
    },
    [find, upload],
  );

  const add = useCallback(
    async (paths: string[]) => {
      if (paths.length === 0) return;
      const described = await describeLocalFiles(paths);
      const { accepted, refused: refusedNow } = sortDropped(described.files, described.uploadLimit, tool);
      setRefused(refusedNow);
      const added = accepted.map((file) => newUpload({ ...file, bytes: file.bytes ?? 0 }, tool));
      dispatch({ type: "added", uploads: added });
      for (const item of added) enqueue(item.key, item.path);
    },
    [dispatch, enqueue, tool],
  );

  const retry = useCallback(
    (key: string) => {
      const item = find(key);
      if (!item || item.phase !== "failed") return;
      dispatch({ type: "retrying", key });
      if (!item.fileId) enqueue(key, item.path);
      else if (item.tool === "file_search") void watchIndexing(key, item.fileId);
    },
    [dispatch, enqueue, find, watchIndexing],
  );

  const remove = useCallback(
    (key: string) => {
      const item = find(key);
      dispatch({ type: "removed", key });
      if (item?.fileId) void discardUpload(item.fileId).catch((failure: unknown) => reportFailure(failure));
    },
    [dispatch, find],
  );

  const dismiss = useCallback((key: string) => dispatch({ type: "removed", key }), [dispatch]);

  const switchTool = useCallback(
    (key: string, next: AttachTool) => {
      const item = find(key);
      if (!item || item.tool === next) return;
      dispatch({ type: "switched", key, tool: next });
      if (!item.fileId) return;
      if (next === "file_search") {
        void watchIndexing(key, item.fileId);
      } else if (item.vectorStoreId) {
        void unindexFile(item.vectorStoreId, item.fileId).catch((failure: unknown) => reportFailure(failure));
      }
    },
    [dispatch, find, watchIndexing],
  );

  const sent = useCallback(() => dispatch({ type: "sent" }), [dispatch]);
  const dismissRefused = useCallback(() => setRefused([]), []);

  return { uploads, refused, add, retry, remove, dismiss, switchTool, sent, dismissRefused };
}
