import { useState } from "react";
import { ErrorNotice } from "../components/ErrorNotice";
import { useApiServer } from "../settings/useApiServer";

/** A value with a Copy button that says when it copied. */
function Copyable({ value, testId }: { value: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard.writeText(value).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <span className="copyable">
      <code data-testid={testId}>{value}</code>
      <button type="button" className="small" onClick={copy} data-testid={`${testId}-copy`}>
        {copied ? "Copied" : "Copy"}
      </button>
    </span>
  );
}

/**
 * Settings → "Let programs on this computer use Hearth": the Assistants API served by the app on
 * loopback, so scripts written for the hosted API share the window's assistants, threads and runs.
 */
export function ApiServerSection() {
  const { server, token, busy, error, refresh, turnOn, turnOff, renewToken } = useApiServer();
  const on = server?.enabled ?? false;
  return (
    <section className="api-server" data-testid="api-server" aria-label="Programs on this computer">
      <h2>Programs on this computer</h2>
      <p className="muted">
        Code written for the OpenAI Assistants API can use Hearth’s assistants, threads and runs: point the SDK’s base
        URL here. Only programs on this computer can connect, and only with the token. What they do shows up in this
        window.
      </p>
      {error && <ErrorNotice error={error} onRetry={refresh} />}
      <label className="api-server-toggle">
        <input
          type="checkbox"
          checked={on}
          disabled={busy || server === null}
          onChange={(event) => (event.target.checked ? turnOn() : turnOff())}
          data-testid="api-server-toggle"
        />{" "}
        Let programs on this computer use Hearth
      </label>
      {server?.problem && (
        <p className="api-server-problem" role="alert" data-testid="api-server-problem">
          Not listening: {server.problem}
        </p>
      )}
      {server?.running && server.baseUrl && (
        <dl className="facts">
          <dt>Base URL</dt>
          <dd>
            <Copyable value={server.baseUrl} testId="api-server-url" />
          </dd>
          <dt>Port</dt>
          <dd data-testid="api-server-port">{server.port}</dd>
        </dl>
      )}
      {server?.running && token && (
        <div className="api-server-token" data-testid="api-server-token-box">
          <p>
            <strong>Your token.</strong> Copy it now: Hearth keeps it in the OS keychain and will not show it again.
          </p>
          <Copyable value={token} testId="api-server-token" />
          <pre className="api-server-example">
            {`from openai import OpenAI\nclient = OpenAI(base_url="${server.baseUrl ?? ""}", api_key="${token}")`}
          </pre>
        </div>
      )}
      {server?.running && !token && (
        <p className="muted">
          The token was shown when it was made.{" "}
          <button type="button" className="small" disabled={busy} onClick={renewToken} data-testid="api-server-new-token">
            Make a new token
          </button>{" "}
          (the old one stops working).
        </p>
      )}
    </section>
  );
}
