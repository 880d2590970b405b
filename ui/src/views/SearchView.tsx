import { useEffect, useState } from "react";
import { ErrorNotice } from "../components/ErrorNotice";
import { reportFailure } from "../errors";
import { searchMessages, type AppError, type Assistant, type SearchHit } from "../ipc";
import { formatTime } from "./time";

const HIT_START = "\u0002";
const HIT_END = "\u0003";

/** A snippet with its hits marked: the text is rendered as text, never as HTML. */
function Snippet({ text }: { text: string }) {
  const parts: { text: string; hit: boolean }[] = [];
  let hit = false;
  let current = "";
  for (const char of text) {
    if (char === HIT_START || char === HIT_END) {
      if (current) parts.push({ text: current, hit });
      current = "";
      hit = char === HIT_START;
    } else {
      current += char;
    }
  }
  if (current) parts.push({ text: current, hit });
  return (
    <span className="snippet">
      {parts.map((part, index) => (part.hit ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>))}
    </span>
  );
}

interface SearchViewProps {
  query: string;
  assistants: Assistant[];
  onOpen: (threadId: string, messageId: string) => void;
}

/** Results as you type, across every message of the profile; works offline. */
export function SearchView({ query, assistants, onOpen }: SearchViewProps) {
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [assistantId, setAssistantId] = useState<string | null>(null);
  const [error, setError] = useState<AppError | null>(null);

  useEffect(() => {
    let current = true;
    searchMessages(query, assistantId).then(
      (found) => current && (setHits(found), setError(null)),
      (failure: unknown) => current && setError(reportFailure(failure)),
    );
    return () => {
      current = false;
    };
  }, [query, assistantId]);

  const nameOf = (id: string | null) => assistants.find((a) => a.id === id)?.name ?? "";

  return (
    <section className="main-panel search" data-testid="search-view" aria-label="Search">
      <header className="editor-head">
        <h1>Search</h1>
        <select aria-label="Only messages of" value={assistantId ?? ""} onChange={(e) => setAssistantId(e.target.value || null)} data-testid="search-filter">
          <option value="">All assistants</option>
          {assistants.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name || a.id}
            </option>
          ))}
        </select>
      </header>
      {error && <ErrorNotice error={error} />}
      {hits !== null && hits.length === 0 && query.trim() && <p className="muted" data-testid="search-empty">Nothing matches “{query}”.</p>}
      <ul className="search-results">
        {hits?.map((hit) => (
          <li key={hit.messageId}>
            <button type="button" onClick={() => onOpen(hit.threadId, hit.messageId)} data-testid="search-hit">
              <Snippet text={hit.snippet} />
              <span className="muted small-text">
                {nameOf(hit.assistantId)} · {formatTime(hit.createdAt)}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
