import type { AppError } from "../ipc";
import { KeychainHelp } from "./KeychainHelp";

interface ErrorNoticeProps {
  error: AppError;
  onRetry?: () => void;
}

/** An error shown where it happened, with a way forward. */
export function ErrorNotice({ error, onRetry }: ErrorNoticeProps) {
  // A keychain failure is fixed outside Hearth: say how, not just what broke.
  if (error.code === "keychain") return <KeychainHelp detail={error.message} onRetry={onRetry} />;
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
