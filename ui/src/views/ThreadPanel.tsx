import { useCallback, useEffect, useRef, useState } from "react";
import { useEscape } from "../app/useShortcuts";
import { keepUploadListAs, keptUploadList } from "../attachments/uploadLists";
import { attachedFilesText, attachmentsOf, notReadyReason } from "../attachments/uploads";
import { useMessageAttachments } from "../attachments/useMessageAttachments";
import { ErrorNotice } from "../components/ErrorNotice";
import { reportFailure } from "../errors";
import { addMessage, createThread, type AppError, type Assistant } from "../ipc";
import { messageText } from "../threads/content";
import { upsertMessage } from "../threads/messageWindow";
import { useComposer } from "../threads/useComposer";
import { useRun } from "../threads/useRun";
import { useThreadMessages } from "../threads/useThreadMessages";
import { Composer } from "./Composer";
import { FirstRun } from "./FirstRun";
import { MessageList } from "./MessageList";
import { RunInspector, runsVersion } from "./RunInspector";
import { RunStatusLine } from "./RunStatusLine";
import { ThreadHeader } from "./ThreadHeader";
import { shownFailure } from "./threadFailure";
import { ToolOutputsForm } from "./ToolOutputsForm";

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
  onNewAssistant: () => void;
  onThreadDeleted: () => void;
}

/** A thread: its messages, the run status, the composer and the run inspector. */
export function ThreadPanel(props: ThreadPanelProps) {
  const { assistants, offline, currentAssistant: assistantId, onCurrentAssistant } = props;
  // The thread the panel opened with is read once; a thread created by sending keeps the panel.
  const [openedWith] = useState(props.threadId);
  const [threadId, setThreadId] = useState(props.threadId);
  const messages = useThreadMessages(openedWith, props.focusMessageId);
  const run = useRun({ openedWith, threadId, messages, onFinished: props.onThreadsChanged });
  const draft = useComposer(threadId ?? "new");
  // The files for the next message belong to the thread: they are still there when it is opened again.
  const [uploadList] = useState(() => keptUploadList(props.threadId ?? "new"));
  const onThreadCreated = props.onThreadCreated;
  const started = useCallback(
    (id: string) => {
      keepUploadListAs("new", id);
      onThreadCreated(id);
    },
    [onThreadCreated],
  );
  const ensureThread = useThreadStarter(threadId, setThreadId, started);
  const attachments = useMessageAttachments(ensureThread, uploadList);
  // A failure of what this panel did itself (send, rename, delete, read more); `underComposer` when
  // the core refused the message, so it is shown where the message is.
  const [notice, setNotice] = useState<{ error: AppError; underComposer?: boolean } | null>(null);
  const showFailure = (error: AppError) => setNotice({ error });
  const [inspector, setInspector] = useState(false);
  const assistant = assistants?.find((a) => a.id === assistantId) ?? null;

  // A thread opened with no assistant chosen answers with the one its last run had.
  const lastRunAssistant = run.run?.assistant_id;
  useEffect(() => {
    if (lastRunAssistant && !assistantId) onCurrentAssistant(lastRunAssistant);
  }, [lastRunAssistant, assistantId, onCurrentAssistant]);

  const { busy, cancel } = run;
  useEscape(busy, cancel);

  const send = async () => {
    const files = attachments.uploads.uploads;
    const typed = draft.text.trim();
    // Files alone make a message too, named in its text.
    if ((!typed && files.length === 0) || busy || offline) return;
    const text = typed || attachedFilesText(files);
    if (!assistantId) {
      showFailure({ code: "invalid", message: "Choose an assistant to answer first." });
      return;
    }
    const waiting = notReadyReason(attachments.uploads.uploads);
    if (waiting) {
      setNotice({ error: { code: "invalid", message: waiting }, underComposer: true });
      return;
    }
    setNotice(null);
    const typedUnder = threadId ?? "new";
    try {
      const id = await ensureThread();
      const message = await addMessage(id, text, attachmentsOf(files));
      // The view shows an older part of the thread: jump to its end, where the answer comes.
      if (messages.loaded?.hasLater) await messages.showLatest(id);
      else messages.update((list) => upsertMessage(list, message));
      // Only now are the text and its files safe in the thread; the draft and the chips go.
      draft.sent(text, typedUnder);
      attachments.uploads.sent();
      run.start({ threadId: id, assistantId });
    } catch (failure) {
      const error = reportFailure(failure);
      setNotice({ error, underComposer: error.code === "invalid" });
    }
  };

  if (assistants !== null && assistants.length === 0 && !threadId) {
    return <FirstRun offline={offline} onNewAssistant={props.onNewAssistant} />;
  }

  const loaded = messages.loaded;
  const firstQuestion = loaded?.messages.find((m) => m.role === "user");
  const title = props.title ?? (firstQuestion ? messageText(firstQuestion).split("\n")[0] : undefined) ?? "Thread";
  const shown = shownFailure(notice?.underComposer ? null : notice?.error, run, messages.failure);

  return (
    <section className="thread-layout" data-testid="thread-panel">
      <div className="thread-main">
        <ThreadHeader
          threadId={threadId}
          title={title}
          assistants={assistants}
          assistantId={assistantId}
          onAssistant={onCurrentAssistant}
          offline={offline}
          inspectorOpen={inspector}
          onToggleInspector={() => setInspector((open) => !open)}
          onRenamed={props.onThreadsChanged}
          onDeleted={() => {
            props.onThreadsChanged();
            props.onThreadDeleted();
          }}
          onFailure={showFailure}
        />
        <MessageList
          loaded={loaded}
          assistants={assistants}
          assistant={assistant}
          focusMessageId={props.focusMessageId}
          onLoadMore={(direction) => {
            if (threadId) messages.loadMore(threadId, direction).catch((failure: unknown) => showFailure(reportFailure(failure)));
          }}
        />
        {run.run && <RunStatusLine run={run.run} onCancel={cancel} />}
        {run.run?.status === "requires_action" && run.run.required_action && (
          <ToolOutputsForm
            key={run.run.id}
            calls={run.run.required_action.submit_tool_outputs.tool_calls}
            onSubmit={run.submitOutputs}
            disabled={offline}
          />
        )}
        {shown && <ErrorNotice error={shown.error} onRetry={shown.retry} />}
        <Composer
          draft={draft}
          attachments={attachments}
          busy={busy}
          waitingForOutputs={run.run?.status === "requires_action"}
          offline={offline}
          fieldError={notice?.underComposer ? notice.error.message : null}
          onSend={() => void send()}
          onCancel={cancel}
        />
      </div>
      {inspector && threadId && <RunInspector threadId={threadId} version={runsVersion(run)} />}
    </section>
  );
}

/**
 * The thread the panel writes to, started when there is none yet: by the first message, or by the
 * first file dropped for file search, which needs the thread's vector store. Calls made while one
 * is being started share it.
 */
function useThreadStarter(
  threadId: string | null,
  setThreadId: (id: string) => void,
  onThreadCreated: (id: string) => void,
): () => Promise<string> {
  const known = useRef(threadId);
  const created = useRef(onThreadCreated);
  const starting = useRef<Promise<string> | null>(null);
  useEffect(() => {
    known.current = threadId;
    created.current = onThreadCreated;
  });
  return useCallback(() => {
    if (known.current) return Promise.resolve(known.current);
    starting.current ??= createThread().then(
      (thread) => {
        known.current = thread.id;
        setThreadId(thread.id);
        created.current(thread.id);
        return thread.id;
      },
      (failure: unknown) => {
        starting.current = null;
        throw failure;
      },
    );
    return starting.current;
  }, [setThreadId]);
}
