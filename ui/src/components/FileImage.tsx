import { useRef, useState } from "react";
import { useFileImage } from "../files/useFileImage";
import { useInView } from "../files/useInView";
import { Lightbox } from "./Lightbox";
import { SaveFileButton } from "./SaveFileButton";

/**
 * An image file (a chart a run made) fitted to the column: read only when scrolled near, enlarged
 * on click, with "Save image as…".
 */
export function FileImage({ fileId, label }: { fileId: string; label: string }) {
  const frame = useRef<HTMLElement>(null);
  const inView = useInView(frame);
  const { url, error } = useFileImage(fileId, inView);
  const [enlarged, setEnlarged] = useState(false);
  return (
    <figure className="file-image" ref={frame} data-testid="file-image" data-file-id={fileId}>
      {url ? (
        <button type="button" className="image-open" onClick={() => setEnlarged(true)} aria-label={`Enlarge ${label}`}>
          <img src={url} alt={label} />
        </button>
      ) : error ? (
        <p className="danger-text small-text" role="alert">
          {error.code === "not_found" ? "This image was deleted." : `The image could not be shown: ${error.message}`}
        </p>
      ) : (
        <div className="image-placeholder muted small-text">Image</div>
      )}
      <figcaption>
        <SaveFileButton fileId={fileId} label="Save image as…" />
      </figcaption>
      {enlarged && url && (
        <Lightbox label={label} onClose={() => setEnlarged(false)}>
          <img src={url} alt={label} className="lightbox-image" />
          <SaveFileButton fileId={fileId} label="Save image as…" />
        </Lightbox>
      )}
    </figure>
  );
}
