import { act, fireEvent, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as ipc from "../ipc";
import { CodeRuntimeSection } from "./CodeRuntimeSection";

vi.mock("../ipc", async (importOriginal) => {
  const actual = await importOriginal<typeof ipc>();
  return {
    ...actual,
    codeRuntimeStatus: vi.fn(),
    installCodeRuntime: vi.fn(),
    cancelCodeRuntimeInstall: vi.fn(),
  };
});

const mocked = vi.mocked(ipc);
const missing = {
  ready: false,
  problem: "the Python runtime is not set up",
  pythonVersion: null,
  packages: [],
  folder: "/data/python",
};
const ready = {
  ready: true,
  problem: null,
  pythonVersion: "3.11",
  packages: ["numpy 2.4.6", "pandas 3.1.1"],
  folder: "/data/python",
};

async function show() {
  render(<CodeRuntimeSection />);
  await act(async () => undefined);
}

describe("CodeRuntimeSection", () => {
  beforeEach(() => {
    vi.resetAllMocks();
  });

  it("says what is missing and sets the runtime up with progress on a click", async () => {
    mocked.codeRuntimeStatus.mockResolvedValue(missing);
    let report: (progress: ipc.CodeRuntimeProgress) => void = () => undefined;
    let finish: (view: ipc.CodeRuntimeView) => void = () => undefined;
    mocked.installCodeRuntime.mockImplementation((onProgress) => {
      report = onProgress;
      return new Promise((resolve) => (finish = resolve));
    });
    await show();
    expect(screen.getByTestId("code-runtime-missing").textContent).toContain("not set up");
    expect(mocked.installCodeRuntime).not.toHaveBeenCalled();

    await act(async () => fireEvent.click(screen.getByTestId("code-runtime-install")));
    act(() => report({ step: "Downloading numpy", downloaded: 25_000_000, total: 100_000_000 }));
    const progress = screen.getByTestId("code-runtime-progress");
    expect(progress.textContent).toContain("Downloading numpy");
    expect(progress.textContent).toContain("25 MB of 100 MB");
    expect(progress.querySelector("progress")?.getAttribute("value")).toBe("25");

    await act(async () => finish(ready));
    expect(screen.getByTestId("code-runtime-ready").textContent).toContain("Python 3.11 with 2 packages");
    expect(screen.queryByTestId("code-runtime-progress")).toBeNull();
  });

  it("shows a failed set-up in words and offers it again", async () => {
    mocked.codeRuntimeStatus.mockResolvedValue(missing);
    mocked.installCodeRuntime.mockRejectedValue({
      code: "internal",
      message: "The code interpreter's runtime could not be set up: numpy does not match its pinned SHA-256",
    });
    await show();
    await act(async () => fireEvent.click(screen.getByTestId("code-runtime-install")));
    expect(document.body.textContent).toContain("does not match its pinned SHA-256");
    expect(screen.getByTestId("code-runtime-install")).toBeTruthy();
  });

  it("cancels a set-up under way and says nothing changed", async () => {
    mocked.codeRuntimeStatus.mockResolvedValue(missing);
    let fail: (error: unknown) => void = () => undefined;
    mocked.installCodeRuntime.mockImplementation(() => new Promise((_, reject) => (fail = reject)));
    mocked.cancelCodeRuntimeInstall.mockResolvedValue(true);
    await show();
    await act(async () => fireEvent.click(screen.getByTestId("code-runtime-install")));
    await act(async () => fireEvent.click(screen.getByTestId("code-runtime-cancel")));
    expect(mocked.cancelCodeRuntimeInstall).toHaveBeenCalled();
    await act(async () => fail({ code: "invalid", message: "The set-up was cancelled; nothing was changed." }));
    expect(document.body.textContent).toContain("Set-up cancelled; nothing was changed.");
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
