// Where the files on their way to a message are kept: outside the views that show them, so a
// thread's files stay with it (and go on uploading and indexing) while another thread is open.
import type { Upload } from "./uploads";

/** One list of files on their way, read by the view that shows it and changed by the async steps. */
export class UploadList {
  private items: Upload[] = [];
  private readonly listeners = new Set<() => void>();

  readonly get = (): Upload[] => this.items;

  set(items: Upload[]): void {
    this.items = items;
    this.listeners.forEach((listener) => listener());
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

const kept = new Map<string, UploadList>();

/** The list of a thread's composer (`new` for a thread not started yet), made when missing. */
export function keptUploadList(threadKey: string): UploadList {
  let list = kept.get(threadKey);
  if (!list) {
    list = new UploadList();
    kept.set(threadKey, list);
  }
  return list;
}

/** A new thread got its id: its list is kept under it, and `new` starts empty again. */
export function keepUploadListAs(from: string, to: string): void {
  const list = kept.get(from);
  if (!list || from === to) return;
  kept.delete(from);
  kept.set(to, list);
}
