import { useCallback, useRef, useState } from "react";
import { useAppData } from "./app/useAppData";
import { useShortcuts } from "./app/useShortcuts";
import { ErrorNotice } from "./components/ErrorNotice";
import { AssistantEditor } from "./views/AssistantEditor";
import { KnowledgeView } from "./views/KnowledgeView";
import { OfflineBanner } from "./views/OfflineBanner";
import { SearchView } from "./views/SearchView";
import { SettingsView } from "./views/SettingsView";
import { Sidebar } from "./views/Sidebar";
import { ThreadPanel } from "./views/ThreadPanel";

/** What the main panel shows. */
export type View =
  | { kind: "thread"; threadId: string | null; focusMessageId?: string }
  | { kind: "assistant"; assistantId: string | null }
  | { kind: "search" }
  | { kind: "knowledge" }
  | { kind: "settings" };

/** The app's frame: sidebar on the left, the current view on the right. */
export function App() {
  const [view, setView] = useState<View>({ kind: "thread", threadId: null });
  // A new panel for each navigation; a thread created by sending keeps its panel (and its stream).
  const [panelKey, setPanelKey] = useState(0);
  const navigate = useCallback((next: View) => {
    setView(next);
    setPanelKey((key) => key + 1);
  }, []);
  const data = useAppData();
  const { assistants, threads, offline, refreshAssistants, refreshThreads, setCurrentAssistant } = data;
  const [search, setSearch] = useState("");
  const searchInput = useRef<HTMLInputElement>(null);

  const newThread = useCallback(() => navigate({ kind: "thread", threadId: null }), [navigate]);
  const focusSearch = useCallback(() => searchInput.current?.focus(), []);
  useShortcuts({ onNewThread: newThread, onSearch: focusSearch });

  const onSearch = (text: string) => {
    setSearch(text);
    if (text.trim() && view.kind !== "search") navigate({ kind: "search" });
  };

  return (
    <div className="app">
      <Sidebar
        view={view}
        onNavigate={navigate}
        profiles={data.profiles}
        assistants={assistants}
        threads={threads}
        assistantFilter={data.assistantFilter}
        onFilter={data.setAssistantFilter}
        currentAssistant={data.currentAssistant}
        onCurrentAssistant={setCurrentAssistant}
        search={search}
        onSearch={onSearch}
        searchInput={searchInput}
        offline={offline}
        onProfileChanged={() => {
          newThread();
          data.setAssistantFilter(null);
          data.refreshAll();
          refreshThreads();
        }}
        onAssistantsChanged={refreshAssistants}
        onThreadImported={(threadId) => {
          refreshThreads();
          navigate({ kind: "thread", threadId });
        }}
      />
      <div className="main-column">
        {offline && <OfflineBanner baseUrl={data.connection.baseUrl ?? null} onRetry={data.refreshConnection} />}
        {data.loadError && <ErrorNotice error={data.loadError} onRetry={data.refreshAll} />}
        {view.kind === "settings" && <SettingsView onProfilesChanged={data.refreshAll} />}
        {view.kind === "knowledge" && <KnowledgeView key={panelKey} />}
        {view.kind === "search" && (
          <SearchView
            query={search}
            assistants={assistants ?? []}
            onOpen={(threadId, messageId) => navigate({ kind: "thread", threadId, focusMessageId: messageId })}
          />
        )}
        {view.kind === "assistant" && (
          <AssistantEditor
            key={panelKey}
            assistant={assistants?.find((a) => a.id === view.assistantId) ?? null}
            offline={offline}
            onSaved={(saved) => {
              refreshAssistants();
              setCurrentAssistant(saved.id);
              setView({ kind: "assistant", assistantId: saved.id });
            }}
            onDeleted={() => {
              refreshAssistants();
              newThread();
            }}
            onDuplicated={(copy) => {
              refreshAssistants();
              navigate({ kind: "assistant", assistantId: copy.id });
            }}
          />
        )}
        {view.kind === "thread" && (
          <ThreadPanel
            key={panelKey}
            threadId={view.threadId}
            title={threads?.find((thread) => thread.id === view.threadId)?.title}
            focusMessageId={view.focusMessageId}
            assistants={assistants}
            currentAssistant={data.currentAssistant}
            onCurrentAssistant={setCurrentAssistant}
            offline={offline}
            onThreadCreated={(threadId) => {
              setView({ kind: "thread", threadId });
              refreshThreads();
            }}
            onThreadsChanged={refreshThreads}
            onNewAssistant={() => navigate({ kind: "assistant", assistantId: null })}
            onThreadDeleted={newThread}
          />
        )}
      </div>
    </div>
  );
}
