import { useCallback, useEffect, useState } from "react";
import { reportFailure } from "../errors";
import {
  apiServerStatus,
  newApiServerToken,
  startApiServer,
  stopApiServer,
  type ApiServerView,
  type AppError,
} from "../ipc";

/** The app's own API server: its state, turning it on and off, and a token shown once. */
export function useApiServer() {
  const [server, setServer] = useState<ApiServerView | null>(null);
  // The token from the answer that made it; gone once the person leaves the page.
  const [token, setToken] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);

  const refresh = useCallback(() => {
    apiServerStatus().then(setServer, (failure: unknown) => setError(reportFailure(failure)));
  }, []);
  useEffect(refresh, [refresh]);

  const act = (action: () => Promise<ApiServerView>) => {
    setError(null);
    setBusy(true);
    action().then(
      (view) => {
        setServer(view);
        if (view.newToken) setToken(view.newToken);
        if (!view.running) setToken(null);
      },
      (failure: unknown) => {
        setError(reportFailure(failure));
        refresh();
      },
    ).finally(() => setBusy(false));
  };

  return {
    server,
    token,
    busy,
    error,
    refresh,
    turnOn: () => act(startApiServer),
    turnOff: () => act(stopApiServer),
    renewToken: () => act(newApiServerToken),
  };
}
