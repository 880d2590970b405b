import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { KnowledgeOverview } from "../ipc";
import * as knowledge from "../ipc/knowledge";
import { KnowledgeView } from "./KnowledgeView";

vi.mock("../ipc/knowledge", async (importOriginal) => ({
  ...(await importOriginal<typeof knowledge>()),
  knowledgeOverview: vi.fn(),
  deleteFile: vi.fn(),
  searchVectorStore: vi.fn(),
  reindexVectorStoreFile: vi.fn(),
}));
const mocked = vi.mocked(knowledge);

const overview: KnowledgeOverview = {
  files: [
    {
      file: { id: "file-pdf", object: "file", bytes: 52_000, created_at: 1, filename: "report.pdf", purpose: "assistants", status: "processed" },
      vector_store_ids: ["vs_1"],
      assistants: [{ id: "asst_1", name: "Researcher" }],
      threads: [],
    },
    {
      file: { id: "file-bad", object: "file", bytes: 10, created_at: 1, filename: "broken.pdf", purpose: "assistants", status: "processed" },
      vector_store_ids: ["vs_1"],
      assistants: [{ id: "asst_1", name: "Researcher" }],
      threads: [],
    },
  ],
  vector_stores: [
    {
      store: {
        id: "vs_1",
        created_at: 1,
        name: "Researcher files",
        usage_bytes: 4_000,
        file_counts: { in_progress: 0, completed: 1, failed: 1, cancelled: 0, total: 2 },
        status: "completed",
        expires_at: null,
      },
      files: [
        {
          filename: "report.pdf",
          attachment: { id: "file-pdf", usage_bytes: 4_000, created_at: 1, vector_store_id: "vs_1", status: "completed", last_error: null },
        },
        {
          filename: "broken.pdf",
          attachment: {
            id: "file-bad",
            usage_bytes: 0,
            created_at: 1,
            vector_store_id: "vs_1",
            status: "failed",
            last_error: { code: "invalid_file", message: "broken.pdf is not a readable PDF." },
          },
        },
      ],
      assistants: [{ id: "asst_1", name: "Researcher" }],
      threads: [],
    },
  ],
};

afterEach(() => vi.clearAllMocks());

describe("the Knowledge page", () => {
  it("lists files with who uses them and stores with each file's status and failure reason", async () => {
    mocked.knowledgeOverview.mockResolvedValue(overview);
    render(<KnowledgeView />);
    const [first] = await screen.findAllByTestId("knowledge-file");
    if (!first) throw new Error("the first file should be listed");
    expect(first.textContent).toContain("report.pdf");
    expect(first.textContent).toContain("52 kB");
    expect(within(first).getByTestId("knowledge-file-used-by").textContent).toBe("Researcher");
    expect(screen.getByTestId("knowledge-store-counts").textContent).toContain("2 files: 1 ready, 1 failed");
    const statuses = screen.getAllByTestId("store-file-status").map((s) => s.textContent);
    expect(statuses).toEqual(["Ready", "Failed"]);
    expect(screen.getByTestId("store-file-reason").textContent).toBe("broken.pdf is not a readable PDF.");
  });

  it("searches a store and shows each passage with its file, place and score", async () => {
    mocked.knowledgeOverview.mockResolvedValue(overview);
    mocked.searchVectorStore.mockResolvedValue([
      { file_id: "file-pdf", filename: "report.pdf", score: 0.8123, text: "Revenue grew 4%.", place: { page: 2, heading: null } },
    ]);
    render(<KnowledgeView />);
    fireEvent.change(await screen.findByTestId("knowledge-search-input"), { target: { value: "revenue" } });
    fireEvent.click(screen.getByTestId("knowledge-search-button"));
    const chunk = await screen.findByTestId("scored-chunk");
    expect(mocked.searchVectorStore).toHaveBeenCalledWith("vs_1", "revenue");
    expect(chunk.textContent).toContain("report.pdf");
    expect(within(chunk).getByTestId("scored-chunk-place").textContent).toBe("page 2");
    expect(within(chunk).getByTestId("scored-chunk-score").textContent).toBe("0.812");
    expect(chunk.textContent).toContain("Revenue grew 4%.");
  });

  it("deletes a file only once confirmed, then reads the page again", async () => {
    mocked.knowledgeOverview.mockResolvedValue(overview);
    mocked.deleteFile.mockResolvedValue(null);
    render(<KnowledgeView />);
    const [first] = await screen.findAllByTestId("knowledge-delete-file");
    if (!first) throw new Error("each file should have a delete button");
    fireEvent.click(first);
    expect(mocked.deleteFile).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId("knowledge-delete-file-confirm"));
    await waitFor(() => expect(mocked.deleteFile).toHaveBeenCalledWith("file-pdf"));
    await waitFor(() => expect(mocked.knowledgeOverview).toHaveBeenCalledTimes(2));
  });

  it("indexes a failed file again", async () => {
    mocked.knowledgeOverview.mockResolvedValue(overview);
    const failed = overview.vector_stores[0]?.files[1];
    if (!failed) throw new Error("the fixture has a failed file");
    mocked.reindexVectorStoreFile.mockResolvedValue(failed);
    render(<KnowledgeView />);
    const [, second] = await screen.findAllByTestId("store-file-reindex");
    if (!second) throw new Error("each file should have an index-again button");
    fireEvent.click(second);
    await waitFor(() => expect(mocked.reindexVectorStoreFile).toHaveBeenCalledWith("vs_1", "file-bad"));
  });
});
