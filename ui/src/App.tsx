import { useState } from "react";
import { Sidebar } from "./views/Sidebar";
import { SettingsView } from "./views/SettingsView";
import { ThreadPanel } from "./views/ThreadPanel";

export type View = "threads" | "settings";

/** The app's frame: sidebar on the left, the current view on the right. */
export function App() {
  const [view, setView] = useState<View>("threads");
  return (
    <div className="app">
      <Sidebar view={view} onNavigate={setView} />
      {view === "settings" ? <SettingsView /> : <ThreadPanel />}
    </div>
  );
}
