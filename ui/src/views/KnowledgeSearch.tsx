import { useState } from "react";
import { ErrorNotice } from "../components/ErrorNotice";
import type { StoreSummary } from "../ipc";
import { placeLabel, storeName } from "../knowledge/status";
import { useStoreSearch } from "../knowledge/useStoreSearch";

/** A search over one vector store that lists the passages found, each with its score. */
export function KnowledgeSearch({ stores }: { stores: StoreSummary[] }) {
  const [chosen, setChosen] = useState<string>("");
  const [query, setQuery] = useState("");
  const { state, search } = useStoreSearch();
  const storeId = stores.some((store) => store.id === chosen) ? chosen : (stores[0]?.id ?? "");
  if (stores.length === 0) return null;
  return (
    <section className="knowledge-section" aria-labelledby="knowledge-search-heading">
      <h2 id="knowledge-search-heading">Search a vector store</h2>
      <form
        className="knowledge-search"
        onSubmit={(event) => {
          event.preventDefault();
          if (storeId) search(storeId, query);
        }}
      >
        <select aria-label="Vector store" value={storeId} onChange={(e) => setChosen(e.target.value)} data-testid="knowledge-search-store">
          {stores.map((store) => (
            <option key={store.id} value={store.id}>
              {storeName(store)}
            </option>
          ))}
        </select>
        <input
          type="search"
          aria-label="Search the vector store"
          placeholder="What would you ask?"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          data-testid="knowledge-search-input"
        />
        <button type="submit" className="primary" disabled={!query.trim()} data-testid="knowledge-search-button">
          Search
        </button>
      </form>
      {state.status === "searching" && <p className="muted">Searching…</p>}
      {state.status === "failed" && <ErrorNotice error={state.error} />}
      {state.status === "found" && state.chunks.length === 0 && (
        <p className="muted" data-testid="knowledge-search-none">
          No passage matches “{state.query}”.
        </p>
      )}
      {state.status === "found" && state.chunks.length > 0 && (
        <ol className="scored-chunks" data-testid="knowledge-search-results">
          {state.chunks.map((chunk, index) => (
            <li key={index} className="scored-chunk" data-testid="scored-chunk">
              <div className="scored-chunk-head">
                <strong>{chunk.filename}</strong>
                {placeLabel(chunk.place) && (
                  <span className="muted small-text" data-testid="scored-chunk-place">
                    {placeLabel(chunk.place)}
                  </span>
                )}
                <span className="score" data-testid="scored-chunk-score">
                  {chunk.score?.toFixed(3) ?? "—"}
                </span>
              </div>
              <blockquote className="cited-passage">{chunk.text}</blockquote>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
