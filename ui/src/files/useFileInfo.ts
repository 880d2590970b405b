import { useEffect, useState } from "react";
import { reportFailure } from "../errors";
import { getFile, type AppError, type FileObject } from "../ipc";

export type FileInfoState = { file: FileObject | null; error: AppError | null };

/** A file's name and size, for a file chip. */
export function useFileInfo(fileId: string): FileInfoState {
  const [state, setState] = useState<FileInfoState & { fileId: string }>({ fileId, file: null, error: null });
  useEffect(() => {
    let live = true;
    getFile(fileId).then(
      (file) => live && setState({ fileId, file, error: null }),
      (failure: unknown) => live && setState({ fileId, file: null, error: reportFailure(failure) }),
    );
    return () => {
      live = false;
    };
  }, [fileId]);
  return state.fileId === fileId ? state : { file: null, error: null };
}
