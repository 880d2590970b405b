import { useCallback, useEffect, useState } from "react";
import { useReportedFailures } from "../errors";
import {
  checkConnection,
  listAssistants,
  listProfiles,
  listThreads,
  onDataChanged,
  toAppError,
  type AppError,
  type Assistant,
  type Connection,
  type ProfileInfo,
  type ThreadSummary,
} from "../ipc";

/** How often a remote profile's server is asked whether it is back. */
const RECONNECT_INTERVAL_MS = 10_000;

/**
 * What the whole window shows: the profiles, whether the profile's server can be reached, the
 * assistants and the thread list, and the assistant that answers in a new thread.
 */
export function useAppData() {
  const [profiles, setProfiles] = useState<ProfileInfo[]>([]);
  const [connection, setConnection] = useState<Connection>({ online: true, baseUrl: null });
  const [assistants, setAssistants] = useState<Assistant[] | null>(null);
  const [threads, setThreads] = useState<ThreadSummary[] | null>(null);
  const [assistantFilter, setAssistantFilter] = useState<string | null>(null);
  const [currentAssistant, setCurrentAssistant] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<AppError | null>(null);

  // The lists' own failures are not reported to `onFailure` below: a list that answers `not_found`
  // would otherwise refresh itself for ever.
  const refreshThreads = useCallback(() => {
    listThreads(assistantFilter).then(setThreads, (error: unknown) => setLoadError(toAppError(error)));
  }, [assistantFilter]);

  const refreshAssistants = useCallback(() => {
    listAssistants().then(
      (list) => {
        setLoadError(null);
        setAssistants(list);
        setCurrentAssistant((current) => (current && list.some((a) => a.id === current) ? current : (list[0]?.id ?? null)));
      },
      (error: unknown) => setLoadError(toAppError(error)),
    );
  }, []);

  const refreshConnection = useCallback(() => {
    checkConnection().then(
      (next) =>
        setConnection((previous: Connection) => {
          // Back online: read everything again from the server.
          if (next.online && !previous.online) refreshAssistants();
          return next;
        }),
      () => undefined,
    );
  }, [refreshAssistants]);

  const refreshAll = useCallback(() => {
    listProfiles().then(setProfiles, () => undefined);
    refreshAssistants();
    refreshConnection();
  }, [refreshAssistants, refreshConnection]);

  useEffect(refreshAll, [refreshAll]);
  useEffect(refreshThreads, [refreshThreads]);

  const remote = profiles.some((profile) => profile.active && profile.id !== "local");
  useEffect(() => {
    if (!remote) return;
    const timer = setInterval(refreshConnection, RECONNECT_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [remote, refreshConnection]);

  // A program using the app's API server changed something: read the lists again.
  useEffect(
    () =>
      onDataChanged(() => {
        refreshAssistants();
        refreshThreads();
      }),
    [refreshAssistants, refreshThreads],
  );

  // Failures any view reports that concern the whole window.
  const onFailure = useCallback(
    (error: AppError) => {
      if (error.code === "offline") {
        // The banner shows at once; asking the server again confirms it and fills in its address.
        setConnection((previous) => ({ ...previous, online: false }));
        refreshConnection();
      } else if (error.code === "not_found") {
        // Something was deleted elsewhere: the lists are out of date.
        refreshAssistants();
        refreshThreads();
      }
    },
    [refreshConnection, refreshAssistants, refreshThreads],
  );
  useReportedFailures(onFailure);

  return {
    profiles,
    connection,
    offline: !connection.online,
    assistants,
    threads,
    assistantFilter,
    setAssistantFilter,
    currentAssistant,
    setCurrentAssistant,
    loadError,
    refreshThreads,
    refreshAssistants,
    refreshConnection,
    refreshAll,
  };
}
