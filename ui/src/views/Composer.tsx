import { FieldError } from "../components/FieldError";
import type { Composer as Draft } from "../threads/useComposer";

interface ComposerProps {
  draft: Draft;
  busy: boolean;
  /** The run waits for function outputs rather than writing. */
  waitingForOutputs: boolean;
  offline: boolean;
  /** Why the core refused the message, shown under it. */
  fieldError: string | null;
  onSend: () => void;
  onCancel: () => void;
}

/** Where the person writes: Enter sends, Shift+Enter starts a new line; Cancel while a run is busy. */
export function Composer({ draft, busy, waitingForOutputs, offline, fieldError, onSend, onCancel }: ComposerProps) {
  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        onSend();
      }}
    >
      <textarea
        value={draft.text}
        placeholder={offline ? "Offline: sending needs the server" : "Message (Enter to send, Shift+Enter for a new line)"}
        aria-label="Message"
        aria-describedby={fieldError ? "composer-error" : undefined}
        data-testid="composer"
        rows={3}
        onChange={(event) => draft.setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            onSend();
          }
        }}
      />
      <FieldError error={fieldError ?? undefined} id="composer-error" />
      <div className="composer-actions">
        {busy && (
          <span className="muted" data-testid="busy-note">
            {waitingForOutputs ? "The run waits for your function outputs above." : "The assistant is still answering; send when it finishes."}
          </span>
        )}
        {busy && (
          <button type="button" onClick={onCancel} data-testid="cancel-run">
            Cancel (Esc)
          </button>
        )}
        <button
          type="submit"
          className="primary"
          disabled={busy || offline || !draft.text.trim()}
          title={offline ? "Sending needs the server" : busy ? "Wait for the run to finish" : undefined}
          data-testid="send"
        >
          Send
        </button>
      </div>
    </form>
  );
}
