import { useCallback, useEffect, useState } from "react";
import { ConfirmButton } from "../components/ConfirmButton";
import { ErrorNotice } from "../components/ErrorNotice";
import {
  addRemoteProfile,
  detectOllama,
  getAppInfo,
  listProfiles,
  listProviders,
  removeRemoteProfile,
  setProviderUrl,
  switchProfile,
  toAppError,
  type AppError,
  type AppInfo,
  type ProfileInfo,
  type ProviderStatus,
} from "../ipc";
import { LocalModelsSection } from "./LocalModelsSection";
import { ProviderCard } from "./ProviderCard";

/** Settings: model providers, profiles, and what this installation is. */
export function SettingsView({ onProfilesChanged }: { onProfilesChanged: () => void }) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [providers, setProviders] = useState<ProviderStatus[] | null>(null);
  const [profiles, setProfiles] = useState<ProfileInfo[]>([]);
  const [ollama, setOllama] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [remote, setRemote] = useState({ name: "", url: "", token: "" });
  const [remoteError, setRemoteError] = useState<AppError | null>(null);

  const refresh = useCallback(() => {
    getAppInfo().then(
      (found) => {
        setError(null);
        setInfo(found);
      },
      (failure: unknown) => setError(toAppError(failure)),
    );
    listProviders().then(setProviders, (failure: unknown) => setError(toAppError(failure)));
    listProfiles().then(setProfiles, () => undefined);
  }, []);
  useEffect(refresh, [refresh]);
  useEffect(() => {
    detectOllama().then(setOllama, () => undefined);
  }, []);

  const ollamaStatus = providers?.find((p) => p.name === "ollama");

  return (
    <section className="main-panel settings" data-testid="settings-view" aria-label="Settings">
      <h1>Settings</h1>
      {error && <ErrorNotice error={error} onRetry={refresh} />}

      <h2>Model providers</h2>
      <p className="muted">Used by the profile “This computer”. Keys are kept only in the OS keychain; Hearth never shows them again.</p>
      {ollama && ollamaStatus && !ollamaStatus.ready && (
        <div className="hint-box" data-testid="ollama-detected">
          Ollama is running on this computer.
          <button type="button" onClick={() => void setProviderUrl("ollama", "http://127.0.0.1:11434/v1").then(refresh)}>
            Use it
          </button>
        </div>
      )}
      <div className="providers">
        {providers?.map((provider) => (
          <ProviderCard key={provider.name} provider={provider} onChanged={refresh} />
        ))}
      </div>

      <LocalModelsSection />

      <h2>Profiles</h2>
      <p className="muted">
        “This computer” runs assistants inside Hearth. A remote profile uses a server that speaks the Assistants API (for
        example a team’s hearth-server); what you read is kept here too, so it stays readable and searchable offline.
      </p>
      <ul className="profiles" data-testid="profiles">
        {profiles.map((profile) => (
          <li key={profile.id} data-testid="profile-item">
            <strong>{profile.name}</strong> {profile.baseUrl && <span className="path">{profile.baseUrl}</span>}
            {profile.active ? (
              <span className="pill ok">In use</span>
            ) : (
              <button type="button" className="small" onClick={() => void switchProfile(profile.id).then(() => { refresh(); onProfilesChanged(); })} data-testid="use-profile">
                Use
              </button>
            )}
            {profile.id !== "local" && (
              <ConfirmButton
                label="Remove"
                confirmLabel="Remove profile"
                question="Remove this profile and its offline copy?"
                onConfirm={() => void removeRemoteProfile(profile.id).then(() => { refresh(); onProfilesChanged(); })}
              />
            )}
          </li>
        ))}
      </ul>
      <form
        className="remote-form"
        onSubmit={(event) => {
          event.preventDefault();
          setRemoteError(null);
          addRemoteProfile(remote.name, remote.url, remote.token || null).then(
            () => {
              setRemote({ name: "", url: "", token: "" });
              refresh();
              onProfilesChanged();
            },
            (failure: unknown) => setRemoteError(toAppError(failure)),
          );
        }}
      >
        <h3>Add a remote profile</h3>
        <div className="row">
          <input placeholder="Name, e.g. Team server" value={remote.name} onChange={(e) => setRemote({ ...remote, name: e.target.value })} aria-label="Profile name" data-testid="remote-name" />
          <input placeholder="http://host:8642/v1" value={remote.url} onChange={(e) => setRemote({ ...remote, url: e.target.value })} aria-label="Server URL" data-testid="remote-url" />
          <input type="password" autoComplete="off" placeholder="Token" value={remote.token} onChange={(e) => setRemote({ ...remote, token: e.target.value })} aria-label="Server token" data-testid="remote-token" />
          <button type="submit" data-testid="add-remote">
            Add
          </button>
        </div>
        {remoteError && <ErrorNotice error={remoteError} />}
      </form>

      <h2>About</h2>
      {info && (
        <dl className="facts">
          <dt>Version</dt>
          <dd data-testid="app-version">
            {info.name} {info.version}
          </dd>
          <dt>Data folder</dt>
          <dd className="path">{info.dataDir}</dd>
          <dt>Log folder</dt>
          <dd className="path" data-testid="log-dir">
            {info.logDir}
          </dd>
        </dl>
      )}
    </section>
  );
}
