/** The model download form: what was typed, and the rule each field breaks. */
export interface DownloadForm {
  url: string;
  fileName: string;
  sha256: string;
}

/**
 * The host of a plain http:// address that needs the person's permission (downloads are https
 * only, except from this computer); null for https, loopback and what does not parse.
 */
export function hostNeedingHttpPermission(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" || !parsed.hostname) return null;
  const host = parsed.hostname.toLowerCase();
  const loopback = host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
  return loopback ? null : host;
}

export type DownloadErrors = Partial<Record<keyof DownloadForm, string>>;

/** The file name a URL suggests: its last path segment, when that is a .gguf file. */
export function fileNameFromUrl(url: string): string {
  try {
    const last = new URL(url.trim()).pathname.split("/").pop() ?? "";
    const name = decodeURIComponent(last);
    return name.toLowerCase().endsWith(".gguf") ? name : "";
  } catch {
    return "";
  }
}

export function validateDownload(form: DownloadForm): DownloadErrors {
  const errors: DownloadErrors = {};
  let url: URL | null = null;
  try {
    url = new URL(form.url.trim());
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    errors.url = "Enter the model's https:// address (or http://, where you allow it).";
  }
  const name = form.fileName.trim();
  if (!name.toLowerCase().endsWith(".gguf") || name.length <= ".gguf".length) {
    errors.fileName = "The file name must end in .gguf.";
  } else if (/[\\/]/.test(name) || name.startsWith(".")) {
    errors.fileName = "The file name cannot name a folder or start with a dot.";
  }
  const digest = form.sha256.trim();
  if (digest && !/^[0-9a-fA-F]{64}$/.test(digest)) {
    errors.sha256 = "A SHA-256 is 64 hexadecimal characters (or leave it empty).";
  }
  return errors;
}
