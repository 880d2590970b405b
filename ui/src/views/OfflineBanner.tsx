/** A remote profile's server cannot be reached: what still works, and a way to check again. */
export function OfflineBanner({ baseUrl, onRetry }: { baseUrl: string | null; onRetry: () => void }) {
  return (
    <div className="offline-banner" role="status" data-testid="offline-banner">
      <strong>Offline.</strong> {baseUrl ?? "The server"} cannot be reached — showing what was saved on this computer.
      Creating, editing and running need the server.
      <button type="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
