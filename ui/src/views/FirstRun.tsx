import { useState } from "react";
import { EmptyState } from "../components/EmptyState";
import { LocalModelHint } from "./LocalModelHint";
import { SetupOffers } from "./SetupOffers";

/** The main panel before any assistant exists: what one is, the way to make one, and the downloads
 * a fresh install lacks. */
export function FirstRun({ offline, onNewAssistant }: { offline: boolean; onNewAssistant: () => void }) {
  // Bumped when a download finishes, so the hint reads the models again.
  const [downloads, setDownloads] = useState(0);
  return (
    <section className="main-panel" data-testid="thread-panel">
      <div className="first-run">
        <EmptyState
          testId="thread-empty"
          title="No assistant yet"
          detail="An assistant holds the instructions and the model. Create one to start a conversation."
        />
        <LocalModelHint key={downloads} />
        <button type="button" className="primary" onClick={onNewAssistant} disabled={offline}>
          Create an assistant
        </button>
        {!offline && <SetupOffers withCodeRuntime onChanged={() => setDownloads((count) => count + 1)} />}
      </div>
    </section>
  );
}
