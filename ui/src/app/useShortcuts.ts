import { useEffect } from "react";

/** Ctrl+N (or Cmd+N) and Ctrl+K anywhere in the window. Enter, Shift+Enter and Esc belong to the thread. */
export function useShortcuts({ onNewThread, onSearch }: { onNewThread: () => void; onSearch: () => void }) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey)) return;
      if (event.key === "n") {
        event.preventDefault();
        onNewThread();
      } else if (event.key === "k") {
        event.preventDefault();
        onSearch();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onNewThread, onSearch]);
}

/** Esc anywhere in the window, while `active` (a run that can be cancelled). */
export function useEscape(active: boolean, onEscape: () => void) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && active) {
        event.preventDefault();
        onEscape();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [active, onEscape]);
}
