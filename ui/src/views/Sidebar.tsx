import { EmptyState } from "../components/EmptyState";
import type { View } from "../App";

interface SidebarProps {
  view: View;
  onNavigate: (view: View) => void;
}

/** The left column: assistants, the selected assistant's threads, and the way to settings. */
export function Sidebar({ view, onNavigate }: SidebarProps) {
  return (
    <aside className="sidebar" data-testid="sidebar">
      <header className="sidebar-brand">
        <img src="/hearth.svg" alt="" width={24} height={24} />
        <span>Hearth</span>
      </header>
      <section className="sidebar-section" aria-labelledby="assistants-heading">
        <h2 id="assistants-heading">Assistants</h2>
        <EmptyState
          testId="assistants-empty"
          title="No assistants yet"
          detail="Assistants you create will be listed here."
        />
      </section>
      <section className="sidebar-section" aria-labelledby="threads-heading">
        <h2 id="threads-heading">Threads</h2>
        <EmptyState
          testId="threads-empty"
          title="No threads"
          detail="Select an assistant to see its threads."
        />
      </section>
      <nav className="sidebar-footer">
        <button
          type="button"
          className={view === "settings" ? "nav-button active" : "nav-button"}
          aria-current={view === "settings" ? "page" : undefined}
          onClick={() => onNavigate(view === "settings" ? "threads" : "settings")}
          data-testid="nav-settings"
        >
          Settings
        </button>
      </nav>
    </aside>
  );
}
