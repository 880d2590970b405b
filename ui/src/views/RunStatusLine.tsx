import type { Run } from "../ipc";

const WORDS: Record<Run["status"], string> = {
  queued: "Queued…",
  in_progress: "Writing…",
  requires_action: "Waiting for you: answer the function call below",
  cancelling: "Cancelling…",
  cancelled: "Cancelled",
  failed: "Failed",
  completed: "Done",
  incomplete: "Stopped early",
  expired: "Expired: the function outputs came too late",
};

/** The latest run's state in words, its token usage, and Cancel while it can be cancelled. */
export function RunStatusLine({ run, onCancel }: { run: Run; onCancel: () => void }) {
  const active = ["queued", "in_progress", "requires_action"].includes(run.status);
  return (
    <div className={`run-status status-${run.status}`} role="status" data-testid="run-status" data-status={run.status}>
      <span>{WORDS[run.status]}</span>
      {run.status === "incomplete" && run.incomplete_details && <span className="muted"> ({(run.incomplete_details.reason ?? "unknown reason").replaceAll("_", " ")})</span>}
      {run.usage && (
        <span className="muted usage" data-testid="run-usage">
          {run.usage.prompt_tokens} tokens in · {run.usage.completion_tokens} out
        </span>
      )}
      {active && (
        <button type="button" className="small" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}
