import type { NamedStoreFile } from "../ipc";
import { fileStatus } from "../knowledge/status";
import { size } from "./units";

interface StoreFileRowProps {
  file: NamedStoreFile;
  onReindex?: () => void;
  onRemove?: () => void;
}

/** One file of a vector store: its name, size and indexing status (with the reason it failed). */
export function StoreFileRow({ file, onReindex, onRemove }: StoreFileRowProps) {
  const status = fileStatus(file.attachment);
  return (
    <li className="store-file" data-testid="store-file" data-file-id={file.attachment.id} data-status={file.attachment.status}>
      <span className="store-file-name">{file.filename}</span>
      <span className={`status-badge status-${status.tone}`} data-testid="store-file-status">
        {status.label}
      </span>
      {file.attachment.usage_bytes > 0 && <span className="muted small-text">{size(file.attachment.usage_bytes)} indexed</span>}
      {status.reason && (
        <span className="danger-text small-text" data-testid="store-file-reason">
          {status.reason}
        </span>
      )}
      <span className="store-file-actions">
        {onReindex && (
          <button
            type="button"
            className="small"
            disabled={file.attachment.status === "in_progress"}
            onClick={onReindex}
            data-testid="store-file-reindex"
          >
            Index again
          </button>
        )}
        {onRemove && (
          <button type="button" className="small" onClick={onRemove} data-testid="store-file-remove">
            Remove
          </button>
        )}
      </span>
    </li>
  );
}
