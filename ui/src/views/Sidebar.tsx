import type { RefObject } from "react";
import type { View } from "../App";
import { EmptyState } from "../components/EmptyState";
import { reportFailure } from "../errors";
import { ImportThreadButton } from "../export/ImportThreadButton";
import { switchProfile, type Assistant, type ProfileInfo, type ThreadSummary } from "../ipc";
import { AssistantList } from "./AssistantList";
import { ThreadList } from "./ThreadList";

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
  onProfileChanged: () => void;
  /** An assistant was changed from the sidebar (documents dropped on it). */
  onAssistantsChanged: () => void;
  /** A thread was imported from a file: show it. */
  onThreadImported: (threadId: string) => void;
}

/** The left column: profile, search, assistants, threads, and the way to settings. */
export function Sidebar({
  view,
  onNavigate,
  profiles,
  assistants,
  threads,
  assistantFilter,
  onFilter,
  currentAssistant,
  onCurrentAssistant,
  search,
  onSearch,
  searchInput,
  offline,
  onProfileChanged,
  onAssistantsChanged,
  onThreadImported,
}: SidebarProps) {
  const newThread = () => onNavigate({ kind: "thread", threadId: null });

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
              // Whether the switch worked or not, the window reads again which profile is in use.
              switchProfile(event.target.value).then(onProfileChanged, (failure: unknown) => {
                reportFailure(failure);
                onProfileChanged();
              });
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
          ref={searchInput}
          type="search"
          placeholder="Search messages (Ctrl+K)"
          aria-label="Search messages"
          data-testid="search-input"
          value={search}
          onChange={(event) => onSearch(event.target.value)}
          onFocus={() => search.trim() && onNavigate({ kind: "search" })}
        />
      </div>
      <AssistantList
        assistants={assistants}
        currentAssistant={currentAssistant}
        offline={offline}
        onNew={() => onNavigate({ kind: "assistant", assistantId: null })}
        onChoose={(assistantId) => {
          onCurrentAssistant(assistantId);
          newThread();
        }}
        onEdit={(assistantId) => onNavigate({ kind: "assistant", assistantId })}
        onChanged={onAssistantsChanged}
      />
      <section className="sidebar-section threads-section" aria-labelledby="threads-heading">
        <div className="section-head">
          <h2 id="threads-heading">Threads</h2>
          <button type="button" className="small" title="New thread (Ctrl+N)" onClick={newThread} data-testid="new-thread">
            + New
          </button>
          <ImportThreadButton onImported={(thread) => onThreadImported(thread.id)} disabled={offline} />
        </div>
        {(assistants?.length ?? 0) > 0 && (
          <select
            aria-label="Show threads of"
            className="thread-filter"
            value={assistantFilter ?? ""}
            onChange={(event) => onFilter(event.target.value || null)}
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
        <ThreadList
          threads={threads}
          assistants={assistants}
          selectedThread={view.kind === "thread" ? view.threadId : null}
          onOpen={(threadId) => onNavigate({ kind: "thread", threadId })}
        />
      </section>
      <nav className="sidebar-footer">
        <button
          type="button"
          className={view.kind === "knowledge" ? "nav-button active" : "nav-button"}
          aria-current={view.kind === "knowledge" ? "page" : undefined}
          onClick={() => onNavigate(view.kind === "knowledge" ? { kind: "thread", threadId: null } : { kind: "knowledge" })}
          data-testid="nav-knowledge"
        >
          Knowledge
        </button>
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
