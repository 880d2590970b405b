import { whatVanished } from "../errors";
import type { AppError } from "../ipc";
import type { RunControl } from "../threads/useRun";
import type { ThreadMessages } from "../threads/useThreadMessages";

/**
 * The one failure the panel shows: its own, else the run's (Retry starts that run's assistant
 * again), else reading the thread's. Something deleted elsewhere is said in those words, with no
 * Retry, since trying again cannot bring it back.
 */
export function shownFailure(
  own: AppError | null | undefined,
  run: RunControl,
  reading: ThreadMessages["failure"],
): { error: AppError; retry?: () => void } | null {
  const failure = own
    ? { error: own }
    : run.failure
      ? { error: run.failure.error, retry: run.failure.retry ? run.retry : undefined }
      : reading;
  if (!failure) return null;
  const vanished = whatVanished(failure.error);
  return vanished ? { error: { ...failure.error, message: vanished } } : failure;
}
