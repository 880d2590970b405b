import { useCallback, useEffect, useState } from "react";
import { reportFailure } from "../errors";
import { getFile, type AppError, type Assistant, type AssistantFileTool, type FileObject, type NamedStoreFile, type StoreSummary } from "../ipc";
import {
  addAssistantFile,
  chooseFiles,
  createAssistantVectorStore,
  knowledgeOverview,
  removeAssistantFile,
  setAssistantVectorStore,
  uploadFile,
  vectorStoreFiles,
} from "../ipc/knowledge";
import { anyIndexing } from "./status";
import { INDEXING_POLL_MS } from "./useKnowledge";

/** A file chosen in the dialog that is on its way, or that could not be added. */
export interface PendingUpload {
  key: string;
  name: string;
  tool: AssistantFileTool;
  /** Why it could not be added; `null` while it uploads. */
  failure: string | null;
}

/** The last path component, for showing a path the dialog gave. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/** The vector store an assistant searches, if any (assistants have at most one). */
export function assistantStoreId(assistant: Assistant): string | null {
  return assistant.tool_resources?.file_search?.vector_store_ids?.[0] ?? null;
}

/** The files the code interpreter gets. */
export function codeFileIds(assistant: Assistant): string[] {
  return assistant.tool_resources?.code_interpreter?.file_ids ?? [];
}

let uploadCount = 0;

/**
 * An assistant's tool resources in the editor: its vector store's files with their indexing
 * status (asked again while any is indexing), the code interpreter's files, and adding files
 * through the open dialog, removing them, and choosing or creating the store.
 */
export function useAssistantFiles(saved: Assistant) {
  const [assistant, setAssistant] = useState(saved);
  const storeId = assistantStoreId(assistant);
  const codeIds = codeFileIds(assistant).join(",");
  const [storeFiles, setStoreFiles] = useState<NamedStoreFile[]>([]);
  const [codeFiles, setCodeFiles] = useState<FileObject[]>([]);
  const [stores, setStores] = useState<StoreSummary[]>([]);
  const [pending, setPending] = useState<PendingUpload[]>([]);
  const [failure, setFailure] = useState<AppError | null>(null);
  const [generation, setGeneration] = useState(0);
  const refresh = useCallback(() => setGeneration((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    const read = storeId ? vectorStoreFiles(storeId) : Promise.resolve([]);
    read.then(
      (files) => live && setStoreFiles(files),
      (error: unknown) => live && setFailure(reportFailure(error)),
    );
    return () => {
      live = false;
    };
  }, [storeId, generation]);

  useEffect(() => {
    let live = true;
    const ids = codeIds ? codeIds.split(",") : [];
    Promise.all(ids.map((id) => getFile(id))).then(
      (files) => live && setCodeFiles(files),
      (error: unknown) => live && setFailure(reportFailure(error)),
    );
    return () => {
      live = false;
    };
  }, [codeIds]);

  useEffect(() => {
    let live = true;
    knowledgeOverview().then(
      (overview) => live && setStores(overview.vector_stores.map((entry) => entry.store)),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [storeId]);

  const indexing = anyIndexing(storeFiles);
  useEffect(() => {
    if (!indexing) return;
    const timer = window.setTimeout(refresh, INDEXING_POLL_MS);
    return () => window.clearTimeout(timer);
  }, [indexing, storeFiles, refresh]);

  /** Applies an assistant a command answered with, then reads the files again. */
  const changed = useCallback(
    (updated: Assistant) => {
      setAssistant(updated);
      refresh();
    },
    [refresh],
  );

  const run = (action: () => Promise<Assistant>) => {
    setFailure(null);
    action().then(changed, (error: unknown) => setFailure(reportFailure(error)));
  };

  /** Uploads one path and gives it to `tool`; a refusal stays listed with its reason. */
  const addPath = async (path: string, tool: AssistantFileTool) => {
    const key = `upload-${++uploadCount}`;
    setPending((list) => [...list, { key, name: baseName(path), tool, failure: null }]);
    try {
      const file = await uploadFile(path);
      changed(await addAssistantFile(assistant.id, file.id, tool));
      setPending((list) => list.filter((entry) => entry.key !== key));
    } catch (error) {
      const reason = reportFailure(error).message;
      setPending((list) => list.map((entry) => (entry.key === key ? { ...entry, failure: reason } : entry)));
    }
  };

  /** Opens the dialog and adds every file chosen, one after another (a store takes one at a time). */
  const addFiles = async (tool: AssistantFileTool) => {
    setFailure(null);
    const title = tool === "file_search" ? "Add documents to search" : "Add files for the code interpreter";
    let paths: string[];
    try {
      paths = await chooseFiles(title);
    } catch (error) {
      setFailure(reportFailure(error));
      return;
    }
    for (const path of paths) await addPath(path, tool);
  };

  return {
    assistant,
    storeId,
    storeFiles,
    codeFiles,
    stores,
    pending,
    failure,
    addFiles,
    addPath,
    dismiss: (key: string) => setPending((list) => list.filter((entry) => entry.key !== key)),
    removeFile: (fileId: string, tool: AssistantFileTool) => run(() => removeAssistantFile(assistant.id, fileId, tool)),
    chooseStore: (id: string | null) => run(() => setAssistantVectorStore(assistant.id, id)),
    createStore: () => run(() => createAssistantVectorStore(assistant.id)),
  };
}
