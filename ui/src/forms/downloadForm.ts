/** The model download form: what was typed, and the rule each field breaks. */
export interface DownloadForm {
  url: string;
  fileName: string;
  sha256: string;
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
    errors.url = "Enter the model's http:// or https:// address.";
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
