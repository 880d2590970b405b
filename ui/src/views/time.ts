// Made once: `toLocale…String` with options builds a new formatter (and its locale data) on every
// call, which a long list re-rendered while scrolling pays for thousands of times.
const TIME = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const DAY = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const DAY_AND_YEAR = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", year: "numeric" });

/** A Unix time as people read it in a list: the time today, else the date. */
export function formatTime(unixSeconds: number | null): string {
  if (unixSeconds === null) return "";
  const date = new Date(unixSeconds * 1000);
  const now = new Date();
  if (date.toDateString() === now.toDateString()) return TIME.format(date);
  return (date.getFullYear() === now.getFullYear() ? DAY : DAY_AND_YEAR).format(date);
}

/** A duration between two Unix times, e.g. `2.0 s`. */
export function formatDuration(from: number | null, to: number | null): string {
  if (from === null || to === null) return "—";
  return `${Math.max(0, to - from).toFixed(0)} s`;
}
