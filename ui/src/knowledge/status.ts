// How files and vector stores read on the Knowledge page and in the assistant editor: a file's
// indexing status in words, a passage's page or section, who uses something. Pure, so unit-tested.
import type { NamedStoreFile, PassagePlace, StoreFile, StoreSummary, UsedBy } from "../ipc";

/** A vector store file's indexing status as a person reads it. */
export interface StatusWords {
  /** What the badge shows. */
  label: string;
  /** Why it failed, in the engine's words; `null` unless it failed. */
  reason: string | null;
  /** Which badge colour. */
  tone: "busy" | "ready" | "failed" | "quiet";
}

/** The status of a file in a vector store: indexing, ready, or failed with the reason. */
export function fileStatus(file: StoreFile): StatusWords {
  switch (file.status) {
    case "in_progress":
      return { label: "Indexing…", reason: null, tone: "busy" };
    case "completed":
      return { label: "Ready", reason: null, tone: "ready" };
    case "failed":
      return { label: "Failed", reason: file.last_error?.message ?? "The reason was not recorded.", tone: "failed" };
    case "cancelled":
      return { label: "Cancelled", reason: null, tone: "quiet" };
    default:
      return { label: file.status, reason: null, tone: "quiet" };
  }
}

/** Whether any of `files` is still being indexed, so its status is worth asking for again. */
export function anyIndexing(files: (NamedStoreFile | StoreFile)[]): boolean {
  return files.some((file) => ("attachment" in file ? file.attachment : file).status === "in_progress");
}

/** A passage's page and section, e.g. `page 3 · Results`; `null` when neither is known. */
export function placeLabel(place: PassagePlace | null | undefined): string | null {
  if (!place) return null;
  const parts: string[] = [];
  if (place.page !== null) parts.push(`page ${place.page}`);
  if (place.heading) parts.push(place.heading);
  return parts.length > 0 ? parts.join(" · ") : null;
}

/** Who uses something, e.g. `Researcher, Writer · 2 threads`; `Not used` when nobody does. */
export function usedByLabel(assistants: UsedBy[], threads: UsedBy[]): string {
  const parts: string[] = [];
  if (assistants.length > 0) parts.push(assistants.map((a) => a.name).join(", "));
  if (threads.length === 1) parts.push(`thread “${threads[0]?.name ?? ""}”`);
  else if (threads.length > 1) parts.push(`${threads.length} threads`);
  return parts.length > 0 ? parts.join(" · ") : "Not used";
}

/** A store's file counts in words, e.g. `3 files: 2 ready, 1 indexing`. */
export function countsLabel(store: StoreSummary): string {
  const counts = store.file_counts;
  const total = counts.total === 1 ? "1 file" : `${counts.total} files`;
  const parts = [
    counts.completed > 0 ? `${counts.completed} ready` : null,
    counts.in_progress > 0 ? `${counts.in_progress} indexing` : null,
    counts.failed > 0 ? `${counts.failed} failed` : null,
    counts.cancelled > 0 ? `${counts.cancelled} cancelled` : null,
  ].filter((part) => part !== null);
  return parts.length > 0 ? `${total}: ${parts.join(", ")}` : total;
}

/** When a store expires, in words; `null` when it never does. */
export function expiryLabel(store: StoreSummary, now: number = Date.now() / 1000): string | null {
  if (store.status === "expired") return "Expired";
  if (store.expires_at === null) return null;
  const days = Math.max(0, Math.ceil((store.expires_at - now) / 86_400));
  return days <= 1 ? "Expires within a day unless used" : `Expires in ${days} days unless used`;
}

/** A store's name as a list shows it (an unnamed store has `""`). */
export function storeName(store: StoreSummary): string {
  return store.name.trim() || store.id;
}
