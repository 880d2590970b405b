/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import type { Message, Run, RunEvent } from "../ipc";
import { knownContent } from "./content";
import { applyRunEvent, noRun, type ThreadViewState } from "./runReducer";

/** A recorded stream and the message the engine stored at its end. */
interface Fixture {
  events: RunEvent[];
  final_message: Message;
}

// Every fixture in the folder is replayed, so recordings added later are checked the same way.
const fixtures = import.meta.glob<Fixture>("./fixtures/*.json", { eager: true, import: "default" });

const start: ThreadViewState = { ...noRun, streaming: true, messages: [] };
const fold = (events: RunEvent[]) => events.reduce(applyRunEvent, start);
const isSnapshotOfEnd = (event: RunEvent) =>
  event.event === "thread.message.completed" || event.event === "thread.message.incomplete";

function fixture(name: string): Fixture {
  const found = fixtures[`./fixtures/${name}.json`];
  if (!found) throw new Error(`no fixture ${name}`);
  return found;
}

describe("applyRunEvent on recorded streams", () => {
  it("has the fixtures the cases below name", () => {
    expect(Object.keys(fixtures).length).toBeGreaterThanOrEqual(4);
  });

  for (const [path, { events, final_message }] of Object.entries(fixtures)) {
    it(`${path}: the folded message equals the stored one`, () => {
      const folded = fold(events);
      expect(folded.messages.find((m) => m.id === final_message.id)).toEqual(final_message);
      expect(folded.streaming).toBe(false);
    });

    it(`${path}: the deltas alone rebuild the stored content`, () => {
      // Without the closing snapshot, only the deltas can have built the text, parts and annotations.
      const folded = fold(events.filter((event) => !isSnapshotOfEnd(event)));
      expect(folded.messages.find((m) => m.id === final_message.id)?.content).toEqual(final_message.content);
    });
  }
});

describe("applyRunEvent", () => {
  it("shows each delta as it arrives, token by token", () => {
    const { events } = fixture("plain-text");
    const shown: string[] = [];
    events.reduce((state, event) => {
      const next = applyRunEvent(state, event);
      const first = next.messages[0]?.content[0];
      const part = first ? knownContent(first) : null;
      if (event.event === "thread.message.delta" && part?.type === "text") shown.push(part.text.value);
      return next;
    }, start);
    expect(shown.slice(0, 3)).toEqual(["The", "The capital", "The capital of"]);
  });

  it("merges a function call's split arguments by call index, then waits for outputs", () => {
    const { events } = fixture("function-call");
    const waiting = events.findIndex((event) => event.event === "thread.run.requires_action");
    const state = fold(events.slice(0, waiting + 1));
    expect(state.run?.status).toBe("requires_action");
    expect(state.steps[0]?.step_details).toEqual({
      type: "tool_calls",
      tool_calls: [
        { id: "call_fx1", type: "function", function: { name: "get_weather", arguments: '{"city": "Lisbon", "unit": "celsius"}', output: null } },
      ],
    });
    expect(state.run?.required_action?.submit_tool_outputs.tool_calls[0]?.function.arguments).toBe(
      '{"city": "Lisbon", "unit": "celsius"}',
    );
  });

  it("keeps a part of a kind it does not know, raw", () => {
    const message = fixture("plain-text").final_message;
    // A newer server's part: its members beyond `type` and `index` are not in the generated type.
    const audio = { index: 0, type: "audio", audio: { clip: "a" } };
    const state = applyRunEvent({ ...start, messages: [{ ...message, content: [] }] }, {
      event: "thread.message.delta",
      data: { id: message.id, object: "thread.message.delta", delta: { content: [audio] } },
    });
    expect(state.messages[0]?.content).toEqual([{ type: "audio", audio: { clip: "a" } }]);
  });

  it("ends the stream on an error, offering a retry of the run it was following", () => {
    const run = { id: "run_1", thread_id: "thread_1", assistant_id: "asst_run", status: "in_progress" } as Run;
    const state = [
      { event: "thread.run.in_progress", data: run },
      { event: "error", data: { code: "internal", message: "The provider closed the connection." } },
    ].reduce((s, e) => applyRunEvent(s, e as RunEvent), start);
    expect(state.streaming).toBe(false);
    expect(state.failure).toEqual({
      error: { code: "internal", message: "The provider closed the connection." },
      retry: { threadId: "thread_1", assistantId: "asst_run" },
    });
  });

  it("remembers a failed run, with its own assistant, for Retry", () => {
    const failed = { id: "run_2", thread_id: "thread_1", assistant_id: "asst_b", status: "failed", last_error: { code: "server_error", message: "Rate limited" } } as Run;
    const state = applyRunEvent(start, { event: "thread.run.failed", data: failed });
    expect(state.failure?.retry).toEqual({ threadId: "thread_1", assistantId: "asst_b" });
    expect(state.failure?.error.message).toBe("Rate limited");
  });
});
