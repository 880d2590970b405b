import { useEffect, useState } from "react";
import type { FileSearchResult, PassagePlace } from "../ipc";
import { passagePlace } from "../ipc/knowledge";
import { resultText } from "./citations";

/**
 * The page or section of a cited passage, read from the chunks the store keeps; `null` while
 * unknown (not found yet, a remote profile, or a format without pages or headings).
 */
export function usePassagePlace(result: FileSearchResult | null): PassagePlace | null {
  const text = result ? resultText(result) : null;
  const fileId = result?.file_id ?? null;
  const key = `${fileId ?? ""}\u0000${text ?? ""}`;
  const [found, setFound] = useState<{ key: string; place: PassagePlace | null }>({ key: "", place: null });
  useEffect(() => {
    if (fileId === null || text === null) return;
    let live = true;
    // Without a place the panel still shows the file and passage: a failed lookup is not an error.
    passagePlace(fileId, text).then(
      (place) => live && setFound({ key, place }),
      () => live && setFound({ key, place: null }),
    );
    return () => {
      live = false;
    };
  }, [fileId, text, key]);
  return found.key === key ? found.place : null;
}
