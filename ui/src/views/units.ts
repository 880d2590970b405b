/** A byte count the way people read file sizes. */
export function size(bytes: number | null | undefined): string {
  if (bytes == null) return "—";
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${Math.round(bytes / 1e6)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return bytes === 1 ? "1 byte" : `${bytes} bytes`;
}
