import { fireEvent, render, screen } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { Upload } from "../attachments/uploads";
import type { Uploads } from "../attachments/useUploads";
import { AttachmentChips } from "./AttachmentChips";

function upload(name: string, changes: Partial<Upload>): Upload {
  return {
    key: name,
    path: `/home/ada/${name}`,
    name,
    bytes: 2000,
    tool: "file_search",
    phase: "ready",
    sent: 2000,
    fileId: "file-1",
    vectorStoreId: null,
    error: null,
    ...changes,
  };
}

function uploads(list: Upload[], refused: Uploads["refused"] = []): Uploads {
  return {
    uploads: list,
    refused,
    add: vi.fn(),
    retry: vi.fn(),
    remove: vi.fn(),
    dismiss: vi.fn(),
    switchTool: vi.fn(),
    sent: vi.fn(),
    dismissRefused: vi.fn(),
  };
}

describe("AttachmentChips", () => {
  it("shows each file's tool, progress and status", () => {
    const state = uploads([
      upload("report.pdf", { phase: "uploading", sent: 1000, fileId: null }),
      upload("sales.csv", { tool: "code_interpreter" }),
      upload("scan.pdf", { phase: "failed", error: "'scan.pdf' has no text layer." }),
    ]);
    render(<AttachmentChips uploads={state} choosableTool />);
    const statuses = screen.getAllByTestId("attachment-status").map((s) => s.textContent);
    expect(statuses).toEqual(["Uploading 50%", "Uploaded", "Failed: 'scan.pdf' has no text layer."]);
    const tools = screen.getAllByTestId<HTMLSelectElement>("attachment-tool").map((s) => s.value);
    expect(tools).toEqual(["file_search", "code_interpreter", "file_search"]);

    const [, csvTool] = screen.getAllByTestId("attachment-tool");
    if (!csvTool) throw new Error("the CSV should have a tool choice");
    fireEvent.change(csvTool, { target: { value: "file_search" } });
    expect(state.switchTool).toHaveBeenCalledWith("sales.csv", "file_search");
    fireEvent.click(screen.getByTestId("attachment-retry"));
    expect(state.retry).toHaveBeenCalledWith("scan.pdf");
    fireEvent.click(screen.getByRole("button", { name: "Remove report.pdf" }));
    expect(state.remove).toHaveBeenCalledWith("report.pdf");
  });

  it("offers a picture to the code interpreter only", () => {
    render(<AttachmentChips uploads={uploads([upload("chart.png", { tool: "code_interpreter" })])} choosableTool />);
    const search = screen.getByRole<HTMLOptionElement>("option", { name: "File search" });
    expect(search.disabled).toBe(true);
  });

  it("names each refused drop with its reason", () => {
    const state = uploads([], [{ name: "notes.txt", reason: "it is empty" }]);
    render(<AttachmentChips uploads={state} choosableTool />);
    expect(screen.getByTestId("refused-file").textContent).toBe("Not attached: notes.txt — it is empty.");
    fireEvent.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(state.dismissRefused).toHaveBeenCalled();
  });
});
