import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { EmptyState } from "../components/EmptyState";
import { ErrorNotice } from "../components/ErrorNotice";
import { Markdown } from "../components/Markdown";
import {
  addMessage,
  cancelRun,
  createThread,
  deleteThread,
  getDraft,
  listMessages,
  listRuns,
  renameThread,
  setDraft,
  startRun,
  submitToolOutputs,
  toAppError,
  type AppError,
  type Assistant,
  type Anchor,
  type Message,
  type Run,
  type RunEvent,
} from "../ipc";
import { ConfirmButton } from "../components/ConfirmButton";
import { RunInspector } from "./RunInspector";
import { RunStatusLine } from "./RunStatusLine";
import { ToolOutputsForm } from "./ToolOutputsForm";
import { LocalModelHint } from "./LocalModelHint";
import { joinLatest, upsertMessage, type LoadedMessages } from "../threads/messageWindow";
import { messageText } from "../threads/content";
import { isFinished } from "../threads/runReducer";

interface ThreadPanelProps {
  threadId: string | null;
  /** The thread's title as the thread list shows it. */
  title?: string;
  focusMessageId?: string;
  assistants: Assistant[] | null;
  currentAssistant: string | null;
  onCurrentAssistant: (id: string) => void;
  offline: boolean;
  onThreadCreated: (threadId: string) => void;
  onThreadsChanged: () => void;
  onOffline: () => void;
  onNewAssistant: () => void;
  onThreadDeleted: () => void;
}

/** Messages read at first; a long thread opens at its end (or around a search hit). */
const PAGE = 60;
/** Messages read by "Show earlier" / "Show later". */
const MORE = 200;
/** How long typing settles before the draft is saved. */
const DRAFT_SAVE_MS = 300;
/** How often a run this window is not streaming (started elsewhere) is checked. */
const POLL_MS = 1000;

/** A thread: its messages, the run status, the composer and the run inspector. */
export function ThreadPanel(props: ThreadPanelProps) {
  const { assistants, offline } = props;
  const [threadId, setThreadId] = useState<string | null>(props.threadId);
  const [loaded, setLoaded] = useState<LoadedMessages | null>(
    props.threadId ? null : { messages: [], hasEarlier: false, hasLater: false },
  );
  const messages = loaded?.messages ?? null;
  const setMessages = useCallback((update: (list: Message[]) => Message[]) => {
    setLoaded((current) => (current ? { ...current, messages: update(current.messages) } : current));
  }, []);
  const [run, setRun] = useState<Run | null>(null);
  const [streaming, setStreaming] = useState(false);
  const [error, setError] = useState<{ error: AppError; retry?: () => void } | null>(null);
  const [draft, setDraftText] = useState("");
  const [inspector, setInspector] = useState(false);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [runsVersion, setRunsVersion] = useState(0);
  const draftKey = threadId ?? "new";
  const initialThread = useRef(props.threadId);
  const endRef = useRef<HTMLDivElement>(null);

  const busy = run !== null && !isFinished(run.status);
  const assistantId = props.currentAssistant;
  const assistant = assistants?.find((a) => a.id === assistantId) ?? null;

  // Load the thread once (again on Retry); later changes come from this panel's own runs.
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const id = initialThread.current;
    if (!id) return;
    const anchor: Anchor = props.focusMessageId ? { kind: "around", messageId: props.focusMessageId } : { kind: "latest" };
    Promise.all([listMessages(id, anchor, PAGE), listRuns(id)]).then(
      ([window, runs]) => {
        setLoaded(window);
        const last = runs.at(-1) ?? null;
        setRun(last);
        if (last && !props.currentAssistant) props.onCurrentAssistant(last.assistant_id);
      },
      (failure: unknown) => setError({ error: toAppError(failure), retry: () => setAttempt((n) => n + 1) }),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- loads the thread the panel opened with
  }, [attempt]);

  useEffect(() => {
    getDraft(draftKey).then((text) => setDraftText(text ?? ""), () => undefined);
  }, [draftKey]);

  // Keep the draft across restarts, without a write per keystroke.
  useEffect(() => {
    const timer = setTimeout(() => void setDraft(draftKey, draft).catch(() => undefined), DRAFT_SAVE_MS);
    return () => clearTimeout(timer);
  }, [draft, draftKey]);

  // The view follows the end of the thread as messages arrive and grow, unless the reader has
  // scrolled up or opened a message from search (scrolled to once).
  const scroller = useRef<HTMLDivElement>(null);
  const followEnd = useRef(true);
  const focused = useRef(false);
  const last = messages?.at(-1);
  const endKey = last ? `${last.id}:${messageText(last).length}` : "";
  useEffect(() => {
    if (messages === null) return;
    if (props.focusMessageId && !focused.current) {
      focused.current = true;
      followEnd.current = false;
      document.getElementById(`message-${props.focusMessageId}`)?.scrollIntoView({ block: "center" });
    } else if (followEnd.current && !loaded?.hasLater) {
      endRef.current?.scrollIntoView({ block: "end" });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs when the thread's end changes
  }, [endKey, messages === null]);

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
    if (element) followEnd.current = element.scrollHeight - element.scrollTop - element.clientHeight < 80;
  };

  const onEvent = useCallback(
    (event: RunEvent) => {
      const name = event.event;
      if (name === "error") {
        setError({ error: { code: "server", message: (event.data as { message: string }).message } });
        setStreaming(false);
      } else if (name === "done") {
        setStreaming(false);
        setRunsVersion((v) => v + 1);
        props.onThreadsChanged();
      } else if (name.startsWith("thread.run.step.")) {
        setRunsVersion((v) => v + 1);
      } else if (name.startsWith("thread.run.")) {
        const next = event.data as Run;
        setRun(next);
        if (next.status === "failed" && next.last_error) {
          setError({
            error: { code: "server", message: next.last_error.message },
            retry: () => retryRun(next.thread_id),
          });
        }
      } else if (name === "thread.message.delta") {
        const delta = event.data as { id: string; delta: { content?: { text?: { value?: string } }[] } };
        const text = (delta.delta.content ?? []).map((part) => part.text?.value ?? "").join("");
        setMessages((list) =>
          list.map((m) =>
            m.id === delta.id
              ? { ...m, content: [{ type: "text", text: { value: messageText(m) + text, annotations: [] } }] }
              : m,
          ),
        );
      } else if (name.startsWith("thread.message.")) {
        const message = event.data as Message;
        setMessages((list) => upsertMessage(list, message));
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- retryRun is stable in effect
    [props.onThreadsChanged, setMessages],
  );

  const begin = (id: string, runAssistant: string) => {
    setError(null);
    setStreaming(true);
    startRun(id, runAssistant, onEvent).catch((failure: unknown) => {
      setStreaming(false);
      const appError = toAppError(failure);
      if (appError.code === "offline") props.onOffline();
      setError({ error: appError, retry: () => begin(id, runAssistant) });
    });
  };

  function retryRun(id: string) {
    if (assistantId) begin(id, assistantId);
  }

  // A run started elsewhere (another window, an SDK script) is followed by polling.
  useEffect(() => {
    if (!busy || streaming || !threadId) return;
    const timer = setInterval(() => {
      Promise.all([listRuns(threadId), listMessages(threadId, { kind: "latest" }, PAGE)]).then(([runs, latest]) => {
        setRun(runs.at(-1) ?? null);
        setLoaded((current) => (current ? joinLatest(current, latest) : latest));
      }, () => undefined);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [busy, streaming, threadId]);

  const send = async () => {
    const text = draft.trim();
    if (!text || busy || offline) return;
    if (!assistantId) {
      setError({ error: { code: "invalid", message: "Choose an assistant to answer first." } });
      return;
    }
    setError(null);
    let id = threadId;
    try {
      if (!id) {
        id = (await createThread()).id;
        setThreadId(id);
        props.onThreadCreated(id);
      }
      const message = await addMessage(id, text);
      followEnd.current = true;
      if (loaded?.hasLater) {
        // The view shows an older part of the thread: jump to its end, where the answer comes.
        setLoaded(await listMessages(id, { kind: "latest" }, PAGE));
      } else {
        setMessages((list) => upsertMessage(list, message));
      }
      // Only now is the text safe in the thread; the draft goes.
      setDraftText("");
      await setDraft(draftKey, "").catch(() => undefined);
      begin(id, assistantId);
    } catch (failure) {
      const appError = toAppError(failure);
      if (appError.code === "offline") props.onOffline();
      setError({ error: appError });
    }
  };

  const cancel = useCallback(() => {
    if (!run || !threadId || isFinished(run.status)) return;
    cancelRun(threadId, run.id).then(setRun, (failure: unknown) => setError({ error: toAppError(failure) }));
  }, [run, threadId]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && busy) {
        event.preventDefault();
        cancel();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [busy, cancel]);

  const submitOutputs = (outputs: { toolCallId: string; output: string }[]) => {
    if (!run || !threadId) return;
    setError(null);
    setStreaming(true);
    submitToolOutputs(threadId, run.id, outputs, onEvent).catch((failure: unknown) => {
      setStreaming(false);
      setError({ error: toAppError(failure) });
    });
  };

  if (assistants !== null && assistants.length === 0 && !threadId) {
    return (
      <section className="main-panel" data-testid="thread-panel">
        <div className="first-run">
          <EmptyState
            testId="thread-empty"
            title="No assistant yet"
            detail="An assistant holds the instructions and the model. Create one to start a conversation."
          />
          <LocalModelHint />
          <button type="button" className="primary" onClick={props.onNewAssistant} disabled={offline}>
            Create an assistant
          </button>
        </div>
      </section>
    );
  }

  const loadMore = (direction: "before" | "after") => {
    const edge = direction === "before" ? messages?.[0] : messages?.at(-1);
    if (!threadId || !edge) return;
    if (direction === "before" && scroller.current) {
      heightBelowTop.current = scroller.current.scrollHeight - scroller.current.scrollTop;
    }
    listMessages(threadId, { kind: direction, messageId: edge.id }, MORE).then(
      (page) =>
        setLoaded((current) =>
          !current
            ? current
            : direction === "before"
              ? { ...current, messages: [...page.messages, ...current.messages], hasEarlier: page.hasEarlier }
              : { ...current, messages: [...current.messages, ...page.messages], hasLater: page.hasLater },
        ),
      (failure: unknown) => setError({ error: toAppError(failure) }),
    );
  };
  const firstQuestion = messages?.find((m) => m.role === "user");
  const title = props.title ?? (firstQuestion ? messageText(firstQuestion).split("\n")[0] : "Thread");

  return (
    <section className="thread-layout" data-testid="thread-panel">
      <div className="thread-main">
        <header className="thread-header">
          {renaming !== null ? (
            <form
              className="rename"
              onSubmit={(event) => {
                event.preventDefault();
                if (!threadId) return;
                renameThread(threadId, renaming).then(
                  () => {
                    setRenaming(null);
                    props.onThreadsChanged();
                  },
                  (failure: unknown) => setError({ error: toAppError(failure) }),
                );
              }}
            >
              <input
                autoFocus
                aria-label="Thread title"
                value={renaming}
                onChange={(event) => setRenaming(event.target.value)}
                data-testid="rename-input"
              />
              <button type="submit">Save</button>
              <button type="button" onClick={() => setRenaming(null)}>
                Cancel
              </button>
            </form>
          ) : (
            <h1 className="thread-title-heading" title={threadId ? title : undefined}>
              {threadId ? title : "New thread"}
            </h1>
          )}
          <label className="assistant-picker">
            <span className="muted">Assistant</span>
            <select
              value={assistantId ?? ""}
              onChange={(event) => props.onCurrentAssistant(event.target.value)}
              data-testid="thread-assistant"
            >
              {!assistantId && <option value="">Choose…</option>}
              {(assistants ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name || a.id}
                </option>
              ))}
            </select>
          </label>
          {threadId && (
            <div className="thread-actions">
              <button type="button" className="small" onClick={() => setRenaming("")} disabled={offline} data-testid="rename-thread">
                Rename
              </button>
              <ConfirmButton
                label="Delete"
                confirmLabel="Delete thread"
                question="Delete this thread and its messages?"
                testId="delete-thread"
                onConfirm={() => {
                  deleteThread(threadId).then(
                    () => {
                      props.onThreadsChanged();
                      props.onThreadDeleted();
                    },
                    (failure: unknown) => setError({ error: toAppError(failure) }),
                  );
                }}
              />
              <button
                type="button"
                className={inspector ? "small active" : "small"}
                aria-pressed={inspector}
                onClick={() => setInspector((open) => !open)}
                data-testid="toggle-inspector"
              >
                Run steps
              </button>
            </div>
          )}
        </header>
        <div className="messages" data-testid="messages" ref={scroller} onScroll={onScroll}>
          {messages === null && <p className="muted">Loading…</p>}
          {loaded?.hasEarlier && (
            <button type="button" className="small center" onClick={() => loadMore("before")} data-testid="show-earlier">
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
              className={`message ${message.role}${message.id === props.focusMessageId ? " focused" : ""}`}
              data-testid={`message-${message.role}`}
              data-status={message.status}
            >
              <div className="message-author">{message.role === "user" ? "You" : (assistants?.find((a) => a.id === message.assistant_id)?.name ?? "Assistant")}</div>
              {message.role === "user" ? (
                <div className="plain-text">{messageText(message)}</div>
              ) : (
                <Markdown source={messageText(message)} />
              )}
              {message.status === "in_progress" && <span className="typing" aria-label="Writing" />}
            </article>
          ))}
          {loaded?.hasLater && (
            <button type="button" className="small center" onClick={() => loadMore("after")} data-testid="show-later">
              Show later messages
            </button>
          )}
          <div ref={endRef} />
        </div>
        {run && <RunStatusLine run={run} onCancel={cancel} />}
        {run?.status === "requires_action" && run.required_action && (
          <ToolOutputsForm key={run.id} calls={run.required_action.submit_tool_outputs.tool_calls} onSubmit={submitOutputs} disabled={offline} />
        )}
        {error && <ErrorNotice error={error.error} onRetry={error.retry} />}
        <form
          className="composer"
          onSubmit={(event) => {
            event.preventDefault();
            void send();
          }}
        >
          <textarea
            value={draft}
            placeholder={offline ? "Offline: sending needs the server" : "Message (Enter to send, Shift+Enter for a new line)"}
            aria-label="Message"
            data-testid="composer"
            rows={3}
            onChange={(event) => setDraftText(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
                event.preventDefault();
                void send();
              }
            }}
          />
          <div className="composer-actions">
            {busy && (
              <span className="muted" data-testid="busy-note">
                {run?.status === "requires_action"
                  ? "The run waits for your function outputs above."
                  : "The assistant is still answering; send when it finishes."}
              </span>
            )}
            {busy && (
              <button type="button" onClick={cancel} data-testid="cancel-run">
                Cancel (Esc)
              </button>
            )}
            <button
              type="submit"
              className="primary"
              disabled={busy || offline || !draft.trim()}
              title={offline ? "Sending needs the server" : busy ? "Wait for the run to finish" : undefined}
              data-testid="send"
            >
              Send
            </button>
          </div>
        </form>
      </div>
      {inspector && threadId && <RunInspector threadId={threadId} version={runsVersion} />}
    </section>
  );
}
