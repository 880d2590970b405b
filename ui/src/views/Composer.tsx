import { notReadyReason } from "../attachments/uploads";
import type { MessageAttachments } from "../attachments/useMessageAttachments";
import { FieldError } from "../components/FieldError";
import type { Composer as Draft } from "../threads/useComposer";
import { AttachmentChips } from "./AttachmentChips";

interface ComposerProps {
  draft: Draft;
  /** Files going with the message: dropped on the composer or chosen with the paperclip. */
  attachments: MessageAttachments;
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
export function Composer({ draft, attachments, busy, waitingForOutputs, offline, fieldError, onSend, onCancel }: ComposerProps) {
  const waiting = notReadyReason(attachments.uploads.uploads);
  return (
    <form
      className={attachments.dragOver ? "composer drop-over" : "composer"}
      data-drop="composer"
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
      <AttachmentChips uploads={attachments.uploads} choosableTool />
      <FieldError error={fieldError ?? undefined} id="composer-error" />
      <div className="composer-actions">
        <button
          type="button"
          className="attach-button"
          aria-label="Attach files"
          title={offline ? "Attaching needs the server" : "Attach files (or drop them here)"}
          disabled={offline}
          onClick={attachments.choose}
          data-testid="attach-files"
        >
          {/* Drawn, not an emoji: the system may have no emoji font. */}
          <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
            <path d="M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9" />
          </svg>
        </button>
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
          disabled={busy || offline || (!draft.text.trim() && attachments.uploads.uploads.length === 0) || waiting !== null}
          title={offline ? "Sending needs the server" : busy ? "Wait for the run to finish" : (waiting ?? undefined)}
          data-testid="send"
        >
          Send
        </button>
      </div>
    </form>
  );
}
