/**
 * What to do when the OS keychain cannot be used. On Linux that is a locked keyring or no Secret
 * Service at all; the raw error ("no secret service provider") tells a person neither, and Hearth
 * never falls back to keeping keys in a file.
 */
export function KeychainHelp({ detail, onRetry }: { detail: string; onRetry?: () => void }) {
  return (
    <div className="error-notice keychain-help" role="alert" data-testid="keychain-help">
      <p>Hearth keeps keys and tokens only in the system keyring, and the keyring cannot be used right now.</p>
      <ul>
        <li>
          <strong>If it is locked</strong>, unlock it: log in to the desktop session again, or open Passwords and Keys
          (Seahorse) or KWalletManager and unlock the “Login” keyring.
        </li>
        <li>
          <strong>If there is none</strong>, install a Secret Service — gnome-keyring (<code>sudo apt install gnome-keyring</code>)
          or KWallet (<code>sudo apt install kwalletmanager</code>) — then log out and back in.
        </li>
      </ul>
      <p className="muted small-text">The system said: {detail}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
