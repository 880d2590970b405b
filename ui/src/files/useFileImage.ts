import { useEffect, useState } from "react";
import { reportFailure } from "../errors";
import { getImage, type AppError } from "../ipc";

export type FileImageState = { url: string | null; error: AppError | null };

/** A `blob:` URL for an image file, read only once `wanted` (scrolled into view); freed on unmount. */
export function useFileImage(fileId: string, wanted: boolean): FileImageState {
  const [state, setState] = useState<FileImageState & { fileId: string }>({ fileId, url: null, error: null });
  useEffect(() => {
    if (!wanted) return;
    let url: string | null = null;
    let live = true;
    getImage(fileId).then(
      (blob) => {
        if (!live) return;
        url = URL.createObjectURL(blob);
        setState({ fileId, url, error: null });
      },
      (failure: unknown) => {
        if (live) setState({ fileId, url: null, error: reportFailure(failure) });
      },
    );
    return () => {
      live = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [fileId, wanted]);
  // A state left from another file is not this one's.
  return state.fileId === fileId ? state : { url: null, error: null };
}
