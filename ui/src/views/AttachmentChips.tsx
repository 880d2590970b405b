import { sizeText, toolCanUse, toolLabel, type AttachTool, type RefusedFile } from "../attachments/fileKinds";
import type { Upload } from "../attachments/uploads";
import type { Uploads } from "../attachments/useUploads";

const TOOLS: AttachTool[] = ["file_search", "code_interpreter"];

/** Where a file is, in words. */
export function uploadStatus(upload: Upload): string {
  switch (upload.phase) {
    case "uploading":
      return upload.bytes > 0 ? `Uploading ${Math.floor((upload.sent / upload.bytes) * 100)}%` : "Uploading";
    case "indexing":
      return "Indexing…";
    case "ready":
      return upload.tool === "file_search" ? "Indexed" : "Uploaded";
    case "failed":
      return `Failed: ${upload.error ?? "unknown reason"}`;
  }
}

interface ChipProps {
  upload: Upload;
  uploads: Uploads;
  /** Whether the person may choose the tool (a message's files) or it is fixed (an assistant's). */
  choosableTool: boolean;
}

function AttachmentChip({ upload, uploads, choosableTool }: ChipProps) {
  const { key, name, phase } = upload;
  return (
    <li className={`attachment-chip attachment-${phase}`} data-testid="attachment-chip" data-phase={phase} title={upload.path}>
      <span className="attachment-name">{name}</span>
      <span className="muted small-text"> {sizeText(upload.bytes)}</span>
      {choosableTool ? (
        <select
          aria-label={`Tool for ${name}`}
          className="attachment-tool"
          data-testid="attachment-tool"
          value={upload.tool}
          onChange={(event) => {
            const tool = TOOLS.find((t) => t === event.target.value);
            if (tool) uploads.switchTool(key, tool);
          }}
        >
          {TOOLS.map((tool) => (
            <option key={tool} value={tool} disabled={!toolCanUse(tool, name)}>
              {toolLabel(tool)}
            </option>
          ))}
        </select>
      ) : (
        <span className="attachment-tool-fixed muted small-text">{toolLabel(upload.tool)}</span>
      )}
      {phase === "uploading" && (
        <progress className="attachment-progress" max={upload.bytes || 1} value={upload.sent} aria-label={`Upload of ${name}`} />
      )}
      <span className="attachment-status" data-testid="attachment-status" role={phase === "failed" ? "alert" : undefined}>
        {uploadStatus(upload)}
      </span>
      {phase === "failed" && (
        <button type="button" className="small" data-testid="attachment-retry" onClick={() => uploads.retry(key)}>
          Retry
        </button>
      )}
      {!choosableTool && phase === "ready" ? (
        <button type="button" className="small ghost" aria-label={`Hide ${name}`} onClick={() => uploads.dismiss(key)}>
          ✕
        </button>
      ) : (
        <button
          type="button"
          className="small ghost"
          aria-label={`Remove ${name}`}
          data-testid="attachment-remove"
          onClick={() => uploads.remove(key)}
        >
          ✕
        </button>
      )}
    </li>
  );
}

/** The files going with a message, or into an assistant's knowledge, each with its progress. */
export function AttachmentChips({ uploads, choosableTool }: { uploads: Uploads; choosableTool: boolean }) {
  if (uploads.uploads.length === 0 && uploads.refused.length === 0) return null;
  return (
    <div className="attachments">
      {uploads.uploads.length > 0 && (
        <ul className="attachment-list" aria-label="Attached files">
          {uploads.uploads.map((upload) => (
            <AttachmentChip key={upload.key} upload={upload} uploads={uploads} choosableTool={choosableTool} />
          ))}
        </ul>
      )}
      <RefusedFiles refused={uploads.refused} onDismiss={uploads.dismissRefused} />
    </div>
  );
}

/** Drops that were not taken, each with its name and why. */
export function RefusedFiles({ refused, onDismiss }: { refused: RefusedFile[]; onDismiss: () => void }) {
  if (refused.length === 0) return null;
  return (
    <div className="refused-files" role="alert">
      <ul>
        {refused.map((file, i) => (
          <li key={`${i}:${file.name}`} data-testid="refused-file">
            Not attached: <strong>{file.name}</strong> — {file.reason}.
          </li>
        ))}
      </ul>
      <button type="button" className="small ghost" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
