import { act, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as ipc from "../ipc";
import type { Run, RunStep } from "../ipc";
import { installIntersectionObserver } from "../test-support/intersection";
import { RunInspector } from "./RunInspector";

vi.mock("../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof ipc>()),
  listRuns: vi.fn(),
  listRunSteps: vi.fn(),
  getImage: vi.fn(),
  saveFileAs: vi.fn(),
}));
const mocked = vi.mocked(ipc);

const run: Run = {
  id: "run_1",
  object: "thread.run",
  created_at: 1,
  thread_id: "thread_1",
  assistant_id: "asst_1",
  status: "completed",
  required_action: null,
  last_error: null,
  expires_at: null,
  started_at: 1,
  cancelled_at: null,
  failed_at: null,
  completed_at: 3,
  incomplete_details: null,
  model: "gpt-4o-mini",
  instructions: "",
  tools: [],
  metadata: null,
  usage: null,
  temperature: null,
  top_p: null,
  max_prompt_tokens: null,
  max_completion_tokens: null,
  truncation_strategy: null,
  tool_choice: "auto",
  parallel_tool_calls: true,
  response_format: "auto",
};

const step = (id: string, toolCalls: Extract<RunStep["step_details"], { type: "tool_calls" }>["tool_calls"]): RunStep => ({
  id,
  object: "thread.run.step",
  created_at: 1,
  assistant_id: "asst_1",
  thread_id: "thread_1",
  run_id: "run_1",
  type: "tool_calls",
  status: "completed",
  step_details: { type: "tool_calls", tool_calls: toolCalls },
  last_error: null,
  expired_at: null,
  cancelled_at: null,
  failed_at: null,
  completed_at: 2,
  metadata: null,
  usage: null,
});

const steps: RunStep[] = [
  step("step_search", [
    {
      type: "file_search",
      id: "call_search",
      file_search: {
        results: [
          { file_id: "file-report", file_name: "report.pdf", score: 0.934, content: [{ type: "text", text: "Revenue grew 4% in 2025." }] },
          { file_id: "file-notes", file_name: "notes.md", score: 0.41, content: [{ type: "text", text: "Costs are tracked monthly." }] },
        ],
      },
    },
  ]),
  step("step_code", [
    {
      type: "code_interpreter",
      id: "call_code",
      code_interpreter: {
        input: "import pandas as pd\nprint(pd.read_csv('/mnt/data/sales.csv').sum())",
        outputs: [
          { type: "logs", logs: "revenue    1234\ndtype: int64" },
          { type: "image", image: { file_id: "file-chart" } },
        ],
      },
    },
  ]),
];

beforeEach(() => installIntersectionObserver());
afterEach(() => {
  vi.unstubAllGlobals();
  vi.clearAllMocks();
});

describe("RunInspector", () => {
  it("shows a code_interpreter call's highlighted code, its logs and its image", async () => {
    mocked.listRuns.mockResolvedValue([run]);
    mocked.listRunSteps.mockResolvedValue(steps);
    render(<RunInspector threadId="thread_1" version="1" />);
    await act(async () => undefined);

    const code = await screen.findByTestId("code-call");
    const input = code.querySelector("pre.code-input code");
    expect(input?.textContent).toBe("import pandas as pd\nprint(pd.read_csv('/mnt/data/sales.csv').sum())");
    expect(input?.querySelector(".hljs-keyword")?.textContent).toBe("import");
    expect(code.querySelector("pre.code-logs")?.textContent).toBe("revenue    1234\ndtype: int64");
    expect(code.querySelector("[data-testid=file-image]")).not.toBeNull();
    expect(code.textContent).toContain("Save image as…");
  });

  it("shows each file_search result with its file, score and text", async () => {
    mocked.listRuns.mockResolvedValue([run]);
    mocked.listRunSteps.mockResolvedValue(steps);
    render(<RunInspector threadId="thread_1" version="1" />);
    await act(async () => undefined);

    const results = await screen.findAllByTestId("search-result");
    expect(results.map((r) => r.textContent)).toEqual([
      "report.pdf score 0.93Revenue grew 4% in 2025.",
      "notes.md score 0.41Costs are tracked monthly.",
    ]);
  });

  it("keeps code that looks like HTML as text", async () => {
    mocked.listRuns.mockResolvedValue([run]);
    mocked.listRunSteps.mockResolvedValue([
      step("step_html", [{ type: "code_interpreter", id: "call_html", code_interpreter: { input: "print('<img src=x onerror=alert(1)>')", outputs: [] } }]),
    ]);
    render(<RunInspector threadId="thread_1" version="1" />);
    await act(async () => undefined);
    const code = await screen.findByTestId("code-call");
    expect(code.querySelector("img")).toBeNull();
    expect(code.querySelector("pre.code-input")?.textContent).toContain("<img src=x");
  });
});
