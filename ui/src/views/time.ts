/** A Unix time as people read it in a list: the time today, else the date. */
export function formatTime(unixSeconds: number | null): string {
  if (unixSeconds === null) return "";
  const date = new Date(unixSeconds * 1000);
  const now = new Date();
  if (date.toDateString() === now.toDateString()) {
    return date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  }
  return date.toLocaleDateString(undefined, { month: "short", day: "numeric", year: date.getFullYear() === now.getFullYear() ? undefined : "numeric" });
}

/** A duration between two Unix times, e.g. `2.0 s`. */
export function formatDuration(from: number | null, to: number | null): string {
  if (from === null || to === null) return "—";
  return `${Math.max(0, to - from).toFixed(0)} s`;
}
