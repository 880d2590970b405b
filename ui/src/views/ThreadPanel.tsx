import { EmptyState } from "../components/EmptyState";

/** The main panel: the open thread, or a note on how to open one. */
export function ThreadPanel() {
  return (
    <section className="main-panel" data-testid="thread-panel" aria-label="Thread">
      <EmptyState
        testId="thread-empty"
        title="No thread open"
        detail="Choose a thread in the sidebar to read it here."
      />
    </section>
  );
}
