// Which tool a dropped file goes to, and which drops are refused before anything is uploaded.
import type { LocalFile } from "../ipc";

/** The tool a file is attached for: searched as a document, or read by code as data. */
export type AttachTool = "file_search" | "code_interpreter";

// Everything else (PDF, Word, PowerPoint, HTML, Markdown, text, code) goes to file search, whose
// readers take any text; a binary file of an unknown kind fails its indexing with the reason.

/** Tables and records: the code interpreter reads these; file search can too. */
const DATA = new Set(["csv", "tsv", "xlsx", "xlsm", "json", "jsonl", "ndjson"]);

/** Only code can use these (pictures, archives, binary tables). */
const CODE_ONLY = new Set([
  "png", "jpg", "jpeg", "gif", "webp", "bmp", "tif", "tiff", "svg",
  "zip", "tar", "gz", "tgz", "bz2", "xz", "7z", "parquet", "feather", "xls", "ods", "npy", "npz", "pkl", "h5",
]);

/** What neither tool can use, by the word people know them by. */
const UNUSABLE: Record<string, string> = {
  video: "mp4 m4v mkv mov avi webm wmv flv mpg mpeg 3gp ogv",
  "audio file": "mp3 wav flac ogg oga m4a aac wma opus aiff",
  program: "exe dll so dylib bin msi com app apk appimage deb rpm jar class o a pyc wasm",
  "disk image": "iso img dmg vhd vmdk qcow2",
  "font file": "ttf otf woff woff2",
};

/** The lower-case extension of a file name, or "" without one. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

function unusableKind(extension: string): string | null {
  for (const [kind, extensions] of Object.entries(UNUSABLE)) {
    if (extensions.split(" ").includes(extension)) return kind;
  }
  return null;
}

/** The tool a file goes to unless the person switches it: data files to code, the rest to search. */
export function defaultTool(name: string): AttachTool {
  const extension = extensionOf(name);
  return DATA.has(extension) || CODE_ONLY.has(extension) ? "code_interpreter" : "file_search";
}

/** Whether `tool` can use the file; file search cannot read pictures, archives or binary tables. */
export function toolCanUse(tool: AttachTool, name: string): boolean {
  return tool === "code_interpreter" || !CODE_ONLY.has(extensionOf(name));
}

/** How a tool is named on a chip. */
export function toolLabel(tool: AttachTool): string {
  return tool === "file_search" ? "File search" : "Code interpreter";
}

/** A byte count in the unit people think in. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(1)} GB`;
}

/**
 * Why a dropped path cannot be attached, or `null` when it can: a folder, something unreadable,
 * an empty file, one past the upload limit (`limit` in bytes, `null` when the server does not say),
 * a kind neither tool can use, or one that `only` (the one tool the files go to) cannot use.
 */
export function refusal(file: LocalFile, limit: number | null, only?: AttachTool): string | null {
  if (file.unreadable) return `it cannot be read (${file.unreadable})`;
  if (file.folder) return "it is a folder; drop the files inside it instead";
  const kind = unusableKind(extensionOf(file.name));
  if (kind) return `it is a ${kind}, which neither file search nor the code interpreter can use`;
  if (only && !toolCanUse(only, file.name)) {
    return `${toolLabel(only).toLowerCase()} cannot read .${extensionOf(file.name)} files`;
  }
  // Sizes cross as JSON numbers, which the generated type allows to be null.
  const bytes = file.bytes ?? 0;
  if (bytes === 0) return "it is empty";
  if (limit !== null && bytes > limit) {
    return `it is too large (${sizeText(bytes)}; the largest upload is ${sizeText(limit)})`;
  }
  return null;
}

/** A refused drop as the window lists it. */
export interface RefusedFile {
  name: string;
  reason: string;
}

/** Splits dropped paths into those to upload and those refused with their reasons. */
export function sortDropped(
  files: LocalFile[],
  limit: number | null,
  only?: AttachTool,
): { accepted: LocalFile[]; refused: RefusedFile[] } {
  const accepted: LocalFile[] = [];
  const refused: RefusedFile[] = [];
  for (const file of files) {
    const reason = refusal(file, limit, only);
    if (reason) refused.push({ name: file.name, reason });
    else accepted.push(file);
  }
  return { accepted, refused };
}
