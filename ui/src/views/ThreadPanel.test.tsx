/// <reference types="vite/client" />
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as ipc from "../ipc";
import type { Assistant, Message, Run, RunEvent } from "../ipc";
import { ThreadPanel } from "./ThreadPanel";

vi.mock("../ipc", async (importOriginal) => {
  const actual = await importOriginal<typeof ipc>();
  return {
    ...actual,
    listMessages: vi.fn(),
    onFileDrag: vi.fn(),
    listRuns: vi.fn(),
    listRunSteps: vi.fn(),
    getDraft: vi.fn(),
    setDraft: vi.fn(),
    createThread: vi.fn(),
    addMessage: vi.fn(),
    startRun: vi.fn(),
    cancelRun: vi.fn(),
    listModels: vi.fn(),
    chooseDocuments: vi.fn(),
    describeLocalFiles: vi.fn(),
    uploadLocalFile: vi.fn(),
  };
});

const mocked = vi.mocked(ipc);
const recorded = import.meta.glob<{ events: RunEvent[]; final_message: Message }>("../threads/fixtures/plain-text.json", {
  eager: true,
  import: "default",
});
const plain = Object.values(recorded)[0];
if (!plain) throw new Error("the plain-text fixture is missing");

const assistant = (id: string, name: string): Assistant => ({
  id,
  name,
  model: "gpt-4o-mini",
  created_at: 1,
  description: null,
  instructions: null,
  tools: [],
  metadata: null,
  temperature: null,
  top_p: null,
  response_format: null,
});
const assistants = [assistant("asst_a", "Atlas"), assistant("asst_b", "Beacon")];
const userMessage = (id: string, text: string): Message => ({
  ...plain.final_message,
  id,
  role: "user",
  assistant_id: null,
  run_id: null,
  content: [{ type: "text", text: { value: text, annotations: [] } }],
});

/** Renders the panel and lets the reads it starts (draft, messages, runs) settle. */
async function renderPanel(props: Partial<Parameters<typeof ThreadPanel>[0]> = {}) {
  const rendered = render(panel(props));
  await act(async () => undefined);
  return rendered;
}

function panel(props: Partial<Parameters<typeof ThreadPanel>[0]> = {}) {
  return (
    <ThreadPanel
      threadId={null}
      assistants={assistants}
      currentAssistant="asst_a"
      onCurrentAssistant={() => undefined}
      offline={false}
      onThreadCreated={() => undefined}
      onThreadsChanged={() => undefined}
      onNewAssistant={() => undefined}
      onThreadDeleted={() => undefined}
      {...props}
    />
  );
}

/** The events sent on the channel of the last run started. */
function lastChannel(): (event: RunEvent) => void {
  const call = mocked.startRun.mock.calls.at(-1);
  if (!call) throw new Error("no run was started");
  return call[2];
}

async function typeAndSend(text: string) {
  const composer = await screen.findByTestId("composer");
  fireEvent.change(composer, { target: { value: text } });
  // Sending is a chain of commands (create the thread, store the message, start the run).
  await act(async () => {
    fireEvent.click(screen.getByTestId("send"));
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

describe("ThreadPanel", () => {
  beforeEach(() => {
    vi.resetAllMocks();
    mocked.onFileDrag.mockReturnValue(() => undefined);
    mocked.listMessages.mockResolvedValue({ messages: [], hasEarlier: false, hasLater: false });
    mocked.listRuns.mockResolvedValue([]);
    mocked.listRunSteps.mockResolvedValue([]);
    mocked.getDraft.mockResolvedValue(null);
    mocked.setDraft.mockResolvedValue(null);
    mocked.createThread.mockResolvedValue({ id: "thread_fx1", created_at: 1, tool_resources: null, metadata: null });
    mocked.addMessage.mockImplementation((_thread, text) => Promise.resolve(userMessage("msg_user", text)));
    mocked.startRun.mockResolvedValue(null);
    mocked.listModels.mockResolvedValue([]);
  });

  it("streams the answer token by token, through every recorded event", async () => {
    await renderPanel();
    await typeAndSend("What is the capital of France?");
    await waitFor(() => expect(mocked.startRun).toHaveBeenCalledWith("thread_fx1", "asst_a", expect.any(Function)));
    const send = lastChannel();
    const shown: string[] = [];
    for (const event of plain.events) {
      act(() => send(event));
      const answer = screen.queryAllByTestId("message-assistant")[0];
      const text = answer?.querySelector(".markdown")?.textContent?.trim() ?? "";
      if (text && shown.at(-1) !== text) shown.push(text);
    }
    expect(shown.length).toBeGreaterThan(5);
    expect(shown.at(-1)).toBe("The capital of France is Paris. It has about 2.1 million people.");
    expect(screen.getByTestId("run-status").getAttribute("data-status")).toBe("completed");
  });

  it("retries a failed run with that run's assistant, not the one chosen since", async () => {
    const { rerender } = await renderPanel();
    await typeAndSend("Hello");
    await waitFor(() => expect(mocked.startRun).toHaveBeenCalledTimes(1));
    const created = plain.events.find((event) => event.event === "thread.run.created");
    if (created?.event !== "thread.run.created") throw new Error("the fixture starts no run");
    const failed: Run = { ...created.data, status: "failed", last_error: { code: "server_error", message: "Rate limited" } };
    act(() => lastChannel()({ event: "thread.run.failed", data: failed }));
    act(() => lastChannel()({ event: "done" }));
    rerender(panel({ currentAssistant: "asst_b" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Rate limited");
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(mocked.startRun).toHaveBeenCalledTimes(2));
    expect(failed.assistant_id).not.toBe("asst_b");
    expect(mocked.startRun.mock.calls[1]?.slice(0, 2)).toEqual([failed.thread_id, failed.assistant_id]);
  });

  it("keeps what was typed when the message cannot be stored, even in a thread just created for it", async () => {
    mocked.addMessage.mockRejectedValue({ code: "internal", message: "database is locked" });
    await renderPanel();
    await typeAndSend("Please keep me");
    expect((await screen.findByRole("alert")).textContent).toContain("database is locked");
    // The new thread's (empty) draft was read meanwhile; it must not replace the text.
    await waitFor(() => expect(mocked.getDraft).toHaveBeenCalledWith("thread_fx1"));
    await act(() => new Promise((resolve) => setTimeout(resolve, 400)));
    expect((screen.getByTestId("composer") as HTMLTextAreaElement).value).toBe("Please keep me");
    expect(mocked.setDraft).not.toHaveBeenCalledWith(expect.anything(), "");
    expect(mocked.setDraft).toHaveBeenCalledWith("thread_fx1", "Please keep me");
    expect(mocked.startRun).not.toHaveBeenCalled();
  });

  it("clears the draft once the message is stored", async () => {
    mocked.getDraft.mockResolvedValue("from yesterday");
    await renderPanel({ threadId: "thread_fx1" });
    await waitFor(() => expect((screen.getByTestId("composer") as HTMLTextAreaElement).value).toBe("from yesterday"));
    fireEvent.click(screen.getByTestId("send"));
    await waitFor(() => expect((screen.getByTestId("composer") as HTMLTextAreaElement).value).toBe(""));
    expect(mocked.setDraft).toHaveBeenCalledWith("thread_fx1", "");
    expect(mocked.addMessage).toHaveBeenCalledWith("thread_fx1", "from yesterday", []);
  });

  it("sends files with nothing typed, naming them in the message", async () => {
    mocked.chooseDocuments.mockResolvedValue(["/home/ada/sales.csv"]);
    mocked.describeLocalFiles.mockResolvedValue({
      files: [{ path: "/home/ada/sales.csv", name: "sales.csv", bytes: 2048, folder: false, unreadable: null }],
      uploadLimit: null,
    });
    mocked.uploadLocalFile.mockResolvedValue({
      id: "file-sales",
      object: "file",
      bytes: 2048,
      created_at: 0,
      filename: "sales.csv",
      purpose: "assistants",
    } as ipc.FileObject);
    await renderPanel({ threadId: "thread_fx1" });
    const send = screen.getByTestId("send") as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    fireEvent.click(screen.getByTestId("attach-files"));
    await waitFor(() => expect(send.disabled).toBe(false));
    await act(async () => {
      fireEvent.click(send);
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    await waitFor(() =>
      expect(mocked.addMessage).toHaveBeenCalledWith("thread_fx1", "Attached: sales.csv", [
        { file_id: "file-sales", tools: [{ type: "code_interpreter" }] },
      ]),
    );
    expect(mocked.startRun).toHaveBeenCalledWith("thread_fx1", "asst_a", expect.any(Function));
  });

  it("says the thread was deleted elsewhere, with nothing to retry", async () => {
    mocked.listMessages.mockRejectedValue({ code: "not_found", message: "No thread found with id 'thread_gone'." });
    await renderPanel({ threadId: "thread_gone" });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("This thread was deleted elsewhere.");
    expect(screen.queryByRole("button", { name: "Retry" })).toBeNull();
  });

  it("shows a message the core refuses under the composer", async () => {
    mocked.addMessage.mockRejectedValue({ code: "invalid", message: "Invalid 'content': string too long." });
    await renderPanel({ threadId: "thread_fx1" });
    await typeAndSend("x".repeat(10));
    const error = await screen.findByText("Invalid 'content': string too long.");
    expect(error.id).toBe("composer-error");
    expect(screen.getByTestId("composer").getAttribute("aria-describedby")).toBe("composer-error");
  });
});
