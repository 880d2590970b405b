// What the app does with a failed command, beyond showing its message where it happened. Two codes
// concern the whole window rather than the view that hit them: `offline` (the banner, the mirror's
// read-only state) and `not_found` (the lists are out of date). Views report every failure here and
// the app listens, so no view needs to know who else has to react.
import { useEffect } from "react";
import { toAppError, type AppError } from "./ipc";

type Listener = (error: AppError) => void;
const listeners = new Set<Listener>();

/** The failure as the `{code, message}` a view shows; the app hears of it too. */
export function reportFailure(failure: unknown): AppError {
  const error = toAppError(failure);
  for (const listener of listeners) listener(error);
  return error;
}

/** Calls `listener` with every failure a view reports while the caller is mounted. */
export function useReportedFailures(listener: Listener): void {
  useEffect(() => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, [listener]);
}

/**
 * The request parameter an `invalid` error names, e.g. `temperature` or `tools[0].function.name`:
 * the core words these errors as the hosted API does, "Invalid 'temperature': …".
 */
export function invalidParameter(error: AppError): string | null {
  if (error.code !== "invalid") return null;
  const named = /'([A-Za-z_][\w.[\]]*)'/.exec(error.message);
  return named?.[1] ?? null;
}

const VANISHED: Record<string, string> = {
  thread: "This thread was deleted elsewhere.",
  assistant: "This assistant was deleted elsewhere.",
  run: "This run was deleted elsewhere, with its thread.",
  message: "This message was deleted elsewhere, with its thread.",
  profile: "This profile was removed elsewhere.",
};

/**
 * For a `not_found` error, what vanished, in words a person reads ("This thread was deleted
 * elsewhere."); the core names the kind as the hosted API does: "No thread found with id '…'".
 */
export function whatVanished(error: AppError): string | null {
  if (error.code !== "not_found") return null;
  const kind = /^No ([a-z ]+?) (?:found )?with id/i.exec(error.message)?.[1]?.toLowerCase();
  return (kind && VANISHED[kind]) ?? "This was deleted elsewhere.";
}
