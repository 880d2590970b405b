import { useEffect, useRef, type KeyboardEvent, type ReactNode } from "react";

interface LightboxProps {
  label: string;
  onClose: () => void;
  children: ReactNode;
}

/** A picture over the whole window; Esc, the close button or a click beside it closes it. */
export function Lightbox({ label, onClose, children }: LightboxProps) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => closeRef.current?.focus(), []);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "Escape") return;
    // Esc closes the picture only; it must not also cancel a run (the window's own Esc).
    event.stopPropagation();
    event.preventDefault();
    onClose();
  };
  return (
    <div
      className="lightbox"
      role="dialog"
      aria-modal="true"
      aria-label={label}
      onKeyDown={onKeyDown}
      onClick={(event) => event.target === event.currentTarget && onClose()}
    >
      <div className="lightbox-body">
        <button type="button" className="small lightbox-close" ref={closeRef} onClick={onClose}>
          Close
        </button>
        {children}
      </div>
    </div>
  );
}
