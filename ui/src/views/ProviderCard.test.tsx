import { act, fireEvent, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as ipc from "../ipc";
import type { ProviderStatus } from "../ipc";
import { ProviderCard } from "./ProviderCard";

vi.mock("../ipc", async (importOriginal) => {
  const actual = await importOriginal<typeof ipc>();
  return { ...actual, setProviderUrl: vi.fn(), setProviderKey: vi.fn() };
});

const mocked = vi.mocked(ipc);

/** OpenAI moved to a proxy while its key was saved for the official API. */
const movedAway: ProviderStatus = {
  name: "openai",
  label: "OpenAI",
  baseUrl: "https://proxy.example/v1",
  defaultUrl: "https://api.openai.com/v1",
  keyUse: "required",
  keySet: true,
  keyOrigin: "https://api.openai.com:443",
  keyFitsUrl: false,
  ready: false,
};

describe("ProviderCard with a key saved for another host", () => {
  beforeEach(() => {
    vi.resetAllMocks();
    mocked.setProviderUrl.mockResolvedValue(null);
  });

  it("says where the key belongs and that it is not sent to the new URL", () => {
    render(<ProviderCard provider={movedAway} onChanged={() => undefined} />);
    const notice = screen.getByTestId("provider-openai-key-elsewhere");
    expect(notice.textContent).toContain("saved for https://api.openai.com:443");
    expect(notice.textContent).toContain("does not send it to https://proxy.example/v1");
    expect(screen.getByTestId("provider-openai-state").textContent).toBe("Not set up");
  });

  it("moves the key to this host only when the person confirms", async () => {
    const changed = vi.fn();
    render(<ProviderCard provider={movedAway} onChanged={changed} />);
    expect(mocked.setProviderUrl).not.toHaveBeenCalled();
    await act(async () => fireEvent.click(screen.getByTestId("provider-openai-move-key")));
    expect(mocked.setProviderUrl).toHaveBeenCalledWith("openai", "https://proxy.example/v1", true);
    expect(changed).toHaveBeenCalled();
  });

  it("asks for the key again, and saving it sends nothing to the URL first", async () => {
    mocked.setProviderKey.mockResolvedValue(null);
    render(<ProviderCard provider={movedAway} onChanged={() => undefined} />);
    expect(screen.queryByTestId("provider-openai-key-set")).toBeNull();
    fireEvent.change(screen.getByTestId("provider-openai-key"), { target: { value: "sk-for-the-proxy" } });
    await act(async () => fireEvent.click(screen.getByTestId("provider-openai-save-key")));
    expect(mocked.setProviderKey).toHaveBeenCalledWith("openai", "sk-for-the-proxy");
    expect(mocked.setProviderUrl).not.toHaveBeenCalled();
  });

  it("shows no such notice when the key fits the URL, and saving a URL never moves the key", async () => {
    const fits = { ...movedAway, keyFitsUrl: true, ready: true, keyOrigin: "https://proxy.example:443" };
    render(<ProviderCard provider={fits} onChanged={() => undefined} />);
    expect(screen.queryByTestId("provider-openai-key-elsewhere")).toBeNull();
    fireEvent.change(screen.getByTestId("provider-openai-url"), { target: { value: "https://other.example/v1" } });
    await act(async () => fireEvent.click(screen.getByTestId("provider-openai-save-url")));
    expect(mocked.setProviderUrl).toHaveBeenCalledWith("openai", "https://other.example/v1", false);
  });
});
