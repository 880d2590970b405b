import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef, type RefObject } from "react";
import { EmptyState } from "../components/EmptyState";
import { switchProfile, type Assistant, type ProfileInfo, type ThreadSummary } from "../ipc";
import type { View } from "../App";
import { formatTime } from "./time";

interface SidebarProps {
  view: View;
  onNavigate: (view: View) => void;
  profiles: ProfileInfo[];
  assistants: Assistant[] | null;
  threads: ThreadSummary[] | null;
  assistantFilter: string | null;
  onFilter: (assistantId: string | null) => void;
  currentAssistant: string | null;
  onCurrentAssistant: (assistantId: string) => void;
  search: string;
  onSearch: (text: string) => void;
  searchInput: RefObject<HTMLInputElement | null>;
  offline: boolean;
  onThreadsChanged: () => void;
  onProfileChanged: () => void;
}

/** Height of one thread row; fixed so the list can be virtualized. */
const THREAD_ROW_PX = 58;

/** The left column: profile, search, assistants, threads, and the way to settings. */
export function Sidebar(props: SidebarProps) {
  const { view, onNavigate, profiles, assistants, threads, offline } = props;
  const listRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer hands out fresh functions each render; this component is simply not memoized by the compiler
  const virtualizer = useVirtualizer({
    count: threads?.length ?? 0,
    getScrollElement: () => listRef.current,
    estimateSize: () => THREAD_ROW_PX,
    overscan: 8,
  });
  // Marks the first paint of a non-empty thread list, for the start-up benchmark.
  const painted = useRef(false);
  useEffect(() => {
    if (!painted.current && threads && threads.length > 0) {
      painted.current = true;
      performance.mark("hearth:threads-painted");
    }
  }, [threads]);
  const assistantName = (id: string | null) =>
    assistants?.find((assistant) => assistant.id === id)?.name ?? (id ? "Deleted assistant" : "");
  const selectedThread = view.kind === "thread" ? view.threadId : null;

  return (
    <aside className="sidebar" data-testid="sidebar">
      <header className="sidebar-brand">
        <img src="/hearth.svg" alt="" width={24} height={24} />
        <span>Hearth</span>
        {profiles.length > 1 && (
          <select
            className="profile-select"
            aria-label="Profile"
            data-testid="profile-select"
            value={profiles.find((profile) => profile.active)?.id ?? "local"}
            onChange={(event) => {
              void switchProfile(event.target.value).then(props.onProfileChanged);
            }}
          >
            {profiles.map((profile) => (
              <option key={profile.id} value={profile.id}>
                {profile.name}
              </option>
            ))}
          </select>
        )}
      </header>
      <div className="sidebar-search">
        <input
          ref={props.searchInput}
          type="search"
          placeholder="Search messages (Ctrl+K)"
          aria-label="Search messages"
          data-testid="search-input"
          value={props.search}
          onChange={(event) => props.onSearch(event.target.value)}
          onFocus={() => props.search.trim() && onNavigate({ kind: "search" })}
        />
      </div>
      <section className="sidebar-section assistants-section" aria-labelledby="assistants-heading">
        <div className="section-head">
          <h2 id="assistants-heading">Assistants</h2>
          <button
            type="button"
            className="small"
            disabled={offline}
            title={offline ? "Creating an assistant needs the server" : "New assistant"}
            onClick={() => onNavigate({ kind: "assistant", assistantId: null })}
            data-testid="new-assistant"
          >
            + New
          </button>
        </div>
        {assistants !== null && assistants.length === 0 && (
          <EmptyState
            testId="assistants-empty"
            title="No assistants yet"
            detail="Create one: give it instructions and a model."
          />
        )}
        <ul className="assistant-list">
          {(assistants ?? []).map((assistant) => (
            <li key={assistant.id} className={assistant.id === props.currentAssistant ? "current" : undefined}>
              <button
                type="button"
                className="assistant-name"
                data-testid="assistant-item"
                onClick={() => {
                  props.onCurrentAssistant(assistant.id);
                  onNavigate({ kind: "thread", threadId: null });
                }}
              >
                {assistant.name || "Untitled assistant"}
                <span className="muted small-text"> {assistant.model}</span>
              </button>
              <button
                type="button"
                className="small ghost"
                aria-label={`Edit ${assistant.name ?? "assistant"}`}
                data-testid="edit-assistant"
                onClick={() => onNavigate({ kind: "assistant", assistantId: assistant.id })}
              >
                Edit
              </button>
            </li>
          ))}
        </ul>
      </section>
      <section className="sidebar-section threads-section" aria-labelledby="threads-heading">
        <div className="section-head">
          <h2 id="threads-heading">Threads</h2>
          <button
            type="button"
            className="small"
            title="New thread (Ctrl+N)"
            onClick={() => onNavigate({ kind: "thread", threadId: null })}
            data-testid="new-thread"
          >
            + New
          </button>
        </div>
        {(assistants?.length ?? 0) > 0 && (
          <select
            aria-label="Show threads of"
            className="thread-filter"
            value={props.assistantFilter ?? ""}
            onChange={(event) => props.onFilter(event.target.value || null)}
            data-testid="thread-filter"
          >
            <option value="">All assistants</option>
            {(assistants ?? []).map((assistant) => (
              <option key={assistant.id} value={assistant.id}>
                {assistant.name || assistant.id}
              </option>
            ))}
          </select>
        )}
        {threads !== null && threads.length === 0 && (
          <EmptyState testId="threads-empty" title="No threads" detail="Start one by sending a message." />
        )}
        <div className="thread-list" ref={listRef} data-testid="thread-list">
          <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
            {virtualizer.getVirtualItems().map((row) => {
              const thread = threads?.[row.index];
              if (!thread) return null;
              return (
                <button
                  type="button"
                  key={thread.id}
                  className={thread.id === selectedThread ? "thread-row selected" : "thread-row"}
                  style={{ transform: `translateY(${row.start}px)`, height: THREAD_ROW_PX }}
                  onClick={() => onNavigate({ kind: "thread", threadId: thread.id })}
                  title={thread.title || "New thread"}
                  data-testid="thread-item"
                  data-thread-id={thread.id}
                >
                  <span className="thread-line">
                    <span className="thread-title">{thread.title || "New thread"}</span>
                    <span className="thread-time">{formatTime(thread.updatedAt)}</span>
                  </span>
                  <span className="thread-preview">
                    {thread.assistantId && <span className="muted">{assistantName(thread.assistantId)} · </span>}
                    {thread.preview}
                  </span>
                </button>
              );
            })}
          </div>
        </div>
      </section>
      <nav className="sidebar-footer">
        <button
          type="button"
          className={view.kind === "settings" ? "nav-button active" : "nav-button"}
          aria-current={view.kind === "settings" ? "page" : undefined}
          onClick={() => onNavigate(view.kind === "settings" ? { kind: "thread", threadId: null } : { kind: "settings" })}
          data-testid="nav-settings"
        >
          Settings
        </button>
      </nav>
    </aside>
  );
}
