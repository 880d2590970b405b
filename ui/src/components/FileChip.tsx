import { useFileInfo } from "../files/useFileInfo";
import { size } from "../views/units";
import { SaveFileButton } from "./SaveFileButton";

/** A file an answer links to: its name and size, and "Save file as…". */
export function FileChip({ fileId, name }: { fileId: string; name: string }) {
  const { file, error } = useFileInfo(fileId);
  return (
    <div className="file-chip" data-testid="file-chip" data-file-id={fileId}>
      <span className="file-chip-name" title={file?.filename ?? name}>
        {file?.filename ?? name}
      </span>
      <span className="muted small-text">{file ? size(file.bytes) : error ? "not available" : "…"}</span>
      {error ? (
        <span className="danger-text small-text" title={error.message}>
          {error.code === "not_found" ? "This file was deleted." : error.message}
        </span>
      ) : (
        <SaveFileButton fileId={fileId} label="Save file as…" />
      )}
    </div>
  );
}
