import { EmptyState } from "../components/EmptyState";
import type { Assistant } from "../ipc";
import { AssistantItem } from "./AssistantItem";

interface AssistantListProps {
  assistants: Assistant[] | null;
  currentAssistant: string | null;
  offline: boolean;
  onNew: () => void;
  /** Start a new thread with this assistant. */
  onChoose: (assistantId: string) => void;
  onEdit: (assistantId: string) => void;
  /** An assistant changed from the list (documents dropped on it). */
  onChanged: () => void;
}

/** The sidebar's assistants: choose one to talk to, edit one, or make a new one. */
export function AssistantList({ assistants, currentAssistant, offline, onNew, onChoose, onEdit, onChanged }: AssistantListProps) {
  return (
    <section className="sidebar-section assistants-section" aria-labelledby="assistants-heading">
      <div className="section-head">
        <h2 id="assistants-heading">Assistants</h2>
        <button
          type="button"
          className="small"
          disabled={offline}
          title={offline ? "Creating an assistant needs the server" : "New assistant"}
          onClick={onNew}
          data-testid="new-assistant"
        >
          + New
        </button>
      </div>
      {assistants !== null && assistants.length === 0 && (
        <EmptyState testId="assistants-empty" title="No assistants yet" detail="Create one: give it instructions and a model." />
      )}
      <ul className="assistant-list">
        {(assistants ?? []).map((assistant) => (
          <AssistantItem
            key={assistant.id}
            assistant={assistant}
            current={assistant.id === currentAssistant}
            onChoose={() => onChoose(assistant.id)}
            onEdit={() => onEdit(assistant.id)}
            onChanged={onChanged}
          />
        ))}
      </ul>
    </section>
  );
}
