import type { ExportFormat } from "../ipc";

/** The formats a thread can be exported as, in the order the menu offers them. */
export const EXPORT_FORMATS: { format: ExportFormat; label: string; detail: string }[] = [
  { format: "html", label: "Web page (.html)", detail: "One file with the images inside, opens in any browser" },
  { format: "markdown", label: "Markdown (.md)", detail: "Text with citations as footnotes, images in a folder beside it" },
  { format: "json", label: "Hearth thread (.json)", detail: "Everything, for importing into Hearth again" },
];

/** Where an export or import stands, as the header shows it. */
export type TransferState =
  | { status: "idle" }
  | { status: "busy"; what: string }
  | { status: "done"; message: string }
  | { status: "failed"; message: string };

export type TransferAction =
  | { type: "start"; what: string }
  | { type: "cancelled" }
  | { type: "exported"; path: string }
  | { type: "imported"; title: string }
  | { type: "failed"; message: string }
  | { type: "dismiss" };

/** One export or import at a time: its start, the dialog cancelled, where it went or why it failed. */
export function transferReducer(_state: TransferState, action: TransferAction): TransferState {
  switch (action.type) {
    case "start":
      return { status: "busy", what: action.what };
    case "cancelled":
    case "dismiss":
      return { status: "idle" };
    case "exported":
      return { status: "done", message: `Exported to ${action.path}` };
    case "imported":
      return { status: "done", message: `Imported “${action.title}”` };
    case "failed":
      return { status: "failed", message: action.message };
  }
}
