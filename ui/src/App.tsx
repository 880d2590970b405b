import { useCallback, useEffect, useRef, useState } from "react";
import { ErrorNotice } from "./components/ErrorNotice";
import {
  checkConnection,
  listAssistants,
  listProfiles,
  listThreads,
  toAppError,
  type AppError,
  type Assistant,
  type Connection,
  type ProfileInfo,
  type ThreadSummary,
} from "./ipc";
import { AssistantEditor } from "./views/AssistantEditor";
import { SearchView } from "./views/SearchView";
import { SettingsView } from "./views/SettingsView";
import { Sidebar } from "./views/Sidebar";
import { ThreadPanel } from "./views/ThreadPanel";

/** What the main panel shows. */
export type View =
  | { kind: "thread"; threadId: string | null; focusMessageId?: string }
  | { kind: "assistant"; assistantId: string | null }
  | { kind: "search" }
  | { kind: "settings" };

/** How often a remote profile's server is asked whether it is back. */
const RECONNECT_INTERVAL_MS = 10_000;

/** The app's frame: sidebar on the left, the current view on the right. */
export function App() {
  const [view, setView] = useState<View>({ kind: "thread", threadId: null });
  // A new panel for each navigation; a thread created by sending keeps its panel (and its stream).
  const [panelKey, setPanelKey] = useState(0);
  const navigate = useCallback((next: View) => {
    setView(next);
    setPanelKey((key) => key + 1);
  }, []);
  const [profiles, setProfiles] = useState<ProfileInfo[]>([]);
  const [connection, setConnection] = useState<Connection>({ online: true, baseUrl: null });
  const [assistants, setAssistants] = useState<Assistant[] | null>(null);
  const [threads, setThreads] = useState<ThreadSummary[] | null>(null);
  const [assistantFilter, setAssistantFilter] = useState<string | null>(null);
  const [currentAssistant, setCurrentAssistant] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<AppError | null>(null);
  const [search, setSearch] = useState("");
  const searchInput = useRef<HTMLInputElement>(null);

  const refreshThreads = useCallback(() => {
    listThreads(assistantFilter).then(setThreads, (error: unknown) => setLoadError(toAppError(error)));
  }, [assistantFilter]);

  const refreshAssistants = useCallback(() => {
    listAssistants().then(
      (list) => {
        setLoadError(null);
        setAssistants(list);
        setCurrentAssistant((current) => (current && list.some((a) => a.id === current) ? current : (list[0]?.id ?? null)));
      },
      (error: unknown) => setLoadError(toAppError(error)),
    );
  }, []);

  const refreshConnection = useCallback(() => {
    checkConnection().then(
      (next) =>
        setConnection((previous: Connection) => {
          // Back online: read everything again from the server.
          if (next.online && !previous.online) {
            refreshAssistants();
          }
          return next;
        }),
      () => undefined,
    );
  }, [refreshAssistants]);

  const refreshAll = useCallback(() => {
    listProfiles().then(setProfiles, () => undefined);
    refreshAssistants();
    refreshConnection();
  }, [refreshAssistants, refreshConnection]);

  useEffect(refreshAll, [refreshAll]);
  useEffect(refreshThreads, [refreshThreads]);

  const remote = profiles.some((profile) => profile.active && profile.id !== "local");
  useEffect(() => {
    if (!remote) return;
    const timer = setInterval(refreshConnection, RECONNECT_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [remote, refreshConnection]);

  // Keyboard: Ctrl+N new thread, Ctrl+K search. (Enter, Shift+Enter and Esc belong to the thread.)
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey)) return;
      if (event.key === "n") {
        event.preventDefault();
        navigate({ kind: "thread", threadId: null });
      } else if (event.key === "k") {
        event.preventDefault();
        searchInput.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [navigate]);

  const onSearch = (text: string) => {
    setSearch(text);
    if (text.trim() && view.kind !== "search") navigate({ kind: "search" });
  };

  const offline = !connection.online;

  return (
    <div className="app">
      <Sidebar
        view={view}
        onNavigate={navigate}
        profiles={profiles}
        assistants={assistants}
        threads={threads}
        assistantFilter={assistantFilter}
        onFilter={setAssistantFilter}
        currentAssistant={currentAssistant}
        onCurrentAssistant={setCurrentAssistant}
        search={search}
        onSearch={onSearch}
        searchInput={searchInput}
        offline={offline}
        onThreadsChanged={refreshThreads}
        onProfileChanged={() => {
          navigate({ kind: "thread", threadId: null });
          setAssistantFilter(null);
          refreshAll();
          refreshThreads();
        }}
      />
      <div className="main-column">
        {offline && (
          <div className="offline-banner" role="status" data-testid="offline-banner">
            <strong>Offline.</strong> {connection.baseUrl ?? "The server"} cannot be reached — showing what was saved on
            this computer. Creating, editing and running need the server.
            <button type="button" onClick={refreshConnection}>
              Try again
            </button>
          </div>
        )}
        {loadError && <ErrorNotice error={loadError} onRetry={refreshAll} />}
        {view.kind === "settings" && <SettingsView onProfilesChanged={refreshAll} />}
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
              navigate({ kind: "thread", threadId: null });
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
            currentAssistant={currentAssistant}
            onCurrentAssistant={setCurrentAssistant}
            offline={offline}
            onThreadCreated={(threadId) => {
              setView({ kind: "thread", threadId });
              refreshThreads();
            }}
            onThreadsChanged={refreshThreads}
            onOffline={refreshConnection}
            onNewAssistant={() => navigate({ kind: "assistant", assistantId: null })}
            onThreadDeleted={() => navigate({ kind: "thread", threadId: null })}
          />
        )}
      </div>
    </div>
  );
}
