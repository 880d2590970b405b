import { fireEvent, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { App } from "./App";
import * as ipc from "./ipc";

vi.mock("./ipc", async (importOriginal) => {
  const actual = await importOriginal<typeof ipc>();
  return { ...actual, getAppInfo: vi.fn() };
});

const getAppInfo = vi.mocked(ipc.getAppInfo);

describe("App", () => {
  beforeEach(() => getAppInfo.mockReset());

  it("shows honest empty states before anything exists", () => {
    render(<App />);
    expect(screen.getByTestId("assistants-empty").textContent).toContain("No assistants yet");
    expect(screen.getByTestId("threads-empty").textContent).toContain("No threads");
    expect(screen.getByTestId("thread-empty").textContent).toContain("No thread open");
  });

  it("shows the version Rust reports in settings", async () => {
    getAppInfo.mockResolvedValue({ name: "Hearth", version: "9.8.7", dataDir: "/d", logDir: "/l" });
    render(<App />);
    fireEvent.click(screen.getByTestId("nav-settings"));
    expect((await screen.findByTestId("app-version")).textContent).toBe("Hearth 9.8.7");
  });

  it("shows a failed command's message with a retry that tries again", async () => {
    getAppInfo.mockRejectedValueOnce({ code: "internal", message: "while finding the log folder: no home" });
    getAppInfo.mockResolvedValueOnce({ name: "Hearth", version: "1.0.0", dataDir: "/d", logDir: "/l" });
    render(<App />);
    fireEvent.click(screen.getByTestId("nav-settings"));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("while finding the log folder: no home");
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    expect((await screen.findByTestId("app-version")).textContent).toBe("Hearth 1.0.0");
  });
});
