import { render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as ipc from "../ipc";
import * as knowledge from "../ipc/knowledge";
import type { Message, RunStep } from "../ipc";
import { CitationPanel } from "./CitationPanel";

vi.mock("../ipc", async (importOriginal) => ({ ...(await importOriginal<typeof ipc>()), listRunSteps: vi.fn() }));
vi.mock("../ipc/knowledge", async (importOriginal) => ({
  ...(await importOriginal<typeof knowledge>()),
  passagePlace: vi.fn(),
}));

const message: Message = {
  id: "msg_1",
  object: "thread.message",
  thread_id: "thread_1",
  created_at: 1,
  role: "assistant",
  status: "completed",
  incomplete_details: null,
  completed_at: 1,
  incomplete_at: null,
  content: [],
  assistant_id: null,
  run_id: "run_1",
  attachments: null,
  metadata: null,
};

const step: RunStep = {
  id: "step_1",
  object: "thread.run.step",
  created_at: 1,
  assistant_id: "asst_1",
  thread_id: "thread_1",
  run_id: "run_1",
  type: "tool_calls",
  status: "completed",
  step_details: {
    type: "tool_calls",
    tool_calls: [
      {
        type: "file_search",
        id: "call_1",
        file_search: {
          results: [{ file_id: "file-report", file_name: "report.pdf", score: 0.93, content: [{ type: "text", text: "Revenue grew 4%." }] }],
        },
      },
    ],
  },
  last_error: null,
  expired_at: null,
  cancelled_at: null,
  failed_at: null,
  completed_at: 2,
  metadata: null,
  usage: null,
};

const citation = { number: 1, fileId: "file-report", marker: "【0:0†report.pdf】", fileName: "report.pdf", search: 0, result: 0 };

afterEach(() => vi.clearAllMocks());

describe("the citation panel", () => {
  it("shows the page and section of the cited passage beside its file and text", async () => {
    vi.mocked(ipc.listRunSteps).mockResolvedValue([step]);
    vi.mocked(knowledge.passagePlace).mockResolvedValue({ page: 3, heading: "Results" });
    render(<CitationPanel message={message} citation={citation} onClose={() => undefined} />);
    await waitFor(() => expect(screen.getByTestId("cited-passage-place").textContent).toBe("page 3 · Results"));
    expect(knowledge.passagePlace).toHaveBeenCalledWith("file-report", "Revenue grew 4%.");
    expect(screen.getByTestId("cited-passage").textContent).toBe("Revenue grew 4%.");
    expect(screen.getByTestId("citation-panel").textContent).toContain("report.pdf");
  });

  it("shows the passage without a place when none is known", async () => {
    vi.mocked(ipc.listRunSteps).mockResolvedValue([step]);
    vi.mocked(knowledge.passagePlace).mockResolvedValue(null);
    render(<CitationPanel message={message} citation={citation} onClose={() => undefined} />);
    await waitFor(() => expect(screen.getByTestId("cited-passage").textContent).toBe("Revenue grew 4%."));
    await waitFor(() => expect(knowledge.passagePlace).toHaveBeenCalled());
    expect(screen.queryByTestId("cited-passage-place")).toBeNull();
  });
});
