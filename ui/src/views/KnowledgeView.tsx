import { ErrorNotice } from "../components/ErrorNotice";
import type { KnowledgeOverview } from "../ipc";
import { useKnowledge } from "../knowledge/useKnowledge";
import { KnowledgeFiles } from "./KnowledgeFiles";
import { KnowledgeSearch } from "./KnowledgeSearch";
import { KnowledgeStores } from "./KnowledgeStores";

/** Every file and vector store of the profile, what uses each, and a search over a store. */
export function KnowledgeView() {
  const knowledge = useKnowledge();
  const { overview, failure } = knowledge;
  return (
    <section className="main-panel knowledge" data-testid="knowledge-view" aria-label="Knowledge">
      <header className="editor-head">
        <h1>Knowledge</h1>
        <button type="button" className="small" onClick={knowledge.refresh} data-testid="knowledge-refresh">
          Refresh
        </button>
      </header>
      <p className="hint">
        The documents your assistants and threads search, and the vector stores that hold them. Search a store to see
        which passages an answer could have drawn on, and how well each matched.
      </p>
      {failure && <ErrorNotice error={failure} onRetry={knowledge.refresh} />}
      {overview === null && !failure && <p className="muted">Reading the files…</p>}
      {overview !== null && <KnowledgeBody overview={overview} knowledge={knowledge} />}
    </section>
  );
}

function KnowledgeBody({ overview, knowledge }: { overview: KnowledgeOverview; knowledge: ReturnType<typeof useKnowledge> }) {
  return (
    <>
      <KnowledgeSearch stores={overview.vector_stores.map((entry) => entry.store)} />
      <KnowledgeStores stores={overview.vector_stores} onReindex={knowledge.reindex} onDelete={knowledge.removeStore} />
      <KnowledgeFiles files={overview.files} onDelete={knowledge.removeFile} />
    </>
  );
}
