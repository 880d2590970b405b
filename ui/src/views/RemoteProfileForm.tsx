import { useState } from "react";
import { ErrorNotice } from "../components/ErrorNotice";
import { FieldError } from "../components/FieldError";
import { reportFailure } from "../errors";
import { addRemoteProfile, type AppError } from "../ipc";

type Field = "name" | "url" | "token";

/**
 * The field an `invalid` answer to adding a profile is about. The core words these checks for a
 * person ("Give the profile a name.", "The URL must start with http://…", "…refused the token…"),
 * so the field is the one the message talks about.
 */
export function remoteFieldOf(error: AppError): Field | null {
  if (error.code !== "invalid") return null;
  if (/\btoken\b/i.test(error.message)) return "token";
  if (/\b(url|server address)\b/i.test(error.message)) return "url";
  if (/\bname\b/i.test(error.message)) return "name";
  return null;
}

/** Adds a remote profile: a name, the server's URL and its token (kept in the OS keychain). */
export function RemoteProfileForm({ onAdded }: { onAdded: () => void }) {
  const [remote, setRemote] = useState({ name: "", url: "", token: "" });
  const [error, setError] = useState<AppError | null>(null);
  const field = error ? remoteFieldOf(error) : null;
  const fieldError = (name: Field) => (field === name ? error?.message : undefined);

  return (
    <form
      className="remote-form"
      onSubmit={(event) => {
        event.preventDefault();
        setError(null);
        addRemoteProfile(remote.name, remote.url, remote.token || null).then(
          () => {
            setRemote({ name: "", url: "", token: "" });
            onAdded();
          },
          (failure: unknown) => setError(reportFailure(failure)),
        );
      }}
    >
      <h3>Add a remote profile</h3>
      <div className="row">
        <input placeholder="Name, e.g. Team server" value={remote.name} onChange={(e) => setRemote({ ...remote, name: e.target.value })} aria-label="Profile name" aria-invalid={field === "name" || undefined} data-testid="remote-name" />
        <input placeholder="http://host:8642/v1" value={remote.url} onChange={(e) => setRemote({ ...remote, url: e.target.value })} aria-label="Server URL" aria-invalid={field === "url" || undefined} data-testid="remote-url" />
        <input type="password" autoComplete="off" placeholder="Token" value={remote.token} onChange={(e) => setRemote({ ...remote, token: e.target.value })} aria-label="Server token" aria-invalid={field === "token" || undefined} data-testid="remote-token" />
        <button type="submit" data-testid="add-remote">
          Add
        </button>
      </div>
      <FieldError error={fieldError("name")} id="remote-name-error" />
      <FieldError error={fieldError("url")} id="remote-url-error" />
      <FieldError error={fieldError("token")} id="remote-token-error" />
      {error && !field && <ErrorNotice error={error} />}
    </form>
  );
}
