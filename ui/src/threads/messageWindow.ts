import type { Message } from "../ipc";

/** A run of consecutive messages of a thread, as the thread view holds it. */
export interface LoadedMessages {
  messages: Message[];
  /** The thread has messages before the first of these. */
  hasEarlier: boolean;
  /** The thread has messages after the last of these. */
  hasLater: boolean;
}

/**
 * The view's messages after the thread's latest page was read again (a run started elsewhere
 * moved on): messages loaded earlier stay when the page joins onto them, otherwise the page
 * replaces them, since a gap would show a conversation that never happened.
 */
export function joinLatest(loaded: LoadedMessages, latest: LoadedMessages): LoadedMessages {
  const first = latest.messages[0];
  const at = first ? loaded.messages.findIndex((m) => m.id === first.id) : -1;
  if (at < 0) return latest;
  return {
    messages: [...loaded.messages.slice(0, at), ...latest.messages],
    hasEarlier: loaded.hasEarlier,
    hasLater: false,
  };
}

/** Adds or replaces one message (by id) at the end of the view. */
export function upsertMessage(messages: Message[], message: Message): Message[] {
  return messages.some((m) => m.id === message.id)
    ? messages.map((m) => (m.id === message.id ? message : m))
    : [...messages, message];
}
