import { describe, expect, it } from "vitest";
import type { IndexingView } from "../ipc";
import { attachmentsOf, newUpload, notReadyReason, uploadsReducer, type Upload } from "./uploads";

const storeFile = (state: IndexingView["state"], message?: string): IndexingView => ({
  fileId: "file-1",
  vectorStoreId: "vs_1",
  state,
  error: message ?? null,
});

/** The first upload of the list, which the test expects to be there. */
function one(list: Upload[]): Upload {
  const [upload] = list;
  if (!upload) throw new Error("the list should hold an upload");
  return upload;
}

function start(name: string): [Upload[], string] {
  const upload = newUpload({ path: `/tmp/${name}`, name, bytes: 2000 });
  return [uploadsReducer([], { type: "added", uploads: [upload] }), upload.key];
}

describe("uploadsReducer", () => {
  it("takes a document through upload progress and indexing to ready", () => {
    const [first, key] = start("report.pdf");
    let list = first;
    expect(one(list)).toMatchObject({ tool: "file_search", phase: "uploading", sent: 0 });
    list = uploadsReducer(list, { type: "progress", key, sent: 1000 });
    expect(one(list).sent).toBe(1000);
    list = uploadsReducer(list, { type: "uploaded", key, fileId: "file-1" });
    expect(one(list)).toMatchObject({ phase: "indexing", fileId: "file-1", sent: 2000 });
    list = uploadsReducer(list, { type: "indexing", key, file: storeFile("in_progress") });
    expect(one(list)).toMatchObject({ phase: "indexing", vectorStoreId: "vs_1" });
    list = uploadsReducer(list, { type: "indexing", key, file: storeFile("completed") });
    expect(one(list).phase).toBe("ready");
  });

  it("makes a data file ready once uploaded: code needs no index", () => {
    const [first, key] = start("sales.csv");
    let list = first;
    list = uploadsReducer(list, { type: "uploaded", key, fileId: "file-2" });
    expect(one(list)).toMatchObject({ tool: "code_interpreter", phase: "ready" });
  });

  it("keeps the indexing failure's reason and retries from indexing, not from upload", () => {
    const [first, key] = start("scan.pdf");
    let list = first;
    list = uploadsReducer(list, { type: "uploaded", key, fileId: "file-1" });
    list = uploadsReducer(list, { type: "indexing", key, file: storeFile("failed", "'scan.pdf' has no text layer.") });
    expect(one(list)).toMatchObject({ phase: "failed", error: "'scan.pdf' has no text layer." });
    expect(notReadyReason(list)).toBe("Retry or remove scan.pdf first.");
    list = uploadsReducer(list, { type: "retrying", key });
    expect(one(list)).toMatchObject({ phase: "indexing", error: null, sent: 2000 });
  });

  it("retries a failed upload from the start", () => {
    const [first, key] = start("report.pdf");
    let list = first;
    list = uploadsReducer(list, { type: "progress", key, sent: 500 });
    list = uploadsReducer(list, { type: "failed", key, error: { code: "offline", message: "The server cannot be reached." } });
    expect(one(list).error).toBe("The server cannot be reached.");
    list = uploadsReducer(list, { type: "retrying", key });
    expect(one(list)).toMatchObject({ phase: "uploading", sent: 0 });
  });

  it("switches an uploaded file between the tools, and never a picture to file search", () => {
    const [first, key] = start("sales.csv");
    let list = first;
    list = uploadsReducer(list, { type: "uploaded", key, fileId: "file-2" });
    list = uploadsReducer(list, { type: "switched", key, tool: "file_search" });
    expect(one(list)).toMatchObject({ tool: "file_search", phase: "indexing" });
    list = uploadsReducer(list, { type: "switched", key, tool: "code_interpreter" });
    expect(one(list)).toMatchObject({ tool: "code_interpreter", phase: "ready", vectorStoreId: null });

    const [picture, pictureKey] = start("chart.png");
    let pictures = picture;
    pictures = uploadsReducer(pictures, { type: "switched", key: pictureKey, tool: "file_search" });
    expect(one(pictures).tool).toBe("code_interpreter");
  });

  it("ignores an indexing status that arrives after the file was switched to code", () => {
    const [first, key] = start("report.pdf");
    let list = first;
    list = uploadsReducer(list, { type: "uploaded", key, fileId: "file-1" });
    list = uploadsReducer(list, { type: "switched", key, tool: "code_interpreter" });
    list = uploadsReducer(list, { type: "indexing", key, file: storeFile("in_progress") });
    expect(one(list)).toMatchObject({ phase: "ready", vectorStoreId: null });
  });

  it("sends each uploaded file with its tool, and waits for uploads still under way", () => {
    const [first, key] = start("report.pdf");
    let list = first;
    const csv = newUpload({ path: "/tmp/sales.csv", name: "sales.csv", bytes: 10 });
    list = uploadsReducer(list, { type: "added", uploads: [csv] });
    expect(notReadyReason(list)).toBe("Wait until report.pdf, sales.csv has uploaded.");
    list = uploadsReducer(list, { type: "uploaded", key, fileId: "file-1" });
    list = uploadsReducer(list, { type: "uploaded", key: csv.key, fileId: "file-2" });
    expect(notReadyReason(list)).toBeNull();
    expect(attachmentsOf(list)).toEqual([
      { file_id: "file-1", tools: [{ type: "file_search" }] },
      { file_id: "file-2", tools: [{ type: "code_interpreter" }] },
    ]);
    list = uploadsReducer(list, { type: "removed", key });
    expect(list.map((u) => u.name)).toEqual(["sales.csv"]);
    expect(uploadsReducer(list, { type: "sent" })).toEqual([]);
  });
});
