import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as ipc from "../ipc";
import type { Message, MessageContent as Part, RunStep } from "../ipc";
import { installIntersectionObserver, scrollIntoView, waitingToBeSeen } from "../test-support/intersection";
import { MessageContent } from "./MessageContent";

vi.mock("../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof ipc>()),
  listRunSteps: vi.fn(),
  getImage: vi.fn(),
  getFile: vi.fn(),
  saveFileAs: vi.fn(),
}));
const mocked = vi.mocked(ipc);

const message = (content: Part[], role: Message["role"] = "assistant"): Message => ({
  id: "msg_1",
  object: "thread.message",
  thread_id: "thread_1",
  created_at: 1,
  role,
  status: "completed",
  incomplete_details: null,
  completed_at: 1,
  incomplete_at: null,
  content,
  assistant_id: null,
  run_id: "run_1",
  attachments: null,
  metadata: null,
});

const text = (value: string, annotations: Extract<Part, { type: "text" }>["text"]["annotations"] = []): Part => ({
  type: "text",
  text: { value, annotations },
});

/** An answer citing `report.pdf` twice and `costs.pdf` once, as the engine writes it. */
const cited = (() => {
  const value = "Growth was **4%**【0:1†report.pdf】 and costs fell【0:0†costs.pdf】, as said【0:1†report.pdf】.";
  const at = (marker: string, from = 0) => {
    const start = Array.from(value.slice(0, value.indexOf(marker, from))).length;
    return { start_index: start, end_index: start + Array.from(marker).length };
  };
  return text(value, [
    { type: "file_citation", text: "【0:1†report.pdf】", file_citation: { file_id: "file-report" }, ...at("【0:1†report.pdf】") },
    { type: "file_citation", text: "【0:0†costs.pdf】", file_citation: { file_id: "file-costs" }, ...at("【0:0†costs.pdf】") },
    { type: "file_citation", text: "【0:1†report.pdf】", file_citation: { file_id: "file-report" }, ...at("【0:1†report.pdf】", 40) },
  ]);
})();

const searchStep: RunStep = {
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
          results: [
            { file_id: "file-costs", file_name: "costs.pdf", score: 0.71, content: [{ type: "text", text: "Costs fell by a tenth." }] },
            { file_id: "file-report", file_name: "report.pdf", score: 0.93, content: [{ type: "text", text: "Revenue grew 4% in 2025." }] },
          ],
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

function citationButton(container: HTMLElement, index: number): HTMLElement {
  const button = container.querySelectorAll<HTMLElement>("button.citation")[index];
  if (!button) throw new Error(`there should be a citation button number ${index + 1}`);
  return button;
}

beforeEach(() => {
  installIntersectionObserver();
  vi.stubGlobal("URL", Object.assign(URL, { createObjectURL: vi.fn(() => "blob:chart-1"), revokeObjectURL: vi.fn() }));
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.clearAllMocks();
});

describe("MessageContent", () => {
  it("shows citations as numbered buttons instead of the raw markers", () => {
    const { container } = render(<MessageContent message={message([cited])} />);
    expect(container.querySelector(".markdown strong")?.textContent).toBe("4%");
    expect(container.textContent).not.toContain("【");
    const buttons = Array.from(container.querySelectorAll("button.citation")).map((b) => b.textContent);
    expect(buttons).toEqual(["1", "2", "1"]);
  });

  it("opens the cited passage from the run's steps in a side panel, and closes it with Esc", async () => {
    mocked.listRunSteps.mockResolvedValue([searchStep]);
    const { container } = render(<MessageContent message={message([cited])} />);
    fireEvent.click(citationButton(container, 0));
    const panel = await screen.findByTestId("citation-panel");
    await waitFor(() => expect(screen.getByTestId("cited-passage").textContent).toBe("Revenue grew 4% in 2025."));
    expect(panel.textContent).toContain("report.pdf");
    expect(panel.textContent).toContain("0.93");
    expect(mocked.listRunSteps).toHaveBeenCalledWith("thread_1", "run_1");

    fireEvent.click(citationButton(container, 1));
    await waitFor(() => expect(screen.getByTestId("cited-passage").textContent).toBe("Costs fell by a tenth."));
    fireEvent.keyDown(screen.getByTestId("citation-panel"), { key: "Escape" });
    expect(screen.queryByTestId("citation-panel")).toBeNull();
  });

  it("says so when the run no longer has the cited passage", async () => {
    mocked.listRunSteps.mockResolvedValue([]);
    const { container } = render(<MessageContent message={message([cited])} />);
    fireEvent.click(citationButton(container, 0));
    expect(await screen.findByText(/no longer holds the passage/)).toBeTruthy();
    expect(screen.getByTestId("citation-panel").textContent).toContain("report.pdf");
  });

  it("loads an image only when it scrolls into view, fits it, and enlarges it until Esc", async () => {
    mocked.getImage.mockResolvedValue(new Blob([new Uint8Array([0x89, 0x50])], { type: "image/png" }));
    const { container } = render(
      <MessageContent message={message([{ type: "image_file", image_file: { file_id: "file-chart" } }, text("The chart.")])} />,
    );
    expect(mocked.getImage).not.toHaveBeenCalled();
    expect(container.querySelector("img")).toBeNull();
    expect(waitingToBeSeen()).toBe(1);

    await act(async () => scrollIntoView(screen.getByTestId("file-image")));
    const image = await waitFor(() => {
      const found = container.querySelector<HTMLImageElement>(".file-image img");
      if (!found) throw new Error("the image should be shown");
      return found;
    });
    expect(mocked.getImage).toHaveBeenCalledWith("file-chart");
    expect(image.getAttribute("src")).toBe("blob:chart-1");
    expect(image.alt).toBe("Image 1");

    fireEvent.click(image);
    const dialog = screen.getByRole("dialog");
    expect(dialog.querySelector("img")?.getAttribute("src")).toBe("blob:chart-1");
    const windowEscape = vi.fn();
    window.addEventListener("keydown", windowEscape);
    fireEvent.keyDown(dialog, { key: "Escape" });
    window.removeEventListener("keydown", windowEscape);
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(windowEscape).not.toHaveBeenCalled();
  });

  it("saves an image through the save dialog and says where, or why not", async () => {
    mocked.saveFileAs.mockResolvedValueOnce("Pictures/chart-1.png").mockRejectedValueOnce({
      code: "invalid",
      message: "Could not save Pictures/chart-1.png: permission denied (choose a folder you may write to).",
    });
    render(<MessageContent message={message([{ type: "image_file", image_file: { file_id: "file-chart" } }])} />);
    fireEvent.click(screen.getByRole("button", { name: "Save image as…" }));
    expect(await screen.findByText("Saved to Pictures/chart-1.png")).toBeTruthy();
    expect(mocked.saveFileAs).toHaveBeenCalledWith("file-chart");
    fireEvent.click(screen.getByRole("button", { name: "Save image as…" }));
    expect((await screen.findByRole("alert")).textContent).toContain("permission denied");
  });

  it("shows a sandbox link as a file chip with its name and size and Save file as…", async () => {
    const value = "Download [the table](sandbox:/mnt/data/summary.csv).";
    const start = value.indexOf("sandbox:");
    mocked.getFile.mockResolvedValue({
      id: "file-csv",
      object: "file",
      bytes: 48_000,
      created_at: 1,
      filename: "summary.csv",
      purpose: "assistants_output",
      status: "processed",
    });
    mocked.saveFileAs.mockResolvedValue(null);
    const { container } = render(
      <MessageContent
        message={message([
          text(value, [
            { type: "file_path", text: "sandbox:/mnt/data/summary.csv", file_path: { file_id: "file-csv" }, start_index: start, end_index: start + 29 },
          ]),
        ])}
      />,
    );
    expect(container.querySelector(".markdown")?.textContent?.trim()).toBe("Download the table.");
    expect(container.textContent).not.toContain("sandbox:");
    const chip = screen.getByTestId("file-chip");
    await waitFor(() => expect(chip.textContent).toContain("48 kB"));
    expect(chip.textContent).toContain("summary.csv");
    fireEvent.click(screen.getByRole("button", { name: "Save file as…" }));
    await waitFor(() => expect(mocked.saveFileAs).toHaveBeenCalledWith("file-csv"));
    expect(screen.queryByRole("status")).toBeNull();
  });

  it("says a part or an annotation of an unknown kind is not shown, instead of failing", () => {
    // A newer server's kinds: their members beyond `type` are not in the generated types.
    const audio = { type: "audio", audio: { clip: "x" } };
    const hologram = { type: "hologram", beam: 1 };
    const { container } = render(
      <MessageContent message={message([audio, { type: "text", text: { value: "Hi", annotations: [hologram] } }])} />,
    );
    expect(container.querySelectorAll(".content-note").length).toBe(2);
    expect(container.textContent).toContain("This content is not shown");
  });

  it("keeps model-written HTML inert and shows the person's own words as plain text", () => {
    const answer = render(<MessageContent message={message([text("<img src=x onerror=alert(1)><button class=citation data-citation=1>1</button>")])} />);
    expect(answer.container.querySelector("img")).toBeNull();
    expect(answer.container.querySelector("button")).toBeNull();
    const own = render(<MessageContent message={message([text("**not bold**")], "user")} />);
    expect(own.container.querySelector(".plain-text")?.textContent).toBe("**not bold**");
  });

  it("keeps an empty Markdown block for an answer that has not started", () => {
    const { container } = render(<MessageContent message={message([])} />);
    expect(container.querySelector(".markdown")).not.toBeNull();
  });
});
