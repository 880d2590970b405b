import { useAssistantUploads } from "../attachments/useAssistantUploads";
import type { Assistant } from "../ipc";
import { AttachmentChips } from "./AttachmentChips";

interface AssistantItemProps {
  assistant: Assistant;
  current: boolean;
  onChoose: () => void;
  onEdit: () => void;
  /** The assistant changed (documents dropped on it gave it a vector store or file search). */
  onChanged: () => void;
}

/** One assistant in the sidebar: choose it, edit it, or drop documents on it for its knowledge. */
export function AssistantItem({ assistant, current, onChoose, onEdit, onChanged }: AssistantItemProps) {
  const knowledge = useAssistantUploads(assistant.id, onChanged);
  const classes = [current ? "current" : "", knowledge.dragOver ? "drop-over" : ""].filter(Boolean).join(" ");
  return (
    <li className={classes || undefined} data-drop-assistant={assistant.id} title="Drop documents here to add them to what this assistant knows">
      <div className="assistant-row">
        <button type="button" className="assistant-name" data-testid="assistant-item" onClick={onChoose}>
          {assistant.name || "Untitled assistant"}
          <span className="muted small-text"> {assistant.model}</span>
        </button>
        <button
          type="button"
          className="small ghost"
          aria-label={`Edit ${assistant.name ?? "assistant"}`}
          data-testid="edit-assistant"
          onClick={onEdit}
        >
          Edit
        </button>
      </div>
      <AttachmentChips uploads={knowledge.uploads} choosableTool={false} />
    </li>
  );
}
