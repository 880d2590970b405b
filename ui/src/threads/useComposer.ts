import { useCallback, useEffect, useRef, useState } from "react";
import { getDraft, setDraft } from "../ipc";

/** How long typing settles before the draft is saved. */
const DRAFT_SAVE_MS = 300;

export interface Composer {
  text: string;
  setText: (text: string) => void;
  /**
   * The message `sentText` is stored in its thread: the composer empties (unless the person has
   * typed something else meanwhile) and the draft it was typed under (`typedUnder`) is cleared.
   */
  sent: (sentText: string, typedUnder: string) => void;
}

/**
 * The composer's unsent text, kept in the store under `key` (a thread id, or `new`) across
 * restarts. Text only ever leaves the composer through `sent`, after the message is stored: when
 * the key changes (a new thread was just created for it) the text stays and is kept under the
 * new key, and a stored draft never replaces what the person is typing.
 */
export function useComposer(key: string): Composer {
  const [text, setText] = useState("");
  // The key whose stored draft has been read. Saving waits for it, so an empty composer never
  // overwrites a draft that was still being read.
  const [readKey, setReadKey] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    getDraft(key).then(
      (saved) => {
        if (!current) return;
        setText((typed) => typed || saved || "");
        setReadKey(key);
      },
      () => current && setReadKey(key),
    );
    return () => {
      current = false;
    };
  }, [key]);

  // Keep the draft across restarts, without a write per keystroke.
  useEffect(() => {
    if (readKey !== key) return;
    const timer = setTimeout(() => void setDraft(key, text).catch(() => undefined), DRAFT_SAVE_MS);
    return () => clearTimeout(timer);
  }, [key, readKey, text]);

  // Leaving the thread within the debounce still keeps the last keystrokes.
  const unsaved = useRef<{ key: string; text: string } | null>(null);
  useEffect(() => {
    unsaved.current = readKey === key ? { key, text } : null;
  }, [key, readKey, text]);
  useEffect(
    () => () => {
      const last = unsaved.current;
      if (last) void setDraft(last.key, last.text).catch(() => undefined);
    },
    [],
  );

  const sent = useCallback((sentText: string, typedUnder: string) => {
    setText((current) => (current.trim() === sentText.trim() ? "" : current));
    void setDraft(typedUnder, "").catch(() => undefined);
  }, []);

  return { text, setText, sent };
}
