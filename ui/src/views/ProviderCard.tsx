import { useState } from "react";
import { ErrorNotice } from "../components/ErrorNotice";
import { FieldError } from "../components/FieldError";
import { reportFailure } from "../errors";
import {
  removeProviderKey,
  setProviderKey,
  setProviderUrl,
  testProvider,
  type AppError,
  type ProviderStatus,
} from "../ipc";

/** One provider: its key (set / replace / remove; never shown), its URL, and Test connection. */
export function ProviderCard({ provider, onChanged }: { provider: ProviderStatus; onChanged: () => void }) {
  const [key, setKey] = useState("");
  const [replacing, setReplacing] = useState(false);
  const [url, setUrl] = useState(provider.baseUrl ?? "");
  const [error, setError] = useState<AppError | null>(null);
  // Which input the failed action was about: an `invalid` answer is shown under it.
  const [errorField, setErrorField] = useState<"key" | "url" | null>(null);
  const [test, setTest] = useState<{ models: string[] } | { error: AppError } | "testing" | null>(null);
  const id = provider.name;

  const act = (action: Promise<unknown>, field: "key" | "url" | null, after?: () => void) => {
    setError(null);
    action.then(
      () => {
        after?.();
        onChanged();
      },
      (failure: unknown) => {
        const problem = reportFailure(failure);
        setError(problem);
        setErrorField(problem.code === "invalid" ? field : null);
      },
    );
  };
  const fieldError = (field: "key" | "url") => (error && errorField === field ? error.message : undefined);

  const urlChanged = url.trim() !== (provider.baseUrl ?? "");
  // The stored key belongs to another host: it is not sent until the person enters it again or
  // confirms that it may go to this one.
  const keyElsewhere = provider.keySet && !provider.keyFitsUrl;
  const showKeyInput = provider.keyUse !== "none" && (!provider.keySet || replacing || keyElsewhere);

  return (
    <div className="provider-card" data-testid={`provider-${id}`}>
      <header>
        <h3>{provider.label}</h3>
        <span className={provider.ready ? "pill ok" : "pill"} data-testid={`provider-${id}-state`}>
          {provider.ready ? "Ready" : "Not set up"}
        </span>
      </header>
      {provider.keyUse !== "none" && (
        <div className="row">
          <span className="label">API key{provider.keyUse === "optional" ? " (optional)" : ""}</span>
          {provider.keySet && !replacing && !keyElsewhere && (
            <>
              <span className="key-set" data-testid={`provider-${id}-key-set`}>
                Set — kept in the OS keychain
              </span>
              <button type="button" className="small" onClick={() => setReplacing(true)}>
                Replace
              </button>
              <button type="button" className="small danger-quiet" onClick={() => act(removeProviderKey(id), null)} data-testid={`provider-${id}-remove-key`}>
                Remove
              </button>
            </>
          )}
          {showKeyInput && (
            <form
              className="inline-form"
              onSubmit={(event) => {
                event.preventDefault();
                act(setProviderKey(id, key), "key", () => {
                  setKey("");
                  setReplacing(false);
                });
              }}
            >
              <input
                type="password"
                autoComplete="off"
                value={key}
                onChange={(event) => setKey(event.target.value)}
                placeholder="Paste the key"
                aria-label={`${provider.label} API key`}
                data-testid={`provider-${id}-key`}
              />
              <button type="submit" disabled={!key.trim()} data-testid={`provider-${id}-save-key`}>
                Save key
              </button>
              {replacing && (
                <button type="button" onClick={() => setReplacing(false)}>
                  Keep the old one
                </button>
              )}
            </form>
          )}
        </div>
      )}
      {keyElsewhere && (
        <div className="hint-box" role="alert" data-testid={`provider-${id}-key-elsewhere`}>
          <p>
            The key was saved for {provider.keyOrigin ?? "another host"}; Hearth does not send it to {provider.baseUrl ?? "this URL"}.
            Enter the key for this URL above, or confirm that your key may be used with this host.
          </p>
          <button
            type="button"
            className="small"
            onClick={() => act(setProviderUrl(id, provider.baseUrl, true), null)}
            data-testid={`provider-${id}-move-key`}
          >
            Use my key with this host
          </button>
        </div>
      )}
      <form
        className="row inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          act(setProviderUrl(id, url.trim() || null, false), "url");
        }}
      >
        <span className="label">URL</span>
        <input
          value={url}
          onChange={(event) => setUrl(event.target.value)}
          placeholder={provider.defaultUrl ?? (id === "ollama" ? "http://127.0.0.1:11434/v1" : "http://host:port/v1")}
          aria-label={`${provider.label} URL`}
          data-testid={`provider-${id}-url`}
        />
        <button type="submit" disabled={!urlChanged} data-testid={`provider-${id}-save-url`}>
          Save URL
        </button>
        <button
          type="button"
          onClick={() => {
            setTest("testing");
            testProvider(id, url.trim() || null, key.trim() || null).then(
              (models) => setTest({ models }),
              (failure: unknown) => setTest({ error: reportFailure(failure) }),
            );
          }}
          data-testid={`provider-${id}-test`}
        >
          Test connection
        </button>
      </form>
      <FieldError error={fieldError("key")} id={`provider-${id}-key-error`} />
      <FieldError error={fieldError("url")} id={`provider-${id}-url-error`} />
      {error && !errorField && <ErrorNotice error={error} />}
      {test === "testing" && <p className="muted">Connecting…</p>}
      {test && test !== "testing" && "error" in test && <ErrorNotice error={test.error} />}
      {test && test !== "testing" && "models" in test && (
        <p className="test-ok" data-testid={`provider-${id}-models`}>
          Connected: {test.models.length} model{test.models.length === 1 ? "" : "s"} — {test.models.slice(0, 12).join(", ")}
          {test.models.length > 12 ? ", …" : ""}
        </p>
      )}
    </div>
  );
}
