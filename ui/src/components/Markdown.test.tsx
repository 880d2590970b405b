import { fireEvent, render } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import * as ipc from "../ipc";
import { Markdown, renderMarkdown } from "./Markdown";

vi.mock("../ipc", async (importOriginal) => ({ ...(await importOriginal<typeof ipc>()), openLink: vi.fn() }));

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

  it("opens a web link in the browser when clicked, and never a script link", () => {
    const open = vi.mocked(ipc.openLink).mockResolvedValue();
    const { container } = render(<Markdown source="[docs](https://example.org/a) and [bad](javascript:alert(1))" />);
    const [docs, bad] = Array.from(container.querySelectorAll("a"));
    if (!docs) throw new Error("the web link is missing");
    expect(docs.getAttribute("title")).toBe("https://example.org/a");
    fireEvent.click(docs);
    expect(open).toHaveBeenCalledWith("https://example.org/a");
    open.mockClear();
    if (bad) fireEvent.click(bad);
    expect(open).not.toHaveBeenCalled();
  });
});
