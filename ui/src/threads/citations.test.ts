import { describe, expect, it } from "vitest";
import type { Annotation, RunStep } from "../ipc";
import { CITATION_CLOSE, CITATION_OPEN, citedPassage, parseMarker, prepareText } from "./citations";

/** A citation annotation over the first occurrence of `marker` in `value`, in code points. */
function cite(value: string, marker: string, fileId: string, from = 0): Annotation {
  const chars = Array.from(value);
  const markerChars = Array.from(marker);
  for (let i = from; i <= chars.length - markerChars.length; i++) {
    if (chars.slice(i, i + markerChars.length).join("") === marker) {
      return { type: "file_citation", text: marker, file_citation: { file_id: fileId }, start_index: i, end_index: i + markerChars.length };
    }
  }
  throw new Error(`${marker} is not in the text`);
}

function link(value: string, text: string, fileId: string, from = 0): Annotation {
  const start = Array.from(value.slice(0, value.indexOf(text, from))).length;
  return { type: "file_path", text, file_path: { file_id: fileId }, start_index: start, end_index: start + Array.from(text).length };
}

const placeholder = (n: number) => `${CITATION_OPEN}${n}${CITATION_CLOSE}`;

describe("prepareText", () => {
  it("numbers each cited source in order and reuses the number for a repeated marker", () => {
    const value = "🎉 Growth was 4%【0:1†report.pdf】, costs fell【0:0†costs.pdf】 as said【0:1†report.pdf】.";
    const annotations = [
      cite(value, "【0:1†report.pdf】", "file-report"),
      cite(value, "【0:0†costs.pdf】", "file-costs"),
      cite(value, "【0:1†report.pdf】", "file-report", 40),
    ];
    const prepared = prepareText(value, annotations);
    expect(prepared.source).toBe(`🎉 Growth was 4%${placeholder(1)}, costs fell${placeholder(2)} as said${placeholder(1)}.`);
    expect(prepared.citations.map((c) => [c.number, c.fileId, c.fileName, c.search, c.result])).toEqual([
      [1, "file-report", "report.pdf", 0, 1],
      [2, "file-costs", "costs.pdf", 0, 0],
    ]);
  });

  it("turns a sandbox link into its label and lists the file once", () => {
    const value = "Here is [the data](sandbox:/mnt/data/résumé.csv); also sandbox:/mnt/data/résumé.csv";
    const prepared = prepareText(value, [
      link(value, "sandbox:/mnt/data/résumé.csv", "file-csv"),
      link(value, "sandbox:/mnt/data/résumé.csv", "file-csv", 30),
    ]);
    expect(prepared.source).toBe("Here is the data; also résumé.csv");
    expect(prepared.files).toEqual([{ fileId: "file-csv", name: "résumé.csv" }]);
    expect(prepared.source).not.toContain("sandbox:");
  });

  it("does not let the model's own text forge a citation, and leaves a range that does not fit as text", () => {
    const value = `Look ${placeholder(1)} here【0:0†a.txt】`;
    const out = { type: "file_citation", text: "x", file_citation: { file_id: "file-a" }, start_index: 90, end_index: 99 } as const;
    const prepared = prepareText(value, [out]);
    expect(prepared.source).not.toContain("\uE000");
    expect(prepared.source).toContain("【0:0†a.txt】");
    expect(prepared.citations).toEqual([]);
  });
});

describe("parseMarker", () => {
  it("reads the search and result numbers and the file name", () => {
    expect(parseMarker("【2:13†notes v2.md】")).toEqual({ search: 2, result: 13, fileName: "notes v2.md" });
    expect(parseMarker("【source】")).toBeNull();
  });
});

const searchStep = (results: { file_id: string; file_name: string; text: string }[]): RunStep => ({
  id: `step_${results.length}`,
  object: "thread.run.step",
  created_at: 1,
  assistant_id: "asst_1",
  thread_id: "thread_1",
  run_id: "run_1",
  type: "tool_calls",
  status: "completed",
  step_details: {
    type: "tool_calls",
    tool_calls: [
      {
        type: "file_search",
        id: "call_1",
        file_search: {
          results: results.map((r, i) => ({ file_id: r.file_id, file_name: r.file_name, score: 0.9 - i / 10, content: [{ type: "text", text: r.text }] })),
        },
      },
    ],
  },
  last_error: null,
  expired_at: null,
  cancelled_at: null,
  failed_at: null,
  completed_at: 2,
  metadata: null,
  usage: null,
});

describe("citedPassage", () => {
  const steps = [
    searchStep([{ file_id: "file-a", file_name: "a.pdf", text: "first search" }]),
    searchStep([
      { file_id: "file-b", file_name: "b.pdf", text: "b's passage" },
      { file_id: "file-a", file_name: "a.pdf", text: "a's second passage" },
    ]),
  ];
  const citation = { number: 1, marker: "", fileName: null };

  it("finds the result the marker numbers", () => {
    expect(citedPassage(steps, { ...citation, fileId: "file-a", search: 1, result: 1 })?.content?.[0]?.text).toBe("a's second passage");
  });

  it("falls back to the cited file's first result when the numbers do not match it", () => {
    expect(citedPassage(steps, { ...citation, fileId: "file-a", search: 1, result: 0 })?.content?.[0]?.text).toBe("first search");
    expect(citedPassage(steps, { ...citation, fileId: "file-z", search: null, result: null })).toBeNull();
  });
});
