import { describe, expect, it } from "vitest";
import { toAppError } from "./index";

describe("toAppError", () => {
  it("keeps an error that already has the app's shape", () => {
    expect(toAppError({ code: "internal", message: "disk full" })).toEqual({ code: "internal", message: "disk full" });
  });

  it("wraps a framework rejection string so views always get {code, message}", () => {
    expect(toAppError("command app_info not allowed by ACL")).toEqual({
      code: "internal",
      message: "command app_info not allowed by ACL",
    });
  });
});
