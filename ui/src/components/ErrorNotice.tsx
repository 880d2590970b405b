import type { AppError } from "../ipc";

interface ErrorNoticeProps {
  error: AppError;
  onRetry?: () => void;
}

/** An error shown where it happened, with a way forward. */
export function ErrorNotice({ error, onRetry }: ErrorNoticeProps) {
  return (
    <div className="error-notice" role="alert">
      <p>{error.message}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
