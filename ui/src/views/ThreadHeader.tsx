import { useState } from "react";
import { ConfirmButton } from "../components/ConfirmButton";
import { FieldError } from "../components/FieldError";
import { reportFailure } from "../errors";
import { ExportMenu } from "../export/ExportMenu";
import { deleteThread, renameThread, type AppError, type Assistant } from "../ipc";

interface ThreadHeaderProps {
  threadId: string | null;
  title: string;
  assistants: Assistant[] | null;
  assistantId: string | null;
  onAssistant: (id: string) => void;
  offline: boolean;
  inspectorOpen: boolean;
  onToggleInspector: () => void;
  onRenamed: () => void;
  onDeleted: () => void;
  onFailure: (error: AppError) => void;
}

/** The thread's title (renamed in place), the assistant that answers, and the thread's actions. */
export function ThreadHeader(props: ThreadHeaderProps) {
  const { threadId, assistants, assistantId, offline } = props;
  const [renaming, setRenaming] = useState<string | null>(null);
  const [titleError, setTitleError] = useState<string | null>(null);

  const rename = (id: string, title: string) => {
    setTitleError(null);
    renameThread(id, title).then(
      () => {
        setRenaming(null);
        props.onRenamed();
      },
      (failure: unknown) => {
        const error = reportFailure(failure);
        // A title the core refuses is shown under the title field; anything else above the composer.
        if (error.code === "invalid") setTitleError(error.message);
        else props.onFailure(error);
      },
    );
  };

  return (
    <header className="thread-header">
      {renaming !== null ? (
        <form
          className="rename"
          onSubmit={(event) => {
            event.preventDefault();
            if (threadId) rename(threadId, renaming);
          }}
        >
          <input
            autoFocus
            aria-label="Thread title"
            aria-describedby={titleError ? "rename-error" : undefined}
            value={renaming}
            onChange={(event) => setRenaming(event.target.value)}
            data-testid="rename-input"
          />
          <button type="submit">Save</button>
          <button type="button" onClick={() => setRenaming(null)}>
            Cancel
          </button>
          <FieldError error={titleError ?? undefined} id="rename-error" />
        </form>
      ) : (
        <h1 className="thread-title-heading" title={threadId ? props.title : undefined}>
          {threadId ? props.title : "New thread"}
        </h1>
      )}
      <label className="assistant-picker">
        <span className="muted">Assistant</span>
        <select value={assistantId ?? ""} onChange={(event) => props.onAssistant(event.target.value)} data-testid="thread-assistant">
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
              deleteThread(threadId).then(props.onDeleted, (failure: unknown) => props.onFailure(reportFailure(failure)));
            }}
          />
          <ExportMenu threadId={threadId} />
          <button
            type="button"
            className={props.inspectorOpen ? "small active" : "small"}
            aria-pressed={props.inspectorOpen}
            onClick={props.onToggleInspector}
            data-testid="toggle-inspector"
          >
            Run steps
          </button>
        </div>
      )}
    </header>
  );
}
