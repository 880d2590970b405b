import { useCallback, useEffect, useState } from "react";
import { ConfirmButton } from "../components/ConfirmButton";
import { ErrorNotice } from "../components/ErrorNotice";
import { reportFailure, whatVanished } from "../errors";
import {
  detectOllama,
  getAppInfo,
  listProfiles,
  listProviders,
  removeRemoteProfile,
  setProviderUrl,
  switchProfile,
  type AppError,
  type AppInfo,
  type ProfileInfo,
  type ProviderStatus,
} from "../ipc";
import { ApiServerSection } from "./ApiServerSection";
import { CodeRuntimeSection } from "./CodeRuntimeSection";
import { LocalModelsSection } from "./LocalModelsSection";
import { SetupOffers } from "./SetupOffers";
import { ProviderCard } from "./ProviderCard";
import { RemoteProfileForm } from "./RemoteProfileForm";

/** Settings: model providers, profiles, and what this installation is. */
export function SettingsView({ onProfilesChanged }: { onProfilesChanged: () => void }) {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [providers, setProviders] = useState<ProviderStatus[] | null>(null);
  const [profiles, setProfiles] = useState<ProfileInfo[]>([]);
  const [ollama, setOllama] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  const refresh = useCallback(() => {
    getAppInfo().then(
      (found) => {
        setError(null);
        setInfo(found);
      },
      (failure: unknown) => setError(reportFailure(failure)),
    );
    listProviders().then(setProviders, (failure: unknown) => setError(reportFailure(failure)));
    listProfiles().then(setProfiles, () => undefined);
  }, []);
  useEffect(refresh, [refresh]);
  // A profile action reads everything again afterwards, also when it failed (a profile removed
  // elsewhere is then gone from the list, and the message says so).
  const act = (action: Promise<unknown>, after?: () => void) => {
    setError(null);
    action.then(
      () => {
        refresh();
        after?.();
      },
      (failure: unknown) => {
        const problem = reportFailure(failure);
        listProfiles().then(setProfiles, () => undefined);
        setError({ ...problem, message: whatVanished(problem) ?? problem.message });
      },
    );
  };
  useEffect(() => {
    detectOllama().then(setOllama, () => undefined);
  }, []);

  const ollamaStatus = providers?.find((p) => p.name === "ollama");

  return (
    <section className="main-panel settings" data-testid="settings-view" aria-label="Settings" data-drop="settings">
      <h1>Settings</h1>
      {error && <ErrorNotice error={error} onRetry={refresh} />}

      <h2>Model providers</h2>
      <p className="muted">Used by the profile “This computer”. Keys are kept only in the OS keychain; Hearth never shows them again.</p>
      {ollama && ollamaStatus && !ollamaStatus.ready && (
        <div className="hint-box" data-testid="ollama-detected">
          Ollama is running on this computer.
          <button type="button" onClick={() => act(setProviderUrl("ollama", "http://127.0.0.1:11434/v1", false))}>
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

      <SetupOffers />

      <CodeRuntimeSection />

      <ApiServerSection />

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
              <button type="button" className="small" onClick={() => act(switchProfile(profile.id), onProfilesChanged)} data-testid="use-profile">
                Use
              </button>
            )}
            {profile.id !== "local" && (
              <ConfirmButton
                label="Remove"
                confirmLabel="Remove profile"
                question="Remove this profile and its offline copy?"
                onConfirm={() => act(removeRemoteProfile(profile.id), onProfilesChanged)}
              />
            )}
          </li>
        ))}
      </ul>
      <RemoteProfileForm
        onAdded={() => {
          refresh();
          onProfilesChanged();
        }}
      />

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
