// A message's first line as a thread list shows it: the words a reader sees, without the Markdown
// marks around them or the citation markers a model writes (the list is plain text, not rendered).

/** `line` with its Markdown reduced to the text it renders as. */
export function plainPreview(line: string): string {
  return (
    line
      // Citation markers: 【0:0†report.pdf】.
      .replace(/【[^】]*】/g, "")
      // Images and links show their text.
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
      // A heading's, quote's or list item's mark at the start.
      .replace(/^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)/, "")
      // Emphasis, strike-through and code marks around words.
      .replace(/(\*\*|~~)(?=\S)(.+?)(?<=\S)\1/g, "$2")
      .replace(/\*(?=\S)(.+?)(?<=\S)\*/g, "$1")
      // Underscores mark emphasis only at a word's edges (snake_case stays as written).
      .replace(/(^|[^\p{L}\p{N}_])(__?)(?=\S)(.+?)(?<=\S)\2(?![\p{L}\p{N}_])/gu, "$1$3")
      .replace(/`+([^`]*)`+/g, "$1")
      .replace(/\s+/g, " ")
      .trim()
  );
}
