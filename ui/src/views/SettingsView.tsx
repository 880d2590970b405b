import { useCallback, useEffect, useState } from "react";
import { ErrorNotice } from "../components/ErrorNotice";
import { getAppInfo, toAppError, type AppError, type AppInfo } from "../ipc";

type Load = { state: "loading" } | { state: "ready"; info: AppInfo } | { state: "failed"; error: AppError };

/** Settings: for now, what this installation is and where it keeps its files. */
export function SettingsView() {
  const [load, setLoad] = useState<Load>({ state: "loading" });

  const fetchInfo = useCallback(() => {
    getAppInfo().then(
      (info) => setLoad({ state: "ready", info }),
      (error: unknown) => setLoad({ state: "failed", error: toAppError(error) }),
    );
  }, []);

  useEffect(fetchInfo, [fetchInfo]);

  const retry = () => {
    setLoad({ state: "loading" });
    fetchInfo();
  };

  return (
    <section className="main-panel settings" data-testid="settings-view" aria-label="Settings">
      <h1>Settings</h1>
      <h2>About</h2>
      {load.state === "loading" && <p className="muted">Loading…</p>}
      {load.state === "failed" && <ErrorNotice error={load.error} onRetry={retry} />}
      {load.state === "ready" && (
        <dl className="facts">
          <dt>Version</dt>
          <dd data-testid="app-version">
            {load.info.name} {load.info.version}
          </dd>
          <dt>Data folder</dt>
          <dd className="path">{load.info.dataDir}</dd>
          <dt>Log folder</dt>
          <dd className="path" data-testid="log-dir">
            {load.info.logDir}
          </dd>
        </dl>
      )}
    </section>
  );
}
