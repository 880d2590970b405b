import type { KeyboardEvent } from "react";
import type { Message } from "../ipc";
import { resultText, type Citation } from "../threads/citations";
import { placeLabel } from "../knowledge/status";
import { useCitedPassage } from "../threads/useCitedPassage";
import { usePassagePlace } from "../threads/usePassagePlace";

interface CitationPanelProps {
  message: Message;
  citation: Citation;
  onClose: () => void;
}

/** The passage a citation points at, beside the conversation: file, score and the quoted chunk. */
export function CitationPanel({ message, citation, onClose }: CitationPanelProps) {
  const passage = useCitedPassage(message, citation);
  const fileName = passage.status === "found" ? passage.result.file_name : (citation.fileName ?? citation.fileId);
  const place = placeLabel(usePassagePlace(passage.status === "found" ? passage.result : null));
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "Escape") return;
    event.stopPropagation();
    onClose();
  };
  return (
    <aside className="citation-panel" aria-label={`Source ${citation.number}`} data-testid="citation-panel" onKeyDown={onKeyDown}>
      <header>
        <strong>
          <span className="citation-number">{citation.number}</span> {fileName}
        </strong>
        <button type="button" className="small" onClick={onClose} autoFocus>
          Close
        </button>
      </header>
      {passage.status === "loading" && <p className="muted">Finding the passage…</p>}
      {passage.status === "failed" && (
        <p className="danger-text" role="alert">
          {passage.error.message}
        </p>
      )}
      {passage.status === "missing" && (
        <p className="muted">The run that wrote this answer no longer holds the passage it cited.</p>
      )}
      {passage.status === "found" && (
        <>
          {place && (
            <p className="passage-place" data-testid="cited-passage-place">
              {place}
            </p>
          )}
          <p className="muted small-text">
            Relevance {passage.result.score?.toFixed(2) ?? "not given"} · file <code>{citation.fileId}</code>
          </p>
          <blockquote className="cited-passage" data-testid="cited-passage">
            {resultText(passage.result) ?? "The search kept no text for this passage."}
          </blockquote>
        </>
      )}
    </aside>
  );
}
