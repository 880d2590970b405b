import { useCallback, useEffect, useState } from "react";
import { reportFailure } from "../errors";
import {
  cancelRun,
  listMessages,
  listRuns,
  onDataChanged,
  startRun,
  submitToolOutputs,
  type RunEvent,
  type ToolOutput,
} from "../ipc";
import { foldMessageEvent, foldRunEvent, isFinished, noRun, type RunFailure, type RunRequest, type RunState } from "./runReducer";
import { FIRST_PAGE, type ThreadMessages } from "./useThreadMessages";

/** How often a run this window is not streaming (started elsewhere) is checked. */
const POLL_MS = 1000;

export interface RunControl extends RunState {
  /** The run is neither finished nor absent: the thread waits for it. */
  busy: boolean;
  start: (request: RunRequest) => void;
  /** Starts again what failed, with the assistant the failed run had. */
  retry: () => void;
  cancel: () => void;
  submitOutputs: (outputs: ToolOutput[]) => void;
}

interface UseRunOptions {
  /** The thread the view opened with; its latest run is read once. */
  openedWith: string | null;
  /** The thread the view shows now (a thread created by sending keeps the view). */
  threadId: string | null;
  messages: Pick<ThreadMessages, "update" | "joinLatestPage">;
  /** A stream ended: the thread list may have a new title or order. */
  onFinished: () => void;
}

/** The thread's latest run: started, streamed through the run reducer, cancelled, retried. */
export function useRun({ openedWith, threadId, messages, onFinished }: UseRunOptions): RunControl {
  const [state, setState] = useState<RunState>(noRun);
  const { update, joinLatestPage } = messages;
  const { run, streaming, failure } = state;
  const busy = run !== null && !isFinished(run.status);

  useEffect(() => {
    if (!openedWith) return;
    let current = true;
    listRuns(openedWith).then(
      (runs) => current && setState((s) => ({ ...s, run: runs.at(-1) ?? null })),
      (error: unknown) => current && setState((s) => ({ ...s, failure: { error: reportFailure(error), retry: null } })),
    );
    return () => {
      current = false;
    };
  }, [openedWith]);

  const onEvent = (event: RunEvent) => {
    setState((s) => foldRunEvent(s, event));
    update((list) => foldMessageEvent(list, event));
    if (event.event === "done") onFinished();
  };

  const fail = (next: RunFailure) => setState((s) => ({ ...s, failure: next }));

  const start = (request: RunRequest) => {
    setState((s) => ({ ...s, streaming: true, failure: null }));
    startRun(request.threadId, request.assistantId, onEvent).catch((error: unknown) => {
      setState((s) => ({ ...s, streaming: false, failure: { error: reportFailure(error), retry: request } }));
    });
  };

  const retry = () => {
    if (failure?.retry) start(failure.retry);
  };

  const cancel = () => {
    if (!run || !threadId || isFinished(run.status)) return;
    cancelRun(threadId, run.id).then(
      // The stream may already have said the run ended; an older snapshot must not undo that.
      (cancelling) => setState((s) => (s.run && isFinished(s.run.status) ? s : { ...s, run: cancelling })),
      (error: unknown) => fail({ error: reportFailure(error), retry: null }),
    );
  };

  const submitOutputs = (outputs: ToolOutput[]) => {
    if (!run || !threadId) return;
    setState((s) => ({ ...s, streaming: true, failure: null }));
    submitToolOutputs(threadId, run.id, outputs, onEvent).catch((error: unknown) => {
      setState((s) => ({ ...s, streaming: false, failure: { error: reportFailure(error), retry: null } }));
    });
  };

  // The thread's latest run and messages, read again: how a run this window is not streaming is seen.
  const readLatest = useCallback(
    (thread: string) => {
      Promise.all([listRuns(thread), listMessages(thread, { kind: "latest" }, FIRST_PAGE)]).then(([runs, latest]) => {
        setState((s) => ({ ...s, run: runs.at(-1) ?? null }));
        joinLatestPage(latest);
      }, () => undefined);
    },
    [joinLatestPage],
  );

  // A run started elsewhere (another window, an SDK script) is followed by polling.
  useEffect(() => {
    if (!busy || streaming || !threadId) return;
    const timer = setInterval(() => readLatest(threadId), POLL_MS);
    return () => clearInterval(timer);
  }, [busy, streaming, threadId, readLatest]);

  // A program using the app's API server added a message or started a run on this thread.
  useEffect(() => {
    if (streaming || !threadId) return;
    return onDataChanged(() => readLatest(threadId));
  }, [streaming, threadId, readLatest]);

  return { ...state, busy, start, retry, cancel, submitOutputs };
}
