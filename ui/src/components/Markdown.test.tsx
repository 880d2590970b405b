import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./Markdown";

describe("renderMarkdown", () => {
  it("renders formatting and highlights code with a copy button", () => {
    const html = renderMarkdown("**bold** and `x`\n\n```rust\nfn main() {}\n```");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain('class="copy-code"');
    expect(html).toContain("hljs-keyword");
  });

  it("makes model-written HTML and script links inert", () => {
    const html = renderMarkdown(
      '<img src=x onerror="alert(1)"> [click](javascript:alert(1)) <script>alert(2)</script> <a href="javascript:alert(3)">x</a>',
    );
    const doc = new DOMParser().parseFromString(html, "text/html");
    expect(doc.querySelector("img")).toBeNull();
    expect(doc.querySelector("script")).toBeNull();
    expect(doc.querySelectorAll("[onerror]").length).toBe(0);
    for (const link of doc.querySelectorAll("a")) {
      expect(link.getAttribute("href") ?? "").not.toMatch(/^javascript:/i);
    }
    // The raw HTML is shown as text, so the reader sees what the model wrote.
    expect(doc.body.textContent).toContain("<img src=x");
  });

  it("keeps ordinary web links", () => {
    const doc = new DOMParser().parseFromString(renderMarkdown("[docs](https://example.org/a)"), "text/html");
    expect(doc.querySelector("a")?.getAttribute("href")).toBe("https://example.org/a");
  });
});
