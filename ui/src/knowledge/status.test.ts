import { describe, expect, it } from "vitest";
import type { StoreFile, StoreSummary } from "../ipc";
import { anyIndexing, countsLabel, expiryLabel, fileStatus, placeLabel, usedByLabel } from "./status";

function attached(status: StoreFile["status"], message?: string): StoreFile {
  return {
    id: "file-1",
    usage_bytes: 0,
    created_at: 1,
    vector_store_id: "vs_1",
    status,
    last_error: message ? { code: "invalid_file", message } : null,
  };
}

function store(counts: Partial<StoreSummary["file_counts"]>, extra: Partial<StoreSummary> = {}): StoreSummary {
  return {
    id: "vs_1",
    created_at: 1,
    name: "",
    usage_bytes: 0,
    file_counts: { in_progress: 0, completed: 0, failed: 0, cancelled: 0, total: 0, ...counts },
    status: "completed",
    expires_at: null,
    ...extra,
  };
}

describe("knowledge status words", () => {
  it("says a file is indexing, ready, or failed with the engine's reason", () => {
    expect(fileStatus(attached("in_progress")).label).toBe("Indexing…");
    expect(fileStatus(attached("completed"))).toMatchObject({ label: "Ready", tone: "ready", reason: null });
    expect(fileStatus(attached("failed", "The PDF is damaged."))).toMatchObject({
      label: "Failed",
      reason: "The PDF is damaged.",
    });
    expect(fileStatus(attached("failed")).reason).toBe("The reason was not recorded.");
  });

  it("knows when a list still has files being indexed", () => {
    expect(anyIndexing([attached("completed"), attached("in_progress")])).toBe(true);
    expect(anyIndexing([{ attachment: attached("failed"), filename: "a.pdf" }])).toBe(false);
  });

  it("names a passage's page and section, whichever are known", () => {
    expect(placeLabel({ page: 3, heading: "Results" })).toBe("page 3 · Results");
    expect(placeLabel({ page: null, heading: "Heating" })).toBe("Heating");
    expect(placeLabel({ page: 12, heading: null })).toBe("page 12");
    expect(placeLabel({ page: null, heading: null })).toBeNull();
    expect(placeLabel(null)).toBeNull();
  });

  it("says who uses a file or store", () => {
    const researcher = { id: "asst_1", name: "Researcher" };
    expect(usedByLabel([], [])).toBe("Not used");
    expect(usedByLabel([researcher], [{ id: "t1", name: "Boiler" }])).toBe("Researcher · thread “Boiler”");
    expect(usedByLabel([], [researcher, researcher])).toBe("2 threads");
  });

  it("counts a store's files and says when it expires", () => {
    expect(countsLabel(store({ total: 3, completed: 2, in_progress: 1 }))).toBe("3 files: 2 ready, 1 indexing");
    expect(countsLabel(store({ total: 0 }))).toBe("0 files");
    expect(expiryLabel(store({}))).toBeNull();
    expect(expiryLabel(store({}, { expires_at: 1000 + 7 * 86_400 }), 1000)).toBe("Expires in 7 days unless used");
    expect(expiryLabel(store({}, { status: "expired" }))).toBe("Expired");
  });
});
