// The files waiting to go with a message (or into an assistant's knowledge), as a pure reducer:
// each goes from uploading (with bytes sent) to indexing (file search only) to ready, or fails
// with the reason and can be retried from where it failed.
import type { AppError, IndexingView, MessageAttachment } from "../ipc";
import { defaultTool, toolCanUse, type AttachTool } from "./fileKinds";

/** Where a file is on its way. */
export type UploadPhase = "uploading" | "indexing" | "ready" | "failed";

/** One dropped or chosen file. */
export interface Upload {
  /** Stable for the list, unique per drop. */
  key: string;
  path: string;
  name: string;
  bytes: number;
  tool: AttachTool;
  phase: UploadPhase;
  /** Bytes sent so far. */
  sent: number;
  /** The uploaded file, once it is uploaded. */
  fileId: string | null;
  /** The vector store it is indexed in, once indexing started. */
  vectorStoreId: string | null;
  /** Why it failed, in words. */
  error: string | null;
}

export type UploadAction =
  | { type: "added"; uploads: Upload[] }
  | { type: "progress"; key: string; sent: number }
  | { type: "uploaded"; key: string; fileId: string }
  | { type: "indexing"; key: string; file: IndexingView }
  | { type: "failed"; key: string; error: AppError | string }
  | { type: "retrying"; key: string }
  | { type: "switched"; key: string; tool: AttachTool }
  | { type: "removed"; key: string }
  | { type: "sent" };

let counter = 0;

/** A new upload of `file` for its default tool (or `tool` when given, e.g. an assistant's knowledge). */
export function newUpload(file: { path: string; name: string; bytes: number }, tool?: AttachTool): Upload {
  counter += 1;
  return {
    key: `${counter}:${file.path}`,
    path: file.path,
    name: file.name,
    bytes: file.bytes,
    tool: tool ?? defaultTool(file.name),
    phase: "uploading",
    sent: 0,
    fileId: null,
    vectorStoreId: null,
    error: null,
  };
}

/** The status of a file in a vector store, as a phase and the reason when it failed. */
export function indexingPhase(file: IndexingView): { phase: UploadPhase; error: string | null } {
  switch (file.state) {
    case "completed":
      return { phase: "ready", error: null };
    case "in_progress":
      return { phase: "indexing", error: null };
    case "failed":
      return { phase: "failed", error: file.error ?? "Indexing failed." };
  }
}

function change(uploads: Upload[], key: string, update: (upload: Upload) => Upload): Upload[] {
  return uploads.map((upload) => (upload.key === key ? update(upload) : upload));
}

export function uploadsReducer(uploads: Upload[], action: UploadAction): Upload[] {
  switch (action.type) {
    case "added":
      return [...uploads, ...action.uploads];
    case "progress":
      return change(uploads, action.key, (u) => ({ ...u, sent: Math.max(u.sent, action.sent) }));
    case "uploaded":
      return change(uploads, action.key, (u) => ({
        ...u,
        fileId: action.fileId,
        sent: u.bytes,
        // Code needs no index: the file goes into the sandbox when the message runs.
        phase: u.tool === "file_search" ? "indexing" : "ready",
      }));
    case "indexing":
      return change(uploads, action.key, (u) =>
        // A status that arrives after the file was switched to code no longer applies.
        u.tool === "file_search" ? { ...u, vectorStoreId: action.file.vectorStoreId, ...indexingPhase(action.file) } : u,
      );
    case "failed":
      return change(uploads, action.key, (u) => ({
        ...u,
        phase: "failed",
        error: typeof action.error === "string" ? action.error : action.error.message,
      }));
    case "retrying":
      return change(uploads, action.key, (u) => ({
        ...u,
        phase: u.fileId ? (u.tool === "file_search" ? "indexing" : "ready") : "uploading",
        sent: u.fileId ? u.bytes : 0,
        error: null,
      }));
    case "switched":
      return change(uploads, action.key, (u) => {
        if (!toolCanUse(action.tool, u.name) || u.tool === action.tool) return u;
        const phase: UploadPhase = !u.fileId ? u.phase : action.tool === "file_search" ? "indexing" : "ready";
        return { ...u, tool: action.tool, phase, vectorStoreId: null, error: u.fileId ? null : u.error };
      });
    case "removed":
      return uploads.filter((upload) => upload.key !== action.key);
    case "sent":
      return [];
  }
}

/** Why the message cannot be sent with these files yet, or `null` when it can. */
export function notReadyReason(uploads: Upload[]): string | null {
  const failed = uploads.filter((u) => u.phase === "failed");
  if (failed.length > 0) return `Retry or remove ${failed.map((u) => u.name).join(", ")} first.`;
  const uploading = uploads.filter((u) => u.phase === "uploading");
  if (uploading.length > 0) return `Wait until ${uploading.map((u) => u.name).join(", ")} has uploaded.`;
  return null;
}

/**
 * The text of a message sent with files and nothing typed: their names, so the thread (and the
 * model) shows what was given.
 */
export function attachedFilesText(uploads: Upload[]): string {
  return `Attached: ${uploads.map((u) => u.name).join(", ")}`;
}

/** The message's attachments: every uploaded file, with the tool it goes to. */
export function attachmentsOf(uploads: Upload[]): MessageAttachment[] {
  return uploads.flatMap((u) => (u.fileId ? [{ file_id: u.fileId, tools: [{ type: u.tool }] }] : []));
}
