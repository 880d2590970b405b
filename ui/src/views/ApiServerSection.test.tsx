import { act, fireEvent, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as ipc from "../ipc";
import { ApiServerSection } from "./ApiServerSection";

vi.mock("../ipc", async (importOriginal) => {
  const actual = await importOriginal<typeof ipc>();
  return {
    ...actual,
    apiServerStatus: vi.fn(),
    startApiServer: vi.fn(),
    stopApiServer: vi.fn(),
    newApiServerToken: vi.fn(),
  };
});

const mocked = vi.mocked(ipc);
const off: ipc.ApiServerView = { enabled: false, running: false, baseUrl: null, port: null, problem: null, newToken: null };
const on = (newToken: string | null): ipc.ApiServerView => ({
  enabled: true,
  running: true,
  baseUrl: "http://127.0.0.1:8642/v1",
  port: 8642,
  problem: null,
  newToken,
});

async function show() {
  render(<ApiServerSection />);
  await act(async () => undefined);
}

describe("ApiServerSection", () => {
  beforeEach(() => {
    vi.resetAllMocks();
  });

  it("is off at first, and turning it on shows the address and the new token once", async () => {
    mocked.apiServerStatus.mockResolvedValue(off);
    mocked.startApiServer.mockResolvedValue(on("hearth-secret"));
    mocked.stopApiServer.mockResolvedValue({ ...off, port: null });
    await show();
    const toggle = screen.getByTestId<HTMLInputElement>("api-server-toggle");
    expect(toggle.checked).toBe(false);
    expect(screen.queryByTestId("api-server-url")).toBeNull();

    await act(async () => fireEvent.click(toggle));
    expect(mocked.startApiServer).toHaveBeenCalledTimes(1);
    expect(toggle.checked).toBe(true);
    expect(screen.getByTestId("api-server-url").textContent).toBe("http://127.0.0.1:8642/v1");
    expect(screen.getByTestId("api-server-port").textContent).toBe("8642");
    expect(screen.getByTestId("api-server-token").textContent).toBe("hearth-secret");

    await act(async () => fireEvent.click(toggle));
    expect(mocked.stopApiServer).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId("api-server-token")).toBeNull();
    expect(screen.queryByTestId("api-server-url")).toBeNull();
  });

  it("does not show a kept token again, and offers a new one", async () => {
    mocked.apiServerStatus.mockResolvedValue(on(null));
    mocked.newApiServerToken.mockResolvedValue(on("hearth-renewed"));
    await show();
    expect(screen.queryByTestId("api-server-token")).toBeNull();
    await act(async () => fireEvent.click(screen.getByTestId("api-server-new-token")));
    expect(screen.getByTestId("api-server-token").textContent).toBe("hearth-renewed");
  });

  it("says why it is not listening", async () => {
    mocked.apiServerStatus.mockResolvedValue({ ...off, enabled: true, problem: "Could not listen on 127.0.0.1: denied" });
    await show();
    expect(screen.getByTestId("api-server-problem").textContent).toContain("denied");
  });
});
