import { useEffect, useRef, useState } from "react";
import { EXPORT_FORMATS } from "./exportState";
import { TransferStatus } from "./TransferStatus";
import { useThreadExport } from "./useThreadExport";

/** The thread header's "Export…": a short menu of formats, then the system's save dialog. */
export function ExportMenu({ threadId }: { threadId: string }) {
  const { state, exportAs, dismiss } = useThreadExport(threadId);
  const [open, setOpen] = useState(false);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      const outside = event.target instanceof Node && !menu.current?.contains(event.target);
      if (event instanceof KeyboardEvent ? event.key === "Escape" : outside) {
        setOpen(false);
      }
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  return (
    <div className="export-menu" ref={menu}>
      <button
        type="button"
        className="small"
        aria-haspopup="menu"
        aria-expanded={open}
        disabled={state.status === "busy"}
        onClick={() => setOpen((shown) => !shown)}
        data-testid="export-thread"
      >
        Export…
      </button>
      {open && (
        <div className="export-choices" role="menu" data-testid="export-choices">
          {EXPORT_FORMATS.map(({ format, label, detail }) => (
            <button
              key={format}
              type="button"
              role="menuitem"
              className="export-choice"
              onClick={() => {
                setOpen(false);
                exportAs(format);
              }}
              data-testid={`export-${format}`}
            >
              <span>{label}</span>
              <span className="muted small-text">{detail}</span>
            </button>
          ))}
        </div>
      )}
      <TransferStatus state={state} onDismiss={dismiss} testId="export-status" />
    </div>
  );
}
