import { act, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as ipc from "../ipc";
import type { Thread } from "../ipc";
import { transferReducer } from "./exportState";
import { ExportMenu } from "./ExportMenu";
import { ImportThreadButton } from "./ImportThreadButton";

vi.mock("../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof ipc>()),
  exportThread: vi.fn(),
  importThread: vi.fn(),
}));
const mocked = vi.mocked(ipc);

afterEach(() => vi.resetAllMocks());

describe("exporting a thread", () => {
  it("offers the three formats and says where the export went", async () => {
    mocked.exportThread.mockResolvedValue("/home/me/Sales.html");
    render(<ExportMenu threadId="thread_1" />);
    fireEvent.click(screen.getByTestId("export-thread"));
    const choices = screen.getAllByRole("menuitem").map((item) => item.textContent);
    expect(choices).toEqual([
      expect.stringContaining("Web page (.html)"),
      expect.stringContaining("Markdown (.md)"),
      expect.stringContaining("Hearth thread (.json)"),
    ]);
    await act(async () => {
      fireEvent.click(screen.getByTestId("export-html"));
      await Promise.resolve();
    });
    expect(mocked.exportThread).toHaveBeenCalledWith("thread_1", "html");
    expect(screen.queryByTestId("export-choices")).toBeNull();
    expect(screen.getByTestId("export-status").textContent).toContain("Exported to /home/me/Sales.html");
  });

  it("says in words why an export failed, and nothing when the dialog was cancelled", async () => {
    mocked.exportThread.mockRejectedValueOnce({ code: "invalid", message: "Could not save /x/a.md: the disk is full." });
    render(<ExportMenu threadId="thread_1" />);
    fireEvent.click(screen.getByTestId("export-thread"));
    await act(async () => {
      fireEvent.click(screen.getByTestId("export-markdown"));
      await Promise.resolve();
    });
    expect(screen.getByRole("alert").textContent).toContain("the disk is full");

    mocked.exportThread.mockResolvedValueOnce(null);
    fireEvent.click(screen.getByTestId("export-thread"));
    await act(async () => {
      fireEvent.click(screen.getByTestId("export-json"));
      await Promise.resolve();
    });
    expect(screen.queryByTestId("export-status")).toBeNull();
  });

  it("closes the menu on Escape", () => {
    render(<ExportMenu threadId="thread_1" />);
    fireEvent.click(screen.getByTestId("export-thread"));
    fireEvent.keyDown(document, { key: "Escape" });
    expect(screen.queryByTestId("export-choices")).toBeNull();
  });
});

describe("importing a thread", () => {
  it("opens the imported thread and names it", async () => {
    const thread: Thread = { id: "thread_9", object: "thread", created_at: 1, tool_resources: null, metadata: { title: "Sales by region" } };
    mocked.importThread.mockResolvedValue(thread);
    const onImported = vi.fn();
    render(<ImportThreadButton onImported={onImported} disabled={false} />);
    await act(async () => {
      fireEvent.click(screen.getByTestId("import-thread"));
      await Promise.resolve();
    });
    expect(onImported).toHaveBeenCalledWith(thread);
    expect(screen.getByTestId("import-status").textContent).toContain("Imported “Sales by region”");
  });
});

describe("transferReducer", () => {
  it("goes back to idle when the dialog is cancelled", () => {
    const busy = transferReducer({ status: "idle" }, { type: "start", what: "Exporting…" });
    expect(busy).toEqual({ status: "busy", what: "Exporting…" });
    expect(transferReducer(busy, { type: "cancelled" })).toEqual({ status: "idle" });
  });
});
