import { useEffect, useState } from "react";
import { ErrorNotice } from "../components/ErrorNotice";
import { reportFailure } from "../errors";
import { listRunSteps, listRuns, type AppError, type Run, type RunStep } from "../ipc";
import { formatDuration } from "./time";
import { ToolCallDetails } from "./ToolCallDetails";
import { knownToolCall, toolCallsOf } from "../threads/content";
import type { RunState } from "../threads/runReducer";

/** Changes whenever the inspector's runs and steps may have: a run's status, a step's, a stream's end. */
export function runsVersion({ run, steps, streaming }: RunState): string {
  const stepStates = steps.map((step) => `${step.id}:${step.status}`).join(",");
  return `${run?.id ?? ""}:${run?.status ?? ""}:${streaming ? "streaming" : "idle"}:${stepStates}`;
}

/**
 * Every run of the thread with its steps: timing, usage, and each tool call — a function's arguments
 * and output, the code interpreter's code, logs and images, file search's passages and scores.
 */
export function RunInspector({ threadId, version }: { threadId: string; version: string }) {
  const [runs, setRuns] = useState<{ run: Run; steps: RunStep[] }[] | null>(null);
  const [error, setError] = useState<AppError | null>(null);

  useEffect(() => {
    listRuns(threadId)
      .then((list) => Promise.all(list.map(async (run) => ({ run, steps: await listRunSteps(threadId, run.id) }))))
      .then((loaded) => setRuns(loaded.reverse()), (failure: unknown) => setError(reportFailure(failure)));
  }, [threadId, version]);

  return (
    <aside className="inspector" aria-label="Run steps" data-testid="inspector">
      <h2>Run steps</h2>
      {error && <ErrorNotice error={error} />}
      {runs?.length === 0 && <p className="muted">No runs in this thread yet.</p>}
      {runs?.map(({ run, steps }) => (
        <section key={run.id} className="inspector-run" data-testid="inspector-run">
          <header>
            <code>{run.id}</code>
            <span className={`pill status-${run.status}`}>{run.status.replaceAll("_", " ")}</span>
          </header>
          <p className="muted small-text">
            {run.model} · {formatDuration(run.started_at ?? run.created_at, run.completed_at ?? run.failed_at ?? run.cancelled_at)}
            {run.usage && ` · ${run.usage.prompt_tokens} in / ${run.usage.completion_tokens} out`}
          </p>
          {run.last_error && <p className="danger-text">{run.last_error.message}</p>}
          <ol className="steps">
            {steps.map((step) => (
              <li key={step.id} data-testid="inspector-step">
                <div>
                  <strong>{step.type === "tool_calls" ? "Tool calls" : "Message"}</strong>{" "}
                  <span className="muted small-text">
                    {step.status} · {formatDuration(step.created_at, step.completed_at ?? step.failed_at ?? step.cancelled_at)}
                    {step.usage && ` · ${step.usage.total_tokens} tokens`}
                  </span>
                </div>
                {toolCallsOf(step).map((call, index) => {
                  const known = knownToolCall(call);
                  return known ? (
                    <ToolCallDetails key={known.id} call={known} />
                  ) : (
                    <div key={index} className="muted">
                      A tool call of type “{call.type}” is not shown
                    </div>
                  );
                })}
              </li>
            ))}
          </ol>
        </section>
      ))}
    </aside>
  );
}
