// Files and vector stores: the Knowledge page, an assistant's tool files, a cited passage's place.
// Files are uploaded by path: Rust reads the bytes, the window never holds them.
import { open as openDialog } from "@tauri-apps/plugin-dialog";
import {
  commands,
  type Assistant,
  type AssistantFileTool,
  type FileObject,
  type KnowledgeOverview,
  type NamedStoreFile,
  type PassagePlace,
  type ScoredChunk,
} from "./bindings";
import { unwrap } from "./index";

export const knowledgeOverview = (): Promise<KnowledgeOverview> => unwrap(commands.knowledgeOverview());
export const uploadFile = (path: string): Promise<FileObject> => unwrap(commands.uploadFile(path));
export const deleteFile = (fileId: string): Promise<null> => unwrap(commands.deleteFile(fileId));
export const deleteVectorStore = (vectorStoreId: string): Promise<null> =>
  unwrap(commands.deleteVectorStore(vectorStoreId));
export const vectorStoreFiles = (vectorStoreId: string): Promise<NamedStoreFile[]> =>
  unwrap(commands.vectorStoreFiles(vectorStoreId));
export const reindexVectorStoreFile = (vectorStoreId: string, fileId: string): Promise<NamedStoreFile> =>
  unwrap(commands.reindexVectorStoreFile(vectorStoreId, fileId));
export const searchVectorStore = (vectorStoreId: string, query: string): Promise<ScoredChunk[]> =>
  unwrap(commands.searchVectorStore(vectorStoreId, query));
export const passagePlace = (fileId: string, text: string): Promise<PassagePlace | null> =>
  unwrap(commands.passagePlace(fileId, text));
export const addAssistantFile = (assistantId: string, fileId: string, tool: AssistantFileTool): Promise<Assistant> =>
  unwrap(commands.addAssistantFile(assistantId, fileId, tool));
export const removeAssistantFile = (assistantId: string, fileId: string, tool: AssistantFileTool): Promise<Assistant> =>
  unwrap(commands.removeAssistantFile(assistantId, fileId, tool));
export const setAssistantVectorStore = (assistantId: string, vectorStoreId: string | null): Promise<Assistant> =>
  unwrap(commands.setAssistantVectorStore(assistantId, vectorStoreId));
export const createAssistantVectorStore = (assistantId: string): Promise<Assistant> =>
  unwrap(commands.createAssistantVectorStore(assistantId));

/** Asks for documents with the system's open-file dialog (several at once); `[]` when cancelled. */
export async function chooseFiles(title: string): Promise<string[]> {
  const chosen = await openDialog({ title, multiple: true, directory: false });
  if (chosen === null) return [];
  return Array.isArray(chosen) ? chosen : [chosen];
}
