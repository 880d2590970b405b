import { useRef, useState } from "react";
import { reportFailure } from "../errors";
import type { AppError, ScoredChunk } from "../ipc";
import { searchVectorStore } from "../ipc/knowledge";

export type StoreSearchState =
  | { status: "idle" }
  | { status: "searching" }
  | { status: "found"; query: string; chunks: ScoredChunk[] }
  | { status: "failed"; error: AppError };

/** A search over one vector store, started by `search` and answered with the scored passages. */
export function useStoreSearch() {
  const [state, setState] = useState<StoreSearchState>({ status: "idle" });
  // Only the latest search's answer is shown, whichever finishes last.
  const latest = useRef(0);

  const search = (storeId: string, query: string) => {
    const number = ++latest.current;
    setState({ status: "searching" });
    searchVectorStore(storeId, query).then(
      (chunks) => number === latest.current && setState({ status: "found", query, chunks }),
      (error: unknown) => number === latest.current && setState({ status: "failed", error: reportFailure(error) }),
    );
  };

  return { state, search };
}
