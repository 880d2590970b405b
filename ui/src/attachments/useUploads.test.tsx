import { act, renderHook, waitFor } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as ipc from "../ipc";
import { keepUploadListAs, keptUploadList } from "./uploadLists";
import { useUploads } from "./useUploads";

vi.mock("../ipc", async (importOriginal) => ({
  ...(await importOriginal<typeof ipc>()),
  describeLocalFiles: vi.fn(),
  uploadLocalFile: vi.fn(),
  indexingStatus: vi.fn(),
  discardUpload: vi.fn(),
}));

const describeLocalFiles = vi.mocked(ipc.describeLocalFiles);
const uploadLocalFile = vi.mocked(ipc.uploadLocalFile);
const indexingStatus = vi.mocked(ipc.indexingStatus);

function described(...names: string[]): ipc.LocalFiles {
  return {
    files: names.map((name) => ({ path: `/home/ada/${name}`, name, bytes: 2048, folder: false, unreadable: null })),
    uploadLimit: null,
  };
}

function uploaded(id: string): ipc.FileObject {
  return { id, object: "file", bytes: 2048, created_at: 0, filename: "x", purpose: "assistants" } as ipc.FileObject;
}

beforeEach(() => {
  vi.resetAllMocks();
});

describe("useUploads", () => {
  it("moves a file on to indexing, and shows why indexing failed, when its upload answers at once", async () => {
    describeLocalFiles.mockResolvedValue(described("damaged-report.pdf"));
    uploadLocalFile.mockImplementation(async (_path, onProgress) => {
      onProgress({ sent: 2048, total: 2048 });
      return uploaded("file-1");
    });
    const index = vi.fn().mockResolvedValue({
      vectorStoreId: "vs-1",
      fileId: "file-1",
      state: "failed",
      error: "The PDF could not be read.",
    } satisfies Partial<ipc.IndexingView>);
    const { result, rerender } = renderHook(() => useUploads(index, "file_search"));

    const adding = result.current.add(["/home/ada/damaged-report.pdf"]);
    rerender();
    await act(() => adding);

    await waitFor(() => expect(result.current.uploads.map((u) => u.phase)).toEqual(["failed"]));
    expect(result.current.uploads[0]?.error).toBe("The PDF could not be read.");
    expect(index).toHaveBeenCalledWith("file-1");
  });

  it("uploads dropped files one after another and indexes each", async () => {
    describeLocalFiles.mockResolvedValue(described("a.pdf", "b.pdf"));
    const order: string[] = [];
    uploadLocalFile.mockImplementation(async (path) => {
      order.push(`start ${path}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(`end ${path}`);
      return uploaded(path.endsWith("a.pdf") ? "file-a" : "file-b");
    });
    const index = vi.fn(async (fileId: string) => ({ vectorStoreId: "vs-1", fileId, state: "in_progress" }) as ipc.IndexingView);
    indexingStatus.mockImplementation(async (vectorStoreId, fileId) => ({ vectorStoreId, fileId, state: "completed" }) as ipc.IndexingView);
    const { result } = renderHook(() => useUploads(index, "file_search"));

    await act(() => result.current.add(["/home/ada/a.pdf", "/home/ada/b.pdf"]));

    await waitFor(() => expect(result.current.uploads.map((u) => u.phase)).toEqual(["ready", "ready"]), { timeout: 3000 });
    expect(order).toEqual(["start /home/ada/a.pdf", "end /home/ada/a.pdf", "start /home/ada/b.pdf", "end /home/ada/b.pdf"]);
    expect(index.mock.calls.map(([fileId]) => fileId)).toEqual(["file-a", "file-b"]);
  });

  it("keeps a thread's files while another thread is open, and they go on uploading", async () => {
    describeLocalFiles.mockResolvedValue(described("sales.csv"));
    let finish: (file: ipc.FileObject) => void = () => undefined;
    uploadLocalFile.mockImplementation(() => new Promise((resolve) => (finish = resolve)));
    const index = vi.fn();
    const first = renderHook(() => useUploads(index, undefined, keptUploadList("new")));
    await act(() => first.result.current.add(["/home/ada/sales.csv"]));
    await waitFor(() => expect(uploadLocalFile).toHaveBeenCalled());
    keepUploadListAs("new", "thread_1");
    // Another thread is opened: this one's view goes, its upload does not.
    first.unmount();
    await act(async () => finish(uploaded("file-1")));

    const again = renderHook(() => useUploads(index, undefined, keptUploadList("thread_1")));
    expect(again.result.current.uploads.map((u) => [u.name, u.phase, u.fileId])).toEqual([["sales.csv", "ready", "file-1"]]);
    const fresh = renderHook(() => useUploads(index, undefined, keptUploadList("new")));
    expect(fresh.result.current.uploads).toEqual([]);
  });
});
