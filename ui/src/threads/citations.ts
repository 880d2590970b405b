// An answer's text made ready to show: citation markers (`【0:1†report.pdf】`) become numbered
// placeholders the Markdown view turns into buttons, and `sandbox:` links to files the code
// interpreter made become their labels, the files themselves shown as chips below the text.
import type { Annotation, FileSearchResult, RunStep } from "../ipc";
import { knownAnnotation, knownToolCall, toolCallsOf } from "./content";

/**
 * Brackets a citation's number in the prepared text: private-use characters no model writes, inside
 * the marker's own brackets, which Markdown treats as punctuation (so `**4%**【…】` stays bold).
 */
export const CITATION_OPEN = "【\uE000";
export const CITATION_CLOSE = "\uE001】";
const PLACEHOLDER_CHARS = ["\uE000", "\uE001"];

/** One cited source of an answer, numbered in order of first appearance. */
export interface Citation {
  number: number;
  fileId: string;
  /** The marker as the model wrote it. */
  marker: string;
  /** The file name the marker names, when it names one. */
  fileName: string | null;
  /** Which file_search call of the run (0 first), and which of its results, when the marker says. */
  search: number | null;
  result: number | null;
}

/** A file the answer links to (a `file_path` annotation). */
export interface LinkedFile {
  fileId: string;
  /** The name in the sandbox path, e.g. `summary.csv`. */
  name: string;
}

export interface PreparedText {
  source: string;
  citations: Citation[];
  files: LinkedFile[];
}

const MARKER = /^【(\d+):(\d+)†([^】]*)】$/;

/** The numbers and file name of a `【search:result†name】` marker; `null` for any other text. */
export function parseMarker(text: string): { search: number; result: number; fileName: string } | null {
  const match = MARKER.exec(text);
  if (!match) return null;
  return { search: Number(match[1]), result: Number(match[2]), fileName: match[3] ?? "" };
}

/** The last path component of a `sandbox:/mnt/data/<name>` link. */
function sandboxName(text: string): string {
  const path = text.replace(/^sandbox:/, "");
  return path.slice(path.lastIndexOf("/") + 1) || path;
}

/**
 * `value` with its annotations applied. Offsets count Unicode code points, as the API's do;
 * an annotation whose range does not fit the text, or overlaps an earlier one, is left as text.
 */
export function prepareText(value: string, annotations: Annotation[]): PreparedText {
  // A model cannot forge a citation button: the placeholder characters never survive from its text.
  const chars = Array.from(value).map((c) => (PLACEHOLDER_CHARS.includes(c) ? "\uFFFD" : c));
  const known = annotations
    .map(knownAnnotation)
    .filter((a) => a !== null)
    .sort((a, b) => a.start_index - b.start_index);
  const citations: Citation[] = [];
  const files: LinkedFile[] = [];
  let out = "";
  let cursor = 0;
  for (const annotation of known) {
    const { start_index: start, end_index: end } = annotation;
    if (start < cursor || end <= start || end > chars.length) continue;
    if (annotation.type === "file_citation") {
      const marker = chars.slice(start, end).join("");
      let citation = citations.find((c) => c.marker === marker && c.fileId === annotation.file_citation.file_id);
      if (!citation) {
        const parsed = parseMarker(marker);
        citation = {
          number: citations.length + 1,
          fileId: annotation.file_citation.file_id,
          marker,
          fileName: parsed?.fileName || null,
          search: parsed?.search ?? null,
          result: parsed?.result ?? null,
        };
        citations.push(citation);
      }
      out += chars.slice(cursor, start).join("") + CITATION_OPEN + String(citation.number) + CITATION_CLOSE;
      cursor = end;
    } else {
      const name = sandboxName(chars.slice(start, end).join(""));
      if (!files.some((f) => f.fileId === annotation.file_path.file_id)) {
        files.push({ fileId: annotation.file_path.file_id, name });
      }
      // `[label](sandbox:…)` becomes its label; a bare link becomes the file's name.
      const before = chars.slice(cursor, start).join("");
      const link = /\[([^\][]*)\]\($/.exec(before);
      if (link && chars[end] === ")") {
        out += before.slice(0, link.index) + (link[1] || name);
        cursor = end + 1;
      } else {
        out += before + name;
        cursor = end;
      }
    }
  }
  out += chars.slice(cursor).join("");
  return { source: out, citations, files };
}

/**
 * The passage a citation points at, from its run's steps: the result its marker numbers, else the
 * first result from the cited file.
 */
export function citedPassage(steps: RunStep[], citation: Citation): FileSearchResult | null {
  const searches = steps
    .flatMap(toolCallsOf)
    .map(knownToolCall)
    .flatMap((call) => (call?.type === "file_search" ? [call.file_search.results ?? []] : []));
  if (citation.search !== null && citation.result !== null) {
    const numbered = searches[citation.search]?.[citation.result];
    if (numbered?.file_id === citation.fileId) return numbered;
  }
  return searches.flat().find((result) => result.file_id === citation.fileId) ?? null;
}

/** The text of a search result: its content parts, when the steps were read with them. */
export function resultText(result: FileSearchResult): string | null {
  const parts = result.content?.map((part) => part.text) ?? [];
  return parts.length > 0 ? parts.join("\n") : null;
}
