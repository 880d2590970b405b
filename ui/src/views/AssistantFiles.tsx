import { ErrorNotice } from "../components/ErrorNotice";
import type { Assistant, AssistantFileTool } from "../ipc";
import { storeName } from "../knowledge/status";
import { useAssistantFiles, type PendingUpload } from "../knowledge/useAssistantFiles";
import { StoreFileRow } from "./StoreFileRow";
import { size } from "./units";

interface AssistantFilesProps {
  /** The assistant as saved; files need it to exist. */
  assistant: Assistant | null;
  offline: boolean;
}

/** An assistant's tool resources: the vector store file search reads, and the code interpreter's files. */
export function AssistantFiles({ assistant, offline }: AssistantFilesProps) {
  return (
    <fieldset data-testid="assistant-files">
      <legend>Files</legend>
      {assistant === null ? (
        <p className="hint">Create the assistant first; then add the documents it searches and the files its code reads.</p>
      ) : (
        // A new editor state per assistant: its files are read afresh.
        <AssistantFilesOf key={assistant.id} assistant={assistant} offline={offline} />
      )}
    </fieldset>
  );
}

function AssistantFilesOf({ assistant: saved, offline }: { assistant: Assistant; offline: boolean }) {
  const files = useAssistantFiles(saved);
  const { storeId, stores } = files;
  const pendingFor = (tool: AssistantFileTool) => files.pending.filter((entry) => entry.tool === tool);
  return (
    <>
      <div className="tool-files" data-testid="file-search-files">
        <h3>File search</h3>
        <div className="store-picker">
          <select
            aria-label="Vector store"
            value={storeId ?? ""}
            disabled={offline}
            onChange={(event) => files.chooseStore(event.target.value || null)}
            data-testid="assistant-store-select"
          >
            <option value="">No vector store</option>
            {stores.map((store) => (
              <option key={store.id} value={store.id}>
                {storeName(store)}
              </option>
            ))}
            {storeId && !stores.some((store) => store.id === storeId) && <option value={storeId}>{storeId}</option>}
          </select>
          {storeId === null && (
            <button type="button" className="small" disabled={offline} onClick={files.createStore} data-testid="assistant-create-store">
              Create a vector store
            </button>
          )}
        </div>
        {files.storeFiles.length > 0 && (
          <ul className="store-files">
            {files.storeFiles.map((file) => (
              <StoreFileRow key={file.attachment.id} file={file} onRemove={() => files.removeFile(file.attachment.id, "file_search")} />
            ))}
          </ul>
        )}
        <PendingList pending={pendingFor("file_search")} onDismiss={files.dismiss} />
        <button type="button" className="small" disabled={offline} onClick={() => void files.addFiles("file_search")} data-testid="add-search-files">
          + Add documents…
        </button>
        <p className="hint">Documents go into the vector store (one is made if there is none) and are searched once indexed.</p>
      </div>
      <div className="tool-files" data-testid="code-interpreter-files">
        <h3>Code interpreter</h3>
        {files.codeFiles.length > 0 && (
          <ul className="store-files">
            {files.codeFiles.map((file) => (
              <li key={file.id} className="store-file" data-testid="code-file">
                <span className="store-file-name">{file.filename}</span>
                <span className="muted small-text">{size(file.bytes)}</span>
                <span className="store-file-actions">
                  <button type="button" className="small" onClick={() => files.removeFile(file.id, "code_interpreter")} data-testid="code-file-remove">
                    Remove
                  </button>
                </span>
              </li>
            ))}
          </ul>
        )}
        <PendingList pending={pendingFor("code_interpreter")} onDismiss={files.dismiss} />
        <button type="button" className="small" disabled={offline} onClick={() => void files.addFiles("code_interpreter")} data-testid="add-code-files">
          + Add files…
        </button>
        <p className="hint">Data files (CSV, XLSX, JSON…) the code interpreter finds in its sandbox.</p>
      </div>
      {files.failure && <ErrorNotice error={files.failure} />}
    </>
  );
}

function PendingList({ pending, onDismiss }: { pending: PendingUpload[]; onDismiss: (key: string) => void }) {
  if (pending.length === 0) return null;
  return (
    <ul className="store-files">
      {pending.map((entry) => (
        <li key={entry.key} className="store-file" data-testid="pending-upload">
          <span className="store-file-name">{entry.name}</span>
          {entry.failure === null ? (
            <span className="status-badge status-busy">Uploading…</span>
          ) : (
            <>
              <span className="status-badge status-failed">Not added</span>
              <span className="danger-text small-text" data-testid="pending-upload-reason">
                {entry.failure}
              </span>
              <span className="store-file-actions">
                <button type="button" className="small" onClick={() => onDismiss(entry.key)}>
                  Dismiss
                </button>
              </span>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
