// The only place the UI talks to Rust. Views import from here, never from @tauri-apps directly.
import { Channel } from "@tauri-apps/api/core";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { open as openDialog } from "@tauri-apps/plugin-dialog";
import { openUrl } from "@tauri-apps/plugin-opener";
import type { LoadedMessages } from "../threads/messageWindow";
import {
  commands,
  events,
  type ApiServerView,
  type AppError,
  type AppInfo,
  type Assistant,
  type CodeRuntimeProgress,
  type CodeRuntimeView,
  type Connection,
  type CreateAssistantRequest,
  type DownloadProgressView,
  type ExportFormat,
  type FileObject,
  type LocalFiles,
  type LocalModelList,
  type LocalModelView,
  type Message,
  type MessageAttachment,
  type MessageAnchor,
  type MessageHit,
  type ModelGroup,
  type ModifyAssistantRequest,
  type ProfileInfo,
  type ProviderName,
  type ProviderStatus,
  type Run,
  type RunEvent,
  type RunStep,
  type SetupOffers,
  type Thread,
  type ThreadSummary,
  type ToolOutput,
  type UploadProgressView,
  type IndexingView,
} from "./bindings";

// Every type the window exchanges with Rust, generated from the Rust types (`scripts/bindings.sh`).
export type * from "./bindings";
export type * from "./known";
// Shorter names the views use.
export type {
  MessageAnchor as Anchor,
  DownloadProgressView as DownloadProgress,
  LocalModelList as LocalModels,
  MessageHit as SearchHit,
};

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: AppError };

/** Turns anything a command rejected with into the one error shape views handle. */
export function toAppError(error: unknown): AppError {
  if (typeof error === "object" && error !== null && "code" in error && "message" in error) {
    return error as AppError;
  }
  // Framework failures (a denied permission, a malformed argument) arrive as plain strings.
  return { code: "internal", message: error instanceof Error ? error.message : String(error) };
}

/** A command's answer, or its error thrown in the one shape views handle. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch (error) {
    throw toAppError(error);
  }
  if (result.status === "error") throw toAppError(result.error);
  return result.data;
}

function channel(onEvent: (event: RunEvent) => void): Channel<RunEvent> {
  const events = new Channel<RunEvent>();
  events.onmessage = onEvent;
  return events;
}

// ----- app and profiles -----

export const getAppInfo = (): Promise<AppInfo> => unwrap(commands.appInfo());
export const listProfiles = (): Promise<ProfileInfo[]> => commands.listProfiles();
export const switchProfile = (id: string): Promise<null> => unwrap(commands.useProfile(id));
export const addRemoteProfile = (name: string, baseUrl: string, token: string | null): Promise<ProfileInfo> =>
  unwrap(commands.addRemoteProfile(name, baseUrl, token));
export const removeRemoteProfile = (id: string): Promise<null> => unwrap(commands.removeRemoteProfile(id));
export const checkConnection = (): Promise<Connection> => unwrap(commands.checkConnection());

// ----- providers -----

export const listProviders = (): Promise<ProviderStatus[]> => unwrap(commands.listProviders());
export const setProviderKey = (name: ProviderName, key: string): Promise<null> =>
  unwrap(commands.setProviderKey(name, key));
export const removeProviderKey = (name: ProviderName): Promise<null> => unwrap(commands.removeProviderKey(name));
export const setProviderUrl = (name: ProviderName, url: string | null, moveKey = false): Promise<null> =>
  unwrap(commands.setProviderUrl(name, url, moveKey));
export const testProvider = (name: ProviderName, baseUrl: string | null, key: string | null): Promise<string[]> =>
  unwrap(commands.testProvider(name, baseUrl, key));
export const detectOllama = (): Promise<boolean> => commands.detectOllama();
export const listLocalModels = (): Promise<LocalModelList> => unwrap(commands.listLocalModels());
export const removeLocalModel = (id: string): Promise<null> => unwrap(commands.removeLocalModel(id));
export const addLocalModel = (path: string): Promise<LocalModelView> => unwrap(commands.addLocalModel(path));
export const downloadLocalModel = (
  url: string,
  fileName: string,
  sha256: string | null,
  allowHttp: boolean,
  onProgress: (progress: DownloadProgressView) => void,
): Promise<LocalModelView> => {
  const progress = new Channel<DownloadProgressView>();
  progress.onmessage = onProgress;
  return unwrap(commands.downloadLocalModel(url, fileName, sha256, allowHttp, progress));
};
export const cancelLocalDownload = (fileName: string): Promise<boolean> => commands.cancelLocalDownload(fileName);

// ----- the code interpreter's Python runtime -----

export const codeRuntimeStatus = (): Promise<CodeRuntimeView> => unwrap(commands.codeRuntimeStatus());
export const installCodeRuntime = (onProgress: (progress: CodeRuntimeProgress) => void): Promise<CodeRuntimeView> => {
  const progress = new Channel<CodeRuntimeProgress>();
  progress.onmessage = onProgress;
  return unwrap(commands.installCodeRuntime(progress));
};
export const cancelCodeRuntimeInstall = (): Promise<boolean> => commands.cancelCodeRuntimeInstall();

/** Asks for a GGUF file with the system's open-file dialog; `null` when the person cancels. */
export async function chooseModelFile(): Promise<string | null> {
  const chosen = await openDialog({
    title: "Add a GGUF model",
    multiple: false,
    directory: false,
    filters: [{ name: "GGUF model", extensions: ["gguf"] }],
  });
  return typeof chosen === "string" ? chosen : null;
}

/** Opens a web or mail link in the system's browser or mail app (the window never navigates). */
export const openLink = (url: string): Promise<void> => openUrl(url);

export const listModels = (): Promise<ModelGroup[]> => unwrap(commands.listModels());

// ----- assistants -----

export const listAssistants = (): Promise<Assistant[]> => unwrap(commands.listAssistants());
export const createAssistant = (body: CreateAssistantRequest): Promise<Assistant> =>
  unwrap(commands.createAssistant(body));
export const modifyAssistant = (id: string, body: ModifyAssistantRequest): Promise<Assistant> =>
  unwrap(commands.modifyAssistant(id, body));
export const deleteAssistant = (id: string): Promise<null> => unwrap(commands.deleteAssistant(id));

// ----- threads, messages, drafts -----

export const listThreads = (assistantId: string | null): Promise<ThreadSummary[]> =>
  unwrap(commands.listThreads(assistantId));
export const createThread = (): Promise<Thread> => unwrap(commands.createThread());
export const renameThread = (id: string, title: string): Promise<null> => unwrap(commands.renameThread(id, title));
export const deleteThread = (id: string): Promise<null> => unwrap(commands.deleteThread(id));
/** At most `limit` consecutive messages of a thread placed by `anchor`, oldest first. */
export const listMessages = (threadId: string, anchor: MessageAnchor, limit: number): Promise<LoadedMessages> =>
  unwrap(commands.listMessages(threadId, anchor, limit));
export const getDraft = (key: string): Promise<string | null> => unwrap(commands.getDraft(key));
export const setDraft = (key: string, text: string): Promise<null> => unwrap(commands.setDraft(key, text));

// ----- runs -----

export const addMessage = (threadId: string, text: string, attachments: MessageAttachment[] = []): Promise<Message> =>
  unwrap(commands.addMessage(threadId, text, attachments));
export const startRun = (threadId: string, assistantId: string, onEvent: (event: RunEvent) => void): Promise<null> =>
  unwrap(commands.startRun(threadId, assistantId, channel(onEvent)));
export const submitToolOutputs = (
  threadId: string,
  runId: string,
  outputs: ToolOutput[],
  onEvent: (event: RunEvent) => void,
): Promise<null> => unwrap(commands.submitToolOutputs(threadId, runId, outputs, channel(onEvent)));
export const cancelRun = (threadId: string, runId: string): Promise<Run> => unwrap(commands.cancelRun(threadId, runId));
export const listRuns = (threadId: string): Promise<Run[]> => unwrap(commands.listRuns(threadId));
export const listRunSteps = (threadId: string, runId: string): Promise<RunStep[]> =>
  unwrap(commands.listRunSteps(threadId, runId));

// ----- search -----

export const searchMessages = (query: string, assistantId: string | null): Promise<MessageHit[]> =>
  unwrap(commands.searchMessages(query, assistantId));

// ----- files in answers -----

/** A file's name, size and purpose. */
export const getFile = (fileId: string): Promise<FileObject> => unwrap(commands.fileInfo(fileId));

/** The image type of `bytes` from their signature; charts the code interpreter makes are PNG. */
function imageType(bytes: Uint8Array): string {
  const starts = (...signature: number[]) => signature.every((byte, i) => bytes[i] === byte);
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x47, 0x49, 0x46)) return "image/gif";
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57) return "image/webp";
  return "image/png";
}

/** An image file's bytes as a Blob (the backend keeps a remote profile's copy on disk). */
export async function getImage(fileId: string): Promise<Blob> {
  const encoded = await unwrap(commands.fileContentBase64(fileId));
  const text = atob(encoded);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new Blob([bytes], { type: imageType(bytes) });
}

/**
 * Asks where to save a file in the system's save dialog (suggesting its own name) and writes it
 * there; the saved path, or `null` when the person cancelled.
 */
export const saveFileAs = (fileId: string): Promise<string | null> => unwrap(commands.saveFileAs(fileId));

// ----- documents dropped or chosen for a message or an assistant -----

/** What each dropped or chosen path is (name, size, folder or not), and the upload limit. */
export const describeLocalFiles = (paths: string[]): Promise<LocalFiles> => unwrap(commands.describeLocalFiles(paths));
/** Uploads the file at `path` from disk (the window never reads its bytes), reporting progress. */
export const uploadLocalFile = (path: string, onProgress: (progress: UploadProgressView) => void): Promise<FileObject> => {
  const progress = new Channel<UploadProgressView>();
  progress.onmessage = onProgress;
  return unwrap(commands.uploadLocalFile(path, progress));
};
/** Deletes an uploaded file that will not be sent after all. */
export const discardUpload = (fileId: string): Promise<null> => unwrap(commands.discardUpload(fileId));
/** Indexes an uploaded file in the thread's vector store (made when missing). */
export const indexForThread = (threadId: string, fileId: string): Promise<IndexingView> =>
  unwrap(commands.indexForThread(threadId, fileId));
/** Indexes an uploaded file in the assistant's vector store (made when missing), turning file search on. */
export const indexForAssistant = (assistantId: string, fileId: string): Promise<IndexingView> =>
  unwrap(commands.indexForAssistant(assistantId, fileId));
/** A file's indexing status in a vector store. */
export const indexingStatus = (vectorStoreId: string, fileId: string): Promise<IndexingView> =>
  unwrap(commands.indexingStatus(vectorStoreId, fileId));
/** Takes a file out of a vector store. */
export const unindexFile = (vectorStoreId: string, fileId: string): Promise<null> =>
  unwrap(commands.unindexFile(vectorStoreId, fileId));

/** Asks for documents with the system's open-file dialog (several at once); `[]` when cancelled. */
export async function chooseDocuments(): Promise<string[]> {
  const chosen = await openDialog({ title: "Attach files", multiple: true, directory: false });
  if (chosen === null) return [];
  return Array.isArray(chosen) ? chosen : [chosen];
}

/** Where a drag over the window is, in CSS pixels of the page. */
export interface DropPoint {
  x: number;
  y: number;
}

/** What a drag of files over the window does, as the page sees it. */
export type FileDrag =
  | { type: "over"; point: DropPoint }
  | { type: "drop"; paths: string[]; point: DropPoint }
  | { type: "leave" };

/** Calls `onDrag` as files are dragged over and dropped on the window; returns the unsubscribe. */
export function onFileDrag(onDrag: (drag: FileDrag) => void): () => void {
  const stop = getCurrentWebview().onDragDropEvent((event) => {
    const payload = event.payload;
    if (payload.type === "leave") {
      onDrag({ type: "leave" });
      return;
    }
    // The window reports physical pixels; the page lays out in CSS pixels.
    const scale = window.devicePixelRatio || 1;
    const point = { x: payload.position.x / scale, y: payload.position.y / scale };
    if (payload.type === "drop") onDrag({ type: "drop", paths: payload.paths, point });
    else onDrag({ type: "over", point });
  });
  return () => void stop.then((unlisten) => unlisten(), () => undefined);
}
// ----- the downloads a fresh install offers -----

export const setupOffers = (): Promise<SetupOffers> => unwrap(commands.setupOffers());
export const downloadDefaultModel = (onProgress: (progress: DownloadProgressView) => void): Promise<LocalModelView> => {
  const progress = new Channel<DownloadProgressView>();
  progress.onmessage = onProgress;
  return unwrap(commands.downloadDefaultModel(progress));
};
export const installEmbedder = (onProgress: (progress: DownloadProgressView) => void): Promise<SetupOffers> => {
  const progress = new Channel<DownloadProgressView>();
  progress.onmessage = onProgress;
  return unwrap(commands.installEmbedder(progress));
};
// ----- exporting and importing threads -----

/**
 * Asks where to export a thread in the system's save dialog and writes it there as Markdown (with
 * an images folder), JSON (re-importable) or one HTML page; the saved path, or `null` when cancelled.
 */
export const exportThread = (threadId: string, format: ExportFormat): Promise<string | null> =>
  unwrap(commands.exportThread(threadId, format));

/** Asks for a JSON thread export in the open dialog and makes it a new thread; `null` when cancelled. */
export const importThread = (): Promise<Thread | null> => unwrap(commands.importThread());
// ----- the app's own API server ("Let programs on this computer use Hearth") -----

export const apiServerStatus = (): Promise<ApiServerView> => unwrap(commands.apiServerStatus());
export const startApiServer = (): Promise<ApiServerView> => unwrap(commands.startApiServer());
export const stopApiServer = (): Promise<ApiServerView> => unwrap(commands.stopApiServer());
export const newApiServerToken = (): Promise<ApiServerView> => unwrap(commands.newApiServerToken());

/** Calls `onChange` when a program changed something through the app's API server; returns the unsubscribe. */
export function onDataChanged(onChange: () => void): () => void {
  // Without Tauri (unit tests) there is nothing to listen to, and nothing to report.
  const stop = events.dataChanged.listen(() => onChange()).catch(() => null);
  return () => void stop.then((unlisten) => unlisten?.());
}
