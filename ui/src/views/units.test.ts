import { describe, expect, it } from "vitest";
import { size } from "./units";

describe("size", () => {
  it("reads like a file size at every scale, small files in bytes", () => {
    expect(size(36)).toBe("36 bytes");
    expect(size(1)).toBe("1 byte");
    expect(size(48_000)).toBe("48 kB");
    expect(size(98_000_000)).toBe("98 MB");
    expect(size(2_300_000_000)).toBe("2.3 GB");
    expect(size(null)).toBe("—");
  });
});
