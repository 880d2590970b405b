import { useCallback, useEffect, useState } from "react";
import { reportFailure } from "../errors";
import type { AppError, KnowledgeOverview } from "../ipc";
import { deleteFile, deleteVectorStore, knowledgeOverview, reindexVectorStoreFile } from "../ipc/knowledge";
import { anyIndexing } from "./status";

/** How often the page asks again while a file is being indexed. */
export const INDEXING_POLL_MS = 1000;

/** The Knowledge page's state: every file and store, asked again while something is indexing. */
export function useKnowledge() {
  const [overview, setOverview] = useState<KnowledgeOverview | null>(null);
  const [failure, setFailure] = useState<AppError | null>(null);
  // Bumped to read the overview again.
  const [generation, setGeneration] = useState(0);
  const refresh = useCallback(() => setGeneration((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    knowledgeOverview().then(
      (read) => {
        if (!live) return;
        setOverview(read);
        setFailure(null);
      },
      (error: unknown) => live && setFailure(reportFailure(error)),
    );
    return () => {
      live = false;
    };
  }, [generation]);

  const indexing = overview?.vector_stores.some((entry) => anyIndexing(entry.files)) ?? false;
  useEffect(() => {
    if (!indexing) return;
    const timer = window.setTimeout(refresh, INDEXING_POLL_MS);
    return () => window.clearTimeout(timer);
  }, [indexing, overview, refresh]);

  /** Runs an action, then reads the page again; a refusal is shown above the lists. */
  const act = useCallback(
    (action: () => Promise<unknown>) => {
      setFailure(null);
      action().then(refresh, (error: unknown) => {
        setFailure(reportFailure(error));
        refresh();
      });
    },
    [refresh],
  );

  return {
    overview,
    failure,
    refresh,
    removeFile: (fileId: string) => act(() => deleteFile(fileId)),
    removeStore: (storeId: string) => act(() => deleteVectorStore(storeId)),
    reindex: (storeId: string, fileId: string) => act(() => reindexVectorStoreFile(storeId, fileId)),
  };
}
