import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as ipc from "../ipc";
import { ModelDownload } from "./ModelDownload";

vi.mock("../ipc", async (importOriginal) => {
  const actual = await importOriginal<typeof ipc>();
  return { ...actual, downloadLocalModel: vi.fn(), cancelLocalDownload: vi.fn() };
});

const mocked = vi.mocked(ipc);

const model = {
  id: "tiny",
  fileName: "tiny.gguf",
  sizeBytes: 1000,
  name: null,
  architecture: "llama",
  parameterCount: null,
  quantization: null,
  contextLength: null,
  hasChatTemplate: true,
  supportsTools: false,
  problem: null,
};

function typeUrl(url: string) {
  fireEvent.change(screen.getByTestId("download-url"), { target: { value: url } });
}

describe("ModelDownload", () => {
  beforeEach(() => {
    vi.resetAllMocks();
    mocked.downloadLocalModel.mockResolvedValue(model);
  });

  it("asks to allow plain http for a host that is not this computer, and passes the answer", async () => {
    render(<ModelDownload onDownloaded={() => undefined} />);
    typeUrl("https://example.com/tiny.gguf");
    expect(screen.queryByTestId("download-allow-http")).toBeNull();
    typeUrl("http://127.0.0.1:9000/tiny.gguf");
    expect(screen.queryByTestId("download-allow-http")).toBeNull();

    typeUrl("http://mirror.example/tiny.gguf");
    const allow = screen.getByTestId("download-allow-http");
    expect(allow.closest("label")?.textContent).toMatch("Allow plain http for this host (mirror.example)");
    fireEvent.click(screen.getByTestId("download-start"));
    await waitFor(() => expect(mocked.downloadLocalModel).toHaveBeenCalledTimes(1));
    expect(mocked.downloadLocalModel.mock.calls[0]?.slice(0, 4)).toEqual([
      "http://mirror.example/tiny.gguf",
      "tiny.gguf",
      null,
      false,
    ]);
    await screen.findByTestId("download-done");

    typeUrl("http://mirror.example/tiny.gguf");
    fireEvent.click(screen.getByTestId("download-allow-http"));
    fireEvent.click(screen.getByTestId("download-start"));
    await waitFor(() => expect(mocked.downloadLocalModel).toHaveBeenCalledTimes(2));
    expect(mocked.downloadLocalModel.mock.calls[1]?.[3]).toBe(true);
  });

  it("says after a cancel what the app kept", async () => {
    let fail: (error: unknown) => void = () => undefined;
    mocked.downloadLocalModel.mockImplementation((_url, _name, _sha, _allow, onProgress) => {
      onProgress({ downloaded: 2_000_000, total: 9_000_000 });
      return new Promise((_resolve, reject) => {
        fail = reject;
      });
    });
    mocked.cancelLocalDownload.mockResolvedValue(true);
    render(<ModelDownload onDownloaded={() => undefined} />);
    typeUrl("https://example.com/tiny.gguf");
    fireEvent.click(screen.getByTestId("download-start"));
    fireEvent.click(await screen.findByTestId("download-cancel"));
    expect(mocked.cancelLocalDownload).toHaveBeenCalledWith("tiny.gguf");
    fail({ code: "invalid", message: "The download was cancelled; nothing was kept, since the server gives no way to resume it safely" });
    const note = (await screen.findByTestId("download-cancelled")).textContent ?? "";
    expect(note).toMatch("2 MB had arrived");
    expect(note).toMatch("nothing was kept");
  });
});
