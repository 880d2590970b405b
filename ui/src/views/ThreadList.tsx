import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
import type { Assistant, ThreadSummary } from "../ipc";
import { plainPreview } from "../threads/preview";
import { formatTime } from "./time";

/** Height of one thread row; fixed so the list can be virtualized. */
const THREAD_ROW_PX = 58;

interface ThreadListProps {
  threads: ThreadSummary[] | null;
  assistants: Assistant[] | null;
  selectedThread: string | null;
  onOpen: (threadId: string) => void;
}

/** Every thread, newest activity first; only the rows in view are in the page. */
export function ThreadList({ threads, assistants, selectedThread, onOpen }: ThreadListProps) {
  const listRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer hands out fresh functions each render; this component is simply not memoized by the compiler
  const virtualizer = useVirtualizer({
    count: threads?.length ?? 0,
    getScrollElement: () => listRef.current,
    estimateSize: () => THREAD_ROW_PX,
    overscan: 8,
  });
  // Marks the first paint of a non-empty thread list, for the start-up benchmark.
  const painted = useRef(false);
  useEffect(() => {
    if (!painted.current && threads && threads.length > 0) {
      painted.current = true;
      performance.mark("hearth:threads-painted");
    }
  }, [threads]);
  const assistantName = (id: string | null) =>
    assistants?.find((assistant) => assistant.id === id)?.name ?? (id ? "Deleted assistant" : "");

  return (
    <div className="thread-list" ref={listRef} data-testid="thread-list">
      <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
        {virtualizer.getVirtualItems().map((row) => {
          const thread = threads?.[row.index];
          if (!thread) return null;
          return (
            <button
              type="button"
              key={thread.id}
              className={thread.id === selectedThread ? "thread-row selected" : "thread-row"}
              style={{ transform: `translateY(${row.start}px)`, height: THREAD_ROW_PX }}
              onClick={() => onOpen(thread.id)}
              title={thread.title || "New thread"}
              data-testid="thread-item"
              data-thread-id={thread.id}
            >
              <span className="thread-line">
                <span className="thread-title">{thread.title || "New thread"}</span>
                <span className="thread-time">{formatTime(thread.updatedAt)}</span>
              </span>
              <span className="thread-preview">
                {thread.assistantId && <span className="muted">{assistantName(thread.assistantId)} · </span>}
                {plainPreview(thread.preview)}
              </span>
            </button>
          );
        })}
      </div>
    </div>
  );
}
