import { ConfirmButton } from "../components/ConfirmButton";
import { EmptyState } from "../components/EmptyState";
import type { KnowledgeStore } from "../ipc";
import { countsLabel, expiryLabel, storeName, usedByLabel } from "../knowledge/status";
import { StoreFileRow } from "./StoreFileRow";
import { size } from "./units";

interface KnowledgeStoresProps {
  stores: KnowledgeStore[];
  onReindex: (storeId: string, fileId: string) => void;
  onDelete: (storeId: string) => void;
}

/** Every vector store: its files with their status, counts, size, expiry and who searches it. */
export function KnowledgeStores({ stores, onReindex, onDelete }: KnowledgeStoresProps) {
  return (
    <section className="knowledge-section" aria-labelledby="knowledge-stores-heading">
      <h2 id="knowledge-stores-heading">Vector stores</h2>
      {stores.length === 0 && (
        <EmptyState testId="knowledge-stores-empty" title="No vector stores" detail="Adding files to an assistant makes one." />
      )}
      {stores.map(({ store, files, assistants, threads }) => (
        <article key={store.id} className="knowledge-store" data-testid="knowledge-store" data-store-id={store.id}>
          <header className="knowledge-store-head">
            <strong>{storeName(store)}</strong>
            <span className="muted small-text" data-testid="knowledge-store-counts">
              {countsLabel(store)} · {size(store.usage_bytes)} · {store.status}
            </span>
            <ConfirmButton
              label="Delete store"
              confirmLabel="Delete vector store"
              question="Delete this vector store? Its files stay."
              testId="knowledge-delete-store"
              onConfirm={() => onDelete(store.id)}
            />
          </header>
          <p className="muted small-text">
            Used by: {usedByLabel(assistants, threads)}
            {expiryLabel(store) && ` · ${expiryLabel(store)}`}
          </p>
          {files.length > 0 && (
            <ul className="store-files">
              {files.map((file) => (
                <StoreFileRow key={file.attachment.id} file={file} onReindex={() => onReindex(store.id, file.attachment.id)} />
              ))}
            </ul>
          )}
        </article>
      ))}
    </section>
  );
}
