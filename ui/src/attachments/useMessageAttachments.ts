import { useCallback } from "react";
import { reportFailure } from "../errors";
import { chooseDocuments, indexForThread } from "../ipc";
import type { UploadList } from "./uploadLists";
import { useFileDrop } from "./useFileDrop";
import { useUploads, type Uploads } from "./useUploads";

/** The composer's drop zone, matched against what is under a drop. */
export const COMPOSER_DROP = "[data-drop=composer]";

export interface MessageAttachments {
  uploads: Uploads;
  /** Whether files are being dragged over the composer. */
  dragOver: boolean;
  /** Opens the open-file dialog (several files at once) and attaches what was chosen. */
  choose: () => void;
}

/**
 * Files for the next message, dropped on the composer or chosen with its paperclip. Files for
 * file search are indexed in the thread's vector store as soon as they are uploaded, so they are
 * searchable when the message runs; `threadId` gives the thread, starting one when there is none.
 * The files are kept in `list`, the thread's, so they stay with it while another thread is open.
 */
export function useMessageAttachments(threadId: () => Promise<string>, list: UploadList): MessageAttachments {
  const index = useCallback(async (fileId: string) => indexForThread(await threadId(), fileId), [threadId]);
  const uploads = useUploads(index, undefined, list);
  const { add } = uploads;
  const attach = useCallback(
    (paths: string[]) => void add(paths).catch((failure: unknown) => reportFailure(failure)),
    [add],
  );
  const over = useFileDrop(COMPOSER_DROP, attach);
  const choose = useCallback(() => {
    chooseDocuments().then(attach, (failure: unknown) => reportFailure(failure));
  }, [attach]);
  return { uploads, dragOver: over !== null, choose };
}
