import { useEffect, useState } from "react";
import { reportFailure } from "../errors";
import { listRunSteps, type AppError, type FileSearchResult, type Message } from "../ipc";
import { citedPassage, type Citation } from "./citations";

export type CitedPassageState =
  | { status: "loading" }
  | { status: "found"; result: FileSearchResult }
  | { status: "missing" }
  | { status: "failed"; error: AppError };

/** The search result a citation of `message` points at, read from its run's steps. */
export function useCitedPassage(message: Message, citation: Citation): CitedPassageState {
  const { thread_id: threadId, run_id: runId } = message;
  const [state, setState] = useState<{ key: string; value: CitedPassageState }>({
    key: "",
    value: { status: "loading" },
  });
  const key = `${runId ?? ""}:${citation.number}:${citation.fileId}`;
  useEffect(() => {
    if (runId === null) return;
    let live = true;
    listRunSteps(threadId, runId).then(
      (steps) => {
        const result = citedPassage(steps, citation);
        if (live) setState({ key, value: result ? { status: "found", result } : { status: "missing" } });
      },
      (failure: unknown) => live && setState({ key, value: { status: "failed", error: reportFailure(failure) } }),
    );
    return () => {
      live = false;
    };
  }, [threadId, runId, citation, key]);
  if (runId === null) return { status: "missing" };
  return state.key === key ? state.value : { status: "loading" };
}
