import { useCallback, useEffect, useState } from "react";
import { reportFailure } from "../errors";
import { listMessages, type Anchor, type AppError, type Message } from "../ipc";
import { joinLatest, type LoadedMessages } from "./messageWindow";

/** Messages read at first; a long thread opens at its end (or around a search hit). */
export const FIRST_PAGE = 60;
/** Messages read by "Show earlier" / "Show later". */
const MORE_PAGE = 200;

const EMPTY: LoadedMessages = { messages: [], hasEarlier: false, hasLater: false };

export interface ThreadMessages {
  /** The window of the thread on screen; null while it is read. */
  loaded: LoadedMessages | null;
  /** Why the window could not be read, with a retry. */
  failure: { error: AppError; retry: () => void } | null;
  /** Changes the messages on screen (a run's events). */
  update: (change: (messages: Message[]) => Message[]) => void;
  /** The thread's latest page, read again, joined to what is on screen. */
  joinLatestPage: (latest: LoadedMessages) => void;
  /** Reads the page before the first message on screen, or after the last. */
  loadMore: (threadId: string, direction: "before" | "after") => Promise<void>;
  /** Replaces the window with the thread's last page (where an answer is about to appear). */
  showLatest: (threadId: string) => Promise<void>;
}

/**
 * The part of a thread on screen. `openedWith` is the thread the view opened (null for a thread not
 * started yet); it is read once, around `focusMessageId` when given, else at its end.
 */
export function useThreadMessages(openedWith: string | null, focusMessageId: string | undefined): ThreadMessages {
  const [loaded, setLoaded] = useState<LoadedMessages | null>(openedWith ? null : EMPTY);
  const [failure, setFailure] = useState<ThreadMessages["failure"]>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!openedWith) return;
    let current = true;
    const anchor: Anchor = focusMessageId ? { kind: "around", messageId: focusMessageId } : { kind: "latest" };
    listMessages(openedWith, anchor, FIRST_PAGE).then(
      (window) => {
        if (!current) return;
        setFailure(null);
        setLoaded(window);
      },
      (error: unknown) => current && setFailure({ error: reportFailure(error), retry: () => setAttempt((n) => n + 1) }),
    );
    return () => {
      current = false;
    };
  }, [openedWith, focusMessageId, attempt]);

  const update = useCallback((change: (messages: Message[]) => Message[]) => {
    setLoaded((current) => (current ? { ...current, messages: change(current.messages) } : current));
  }, []);

  const joinLatestPage = useCallback((latest: LoadedMessages) => {
    setLoaded((current) => (current ? joinLatest(current, latest) : latest));
  }, []);

  const loadMore = async (threadId: string, direction: "before" | "after") => {
    const edge = direction === "before" ? loaded?.messages[0] : loaded?.messages.at(-1);
    if (!edge) return;
    const page = await listMessages(threadId, { kind: direction, messageId: edge.id }, MORE_PAGE);
    setLoaded((current) => {
      if (!current) return current;
      return direction === "before"
        ? { ...current, messages: [...page.messages, ...current.messages], hasEarlier: page.hasEarlier }
        : { ...current, messages: [...current.messages, ...page.messages], hasLater: page.hasLater };
    });
  };

  const showLatest = async (threadId: string) => {
    setLoaded(await listMessages(threadId, { kind: "latest" }, FIRST_PAGE));
  };

  return { loaded, failure, update, joinLatestPage, loadMore, showLatest };
}
