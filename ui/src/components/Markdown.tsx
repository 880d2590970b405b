import DOMPurify from "dompurify";
import hljs from "highlight.js/lib/common";
import { Marked, type Tokens } from "marked";
import { useMemo, type MouseEvent } from "react";
import { openLink } from "../ipc";
import { CITATION_CLOSE, CITATION_OPEN } from "../threads/citations";

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}

// One Markdown renderer: code blocks highlighted, with a copy button. Raw HTML in model output is
// escaped, never rendered, and the result still goes through DOMPurify.
const markdown = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    code({ text, lang }: Tokens.Code): string {
      const language = lang && hljs.getLanguage(lang) ? lang : undefined;
      const highlighted = language
        ? hljs.highlight(text, { language, ignoreIllegals: true }).value
        : escapeHtml(text);
      const label = language ? `<span class="code-lang">${escapeHtml(language)}</span>` : "";
      return `<div class="code-block">${label}<button type="button" class="copy-code">Copy</button><pre><code class="hljs">${highlighted}</code></pre></div>`;
    },
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return escapeHtml(text);
    },
  },
});

// A link shows where it goes before it is clicked: the address the browser will open.
DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  const href = node.tagName === "A" ? node.getAttribute("href") : null;
  if (href) node.setAttribute("title", href);
});

const CITATION = new RegExp(`${CITATION_OPEN}(\\d+)${CITATION_CLOSE}`, "g");

/**
 * Model output as safe HTML: only plain formatting survives, links only to http(s) and mailto.
 * Citation placeholders (see `threads/citations.ts`) become numbered buttons.
 */
export function renderMarkdown(source: string): string {
  const html = markdown
    .parse(source, { async: false })
    .replace(
      CITATION,
      (_, n: string) => `<button type="button" class="citation" data-citation="${n}" aria-label="Source ${n}">${n}</button>`,
    );
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ["style", "form", "input", "img", "video", "audio", "iframe", "object", "embed", "svg", "math"],
    FORBID_ATTR: ["style"],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
  });
}

interface MarkdownProps {
  source: string;
  /** Called with a citation's number when its button is clicked. */
  onCitation?: (number: number) => void;
}

/** Renders Markdown from an untrusted source (a model, a remote server). */
export function Markdown({ source, onCitation }: MarkdownProps) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    const citation = target.closest<HTMLElement>("button.citation");
    if (citation) {
      onCitation?.(Number(citation.dataset.citation));
      return;
    }
    if (target.classList.contains("copy-code")) {
      const code = target.parentElement?.querySelector("code")?.textContent ?? "";
      void navigator.clipboard.writeText(code).then(() => {
        target.textContent = "Copied";
        setTimeout(() => (target.textContent = "Copy"), 1500);
      });
      return;
    }
    // Links never navigate the app's window: one that survived sanitizing (http, https, mailto)
    // opens in the system's browser; its address is shown on hover.
    const link = target.closest("a");
    if (link) {
      event.preventDefault();
      const href = link.getAttribute("href");
      if (href && /^(?:https?:|mailto:)/i.test(href)) void openLink(href).catch(() => undefined);
    }
  };
  return <div className="markdown" onClick={onClick} dangerouslySetInnerHTML={{ __html: html }} />;
}
