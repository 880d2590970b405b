import { renderHook } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { invalidParameter, reportFailure, useReportedFailures, whatVanished } from "./errors";

describe("reportFailure", () => {
  it("gives the view {code, message} and tells whoever listens", () => {
    const heard = vi.fn();
    const { unmount } = renderHook(() => useReportedFailures(heard));
    expect(reportFailure({ code: "offline", message: "The server cannot be reached." })).toEqual({
      code: "offline",
      message: "The server cannot be reached.",
    });
    expect(heard).toHaveBeenCalledWith({ code: "offline", message: "The server cannot be reached." });
    unmount();
    reportFailure("command not allowed");
    expect(heard).toHaveBeenCalledTimes(1);
  });
});

describe("invalidParameter", () => {
  it("reads the parameter an invalid error names in the hosted API's words", () => {
    expect(invalidParameter({ code: "invalid", message: "Invalid 'top_p': decimal above maximum value." })).toBe("top_p");
    expect(invalidParameter({ code: "invalid", message: "Invalid 'tools[0].function.name': string too long." })).toBe(
      "tools[0].function.name",
    );
    expect(invalidParameter({ code: "invalid", message: "Give the profile a name." })).toBeNull();
    expect(invalidParameter({ code: "internal", message: "Invalid 'top_p'" })).toBeNull();
  });
});

describe("whatVanished", () => {
  it("says what was deleted elsewhere", () => {
    expect(whatVanished({ code: "not_found", message: "No thread found with id 'thread_1'." })).toBe("This thread was deleted elsewhere.");
    expect(whatVanished({ code: "not_found", message: "No assistant found with id 'asst_1'." })).toBe("This assistant was deleted elsewhere.");
    expect(whatVanished({ code: "not_found", message: "No profile with id 'profile_1'." })).toBe("This profile was removed elsewhere.");
    expect(whatVanished({ code: "not_found", message: "Gone." })).toBe("This was deleted elsewhere.");
    expect(whatVanished({ code: "internal", message: "No thread found with id 'x'." })).toBeNull();
  });
});
