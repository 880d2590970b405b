import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Assistant, NamedStoreFile } from "../ipc";
import * as knowledge from "../ipc/knowledge";
import { AssistantFiles } from "./AssistantFiles";

vi.mock("../ipc/knowledge", async (importOriginal) => ({
  ...(await importOriginal<typeof knowledge>()),
  knowledgeOverview: vi.fn(),
  chooseFiles: vi.fn(),
  uploadFile: vi.fn(),
  addAssistantFile: vi.fn(),
  vectorStoreFiles: vi.fn(),
}));
const mocked = vi.mocked(knowledge);

const assistant = (storeId: string | null): Assistant => ({
  id: "asst_1",
  object: "assistant",
  created_at: 1,
  name: "Researcher",
  description: null,
  model: "m",
  instructions: null,
  tools: [{ type: "file_search" }],
  tool_resources: storeId ? { file_search: { vector_store_ids: [storeId] } } : null,
  metadata: {},
});

const stored = (status: "in_progress" | "completed"): NamedStoreFile => ({
  filename: "report.pdf",
  attachment: { id: "file-pdf", usage_bytes: 0, created_at: 1, vector_store_id: "vs_new", status, last_error: null },
});

afterEach(() => vi.clearAllMocks());

describe("an assistant's files", () => {
  it("asks a new assistant to be created first", () => {
    render(<AssistantFiles assistant={null} offline={false} />);
    expect(screen.getByTestId("assistant-files").textContent).toContain("Create the assistant first");
  });

  it("uploads the chosen files, shows indexing until ready, and says why one was refused", async () => {
    mocked.knowledgeOverview.mockResolvedValue({ files: [], vector_stores: [] });
    mocked.chooseFiles.mockResolvedValue(["/home/me/report.pdf", "/home/me/empty.txt"]);
    mocked.uploadFile.mockImplementation((path) =>
      path.endsWith("report.pdf")
        ? Promise.resolve({ id: "file-pdf", object: "file", bytes: 9, created_at: 1, filename: "report.pdf", purpose: "assistants", status: "processed" })
        : Promise.reject({ code: "invalid", message: "'empty.txt' is empty: there is nothing in it to read." }),
    );
    mocked.addAssistantFile.mockResolvedValue(assistant("vs_new"));
    mocked.vectorStoreFiles.mockResolvedValueOnce([stored("in_progress")]).mockResolvedValue([stored("completed")]);

    render(<AssistantFiles assistant={assistant(null)} offline={false} />);
    fireEvent.click(screen.getByTestId("add-search-files"));

    await waitFor(() => expect(screen.getByTestId("store-file-status").textContent).toBe("Indexing…"));
    expect(mocked.addAssistantFile).toHaveBeenCalledWith("asst_1", "file-pdf", "file_search");
    expect(mocked.uploadFile).toHaveBeenCalledWith("/home/me/report.pdf");
    await waitFor(() => expect(screen.getByTestId("pending-upload-reason").textContent).toContain("'empty.txt' is empty"));
    await waitFor(() => expect(screen.getByTestId("store-file-status").textContent).toBe("Ready"), { timeout: 3000 });
  });
});
