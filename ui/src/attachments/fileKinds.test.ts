import { describe, expect, it } from "vitest";
import { defaultTool, refusal, sortDropped, toolCanUse } from "./fileKinds";

const file = (name: string, bytes = 1000, extra: { folder?: boolean; unreadable?: string } = {}) => ({
  path: `/home/ada/${name}`,
  name,
  bytes,
  folder: extra.folder ?? false,
  unreadable: extra.unreadable ?? null,
});

describe("defaultTool", () => {
  it("sends documents to file search and data files to the code interpreter", () => {
    expect(defaultTool("report.pdf")).toBe("file_search");
    expect(defaultTool("Notes.DOCX")).toBe("file_search");
    expect(defaultTool("readme.md")).toBe("file_search");
    expect(defaultTool("main.rs")).toBe("file_search");
    expect(defaultTool("sales.csv")).toBe("code_interpreter");
    expect(defaultTool("Budget.XLSX")).toBe("code_interpreter");
    expect(defaultTool("records.json")).toBe("code_interpreter");
    expect(defaultTool("photo.png")).toBe("code_interpreter");
  });

  it("lets data files be searched but not pictures or archives", () => {
    expect(toolCanUse("file_search", "sales.csv")).toBe(true);
    expect(toolCanUse("file_search", "photo.jpeg")).toBe(false);
    expect(toolCanUse("file_search", "bundle.zip")).toBe(false);
    expect(toolCanUse("code_interpreter", "report.pdf")).toBe(true);
  });
});

describe("refusal", () => {
  it("accepts a usable file", () => {
    expect(refusal(file("report.pdf"), 512 * 1024 * 1024)).toBeNull();
    expect(refusal(file("no-extension"), null)).toBeNull();
  });

  it("says why a folder, an empty file, an unreadable path or a file past the limit is refused", () => {
    expect(refusal(file("binaries", 0, { folder: true }), null)).toBe("it is a folder; drop the files inside it instead");
    expect(refusal(file("empty.pdf", 0), null)).toBe("it is empty");
    expect(refusal(file("gone.pdf", 0, { unreadable: "No such file or directory" }), null)).toBe(
      "it cannot be read (No such file or directory)",
    );
    expect(refusal(file("huge.pdf", 600 * 1024 * 1024), 512 * 1024 * 1024)).toBe(
      "it is too large (600.0 MB; the largest upload is 512.0 MB)",
    );
  });

  it("refuses videos, sound and programs whatever their size", () => {
    expect(refusal(file("holiday.MP4", 2 * 1024 * 1024 * 1024), 512 * 1024 * 1024)).toBe(
      "it is a video, which neither file search nor the code interpreter can use",
    );
    expect(refusal(file("song.mp3"), null)).toMatch(/audio file/);
    expect(refusal(file("setup.exe"), null)).toMatch(/program/);
  });

  it("refuses what the one tool a drop goes to cannot read", () => {
    expect(refusal(file("photo.png"), null, "file_search")).toBe("file search cannot read .png files");
    expect(refusal(file("photo.png"), null)).toBeNull();
  });
});

describe("sortDropped", () => {
  it("keeps the usable files in order and names each refused one", () => {
    const { accepted, refused } = sortDropped(
      [file("a.pdf"), file("empty.txt", 0), file("b.csv"), file("film.mkv")],
      null,
    );
    expect(accepted.map((f) => f.name)).toEqual(["a.pdf", "b.csv"]);
    expect(refused).toEqual([
      { name: "empty.txt", reason: "it is empty" },
      { name: "film.mkv", reason: "it is a video, which neither file search nor the code interpreter can use" },
    ]);
  });
});
