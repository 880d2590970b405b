import { EmptyState } from "../components/EmptyState";
import { LocalModelHint } from "./LocalModelHint";

/** The main panel before any assistant exists: what one is, and the way to make one. */
export function FirstRun({ offline, onNewAssistant }: { offline: boolean; onNewAssistant: () => void }) {
  return (
    <section className="main-panel" data-testid="thread-panel">
      <div className="first-run">
        <EmptyState
          testId="thread-empty"
          title="No assistant yet"
          detail="An assistant holds the instructions and the model. Create one to start a conversation."
        />
        <LocalModelHint />
        <button type="button" className="primary" onClick={onNewAssistant} disabled={offline}>
          Create an assistant
        </button>
      </div>
    </section>
  );
}
