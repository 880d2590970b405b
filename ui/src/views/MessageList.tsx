import { useEffect, useLayoutEffect, useRef } from "react";
import { EmptyState } from "../components/EmptyState";
import { MessageContent } from "../components/MessageContent";
import type { Assistant } from "../ipc";
import { messageText } from "../threads/content";
import type { LoadedMessages } from "../threads/messageWindow";

interface MessageListProps {
  loaded: LoadedMessages | null;
  assistants: Assistant[] | null;
  /** The assistant that answers next, for the empty thread's invitation. */
  assistant: Assistant | null;
  focusMessageId?: string;
  onLoadMore: (direction: "before" | "after") => void;
}

/** How close to the bottom (px) still counts as reading the end of the thread. */
const AT_END_PX = 80;

/**
 * The messages on screen. The view follows the end of the thread as messages arrive and grow,
 * unless the reader has scrolled up or opened a message from search (scrolled to once); a message
 * the person just sent brings it back to the end.
 */
export function MessageList({ loaded, assistants, assistant, focusMessageId, onLoadMore }: MessageListProps) {
  const messages = loaded?.messages ?? null;
  const scroller = useRef<HTMLDivElement>(null);
  const endRef = useRef<HTMLDivElement>(null);
  const followEnd = useRef(true);
  const focused = useRef(false);

  const ready = messages !== null;
  const hasLater = loaded?.hasLater ?? false;
  const last = messages?.at(-1);
  const lastIsOwn = last?.role === "user";
  const endKey = last ? `${last.id}:${last.content.length}:${messageText(last).length}` : "";
  useEffect(() => {
    if (!ready) return;
    if (focusMessageId && !focused.current) {
      focused.current = true;
      followEnd.current = false;
      document.getElementById(`message-${focusMessageId}`)?.scrollIntoView({ block: "center" });
      return;
    }
    if (lastIsOwn) followEnd.current = true;
    if (followEnd.current && !hasLater) endRef.current?.scrollIntoView({ block: "end" });
  }, [ready, endKey, lastIsOwn, hasLater, focusMessageId]);

  // Earlier messages added above keep what the reader was looking at in place.
  const heightBelowTop = useRef<number | null>(null);
  const firstId = messages?.[0]?.id;
  useLayoutEffect(() => {
    const element = scroller.current;
    if (element && heightBelowTop.current !== null) {
      element.scrollTop = element.scrollHeight - heightBelowTop.current;
      heightBelowTop.current = null;
    }
  }, [firstId]);

  const onScroll = () => {
    const element = scroller.current;
    if (element) followEnd.current = element.scrollHeight - element.scrollTop - element.clientHeight < AT_END_PX;
  };
  const loadEarlier = () => {
    const element = scroller.current;
    if (element) heightBelowTop.current = element.scrollHeight - element.scrollTop;
    onLoadMore("before");
  };
  const authorOf = (assistantId: string | null) => assistants?.find((a) => a.id === assistantId)?.name ?? "Assistant";

  return (
    <div className="messages" data-testid="messages" ref={scroller} onScroll={onScroll}>
      {messages === null && <p className="muted">Loading…</p>}
      {loaded?.hasEarlier && (
        <button type="button" className="small center" onClick={loadEarlier} data-testid="show-earlier">
          Show earlier messages
        </button>
      )}
      {messages !== null && messages.length === 0 && (
        <EmptyState
          testId="conversation-empty"
          title={assistant ? `Ask ${assistant.name || "the assistant"} anything` : "Choose an assistant"}
          detail="Enter sends, Shift+Enter starts a new line."
        />
      )}
      {(messages ?? []).map((message) => (
        <article
          key={message.id}
          id={`message-${message.id}`}
          className={`message ${message.role}${message.id === focusMessageId ? " focused" : ""}`}
          data-testid={`message-${message.role}`}
          data-status={message.status}
        >
          <div className="message-author">{message.role === "user" ? "You" : authorOf(message.assistant_id)}</div>
          <MessageContent message={message} />
          {message.status === "in_progress" && <span className="typing" aria-label="Writing" />}
        </article>
      ))}
      {hasLater && (
        <button type="button" className="small center" onClick={() => onLoadMore("after")} data-testid="show-later">
          Show later messages
        </button>
      )}
      <div ref={endRef} />
    </div>
  );
}
