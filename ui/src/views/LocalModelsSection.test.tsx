import { render, screen, waitFor } from "@testing-library/react";
import { act } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as fileDrop from "../attachments/useFileDrop";
import * as ipc from "../ipc";
import { LocalModelsSection } from "./LocalModelsSection";

vi.mock("../ipc", async (importOriginal) => {
  const actual = await importOriginal<typeof ipc>();
  return { ...actual, listLocalModels: vi.fn(), addLocalModel: vi.fn() };
});
vi.mock("../attachments/useFileDrop", () => ({ useFileDrop: vi.fn() }));

const mocked = vi.mocked(ipc);
const useFileDrop = vi.mocked(fileDrop.useFileDrop);

const model = {
  id: "tiny.Q4_1",
  fileName: "tiny.Q4_1.gguf",
  sizeBytes: 98_000_000,
  name: "Tiny",
  architecture: "llama",
  parameterCount: 135_000_000,
  quantization: "Q4_1",
  contextLength: 8192,
  hasChatTemplate: true,
  supportsTools: false,
  problem: null,
};

describe("LocalModelsSection", () => {
  let drop: (paths: string[]) => void = () => undefined;
  beforeEach(() => {
    vi.resetAllMocks();
    mocked.listLocalModels.mockResolvedValue({ folder: "/data/models", models: [] });
    // Only drops on the Settings page reach it (not drops on the sidebar beside it).
    useFileDrop.mockImplementation((selector, handler) => {
      if (selector === "[data-drop=settings]") drop = (paths) => handler(paths, document.body);
      return null;
    });
  });

  it("adds a dropped .gguf file and says why other dropped files were not added", async () => {
    mocked.addLocalModel.mockResolvedValue(model);
    render(<LocalModelsSection />);
    await screen.findByText(/No model yet/);
    mocked.listLocalModels.mockResolvedValue({ folder: "/data/models", models: [model] });

    act(() => drop(["/home/me/tiny.Q4_1.gguf", "/home/me/notes.pdf"]));

    await waitFor(() => expect(mocked.addLocalModel).toHaveBeenCalledWith("/home/me/tiny.Q4_1.gguf"));
    expect(mocked.addLocalModel).toHaveBeenCalledTimes(1);
    expect((await screen.findByTestId("model-added")).textContent).toMatch("tiny.Q4_1");
    expect((screen.getByRole("alert")).textContent).toMatch("notes.pdf was not added");
    expect((await screen.findByTestId("local-model")).textContent).toMatch("135M");
  });

  it("shows why a dropped file could not be added", async () => {
    mocked.addLocalModel.mockRejectedValue({ code: "invalid", message: "/home/me/bad.gguf cannot be used as a model: not a GGUF file" });
    render(<LocalModelsSection />);
    await screen.findByText(/No model yet/);

    act(() => drop(["/home/me/bad.gguf"]));

    expect((await screen.findByRole("alert")).textContent).toMatch("cannot be used as a model");
  });
});
