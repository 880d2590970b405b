import { act, fireEvent, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as ipc from "../ipc";
import type { Assistant } from "../ipc";
import { AssistantEditor } from "./AssistantEditor";

vi.mock("../ipc", async (importOriginal) => {
  const actual = await importOriginal<typeof ipc>();
  return { ...actual, listModels: vi.fn(), createAssistant: vi.fn(), modifyAssistant: vi.fn(), deleteAssistant: vi.fn() };
});

const mocked = vi.mocked(ipc);

const saved: Assistant = {
  id: "asst_1",
  created_at: 1,
  name: "Helper",
  description: null,
  model: "gpt-4o-mini",
  instructions: null,
  tools: [],
  metadata: {},
  temperature: 1.5,
  top_p: null,
  response_format: "auto",
};

async function openEditor(assistant: Assistant | null) {
  render(<AssistantEditor assistant={assistant} offline={false} onSaved={() => undefined} onDeleted={() => undefined} onDuplicated={() => undefined} />);
  await act(async () => undefined);
}

describe("AssistantEditor", () => {
  beforeEach(() => {
    vi.resetAllMocks();
    mocked.listModels.mockResolvedValue([{ provider: "openai", models: ["gpt-4o-mini"], error: null }]);
  });

  it("shows a value the core refuses under the field it names", async () => {
    mocked.modifyAssistant.mockRejectedValue({
      code: "invalid",
      message: "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.5 instead.",
    });
    await openEditor(saved);
    await act(async () => fireEvent.click(screen.getByTestId("save-assistant")));
    expect(document.getElementById("temperature-error")?.textContent).toContain("Expected a value <= 2");
    // Changing the form takes the refusal away until the next save.
    fireEvent.change(screen.getByTestId("assistant-temperature"), { target: { value: "1" } });
    expect(document.getElementById("temperature-error")).toBeNull();
  });

  it("shows an invalid error that names no field above the buttons", async () => {
    mocked.modifyAssistant.mockRejectedValue({ code: "invalid", message: "The model gpt-x is not offered by any provider." });
    await openEditor(saved);
    await act(async () => fireEvent.click(screen.getByTestId("save-assistant")));
    expect(screen.getByRole("alert").textContent).toContain("not offered by any provider");
  });

  it("says the assistant was deleted elsewhere", async () => {
    mocked.modifyAssistant.mockRejectedValue({ code: "not_found", message: "No assistant found with id 'asst_1'." });
    await openEditor(saved);
    await act(async () => fireEvent.click(screen.getByTestId("save-assistant")));
    expect(screen.getByRole("alert").textContent).toBe("This assistant was deleted elsewhere.");
  });
});
