import { describe, expect, it } from "vitest";
import { plainPreview } from "./preview";

describe("plainPreview", () => {
  it("shows the words of a Markdown line without its marks", () => {
    expect(plainPreview("**North** grew fastest, see `sales.csv` and [the report](https://example.com)")).toBe(
      "North grew fastest, see sales.csv and the report",
    );
    expect(plainPreview("## Revenue by region")).toBe("Revenue by region");
    expect(plainPreview("- first, _then_ ~~not~~ this")).toBe("first, then not this");
    expect(plainPreview("1. Open the file")).toBe("Open the file");
    expect(plainPreview("> quoted")).toBe("quoted");
  });

  it("drops citation markers and keeps plain text and lone symbols as they are", () => {
    expect(plainPreview("Revenue rose 14%【0:0†q4-sales-report.md】.")).toBe("Revenue rose 14%.");
    expect(plainPreview("2 * 3 = 6 and a_b_c")).toBe("2 * 3 = 6 and a_b_c");
    expect(plainPreview("Hello there")).toBe("Hello there");
  });
});
