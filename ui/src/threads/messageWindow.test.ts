import { describe, expect, it } from "vitest";
import type { Message } from "../ipc";
import { joinLatest, upsertMessage } from "./messageWindow";

const message = (id: string, text = id): Message =>
  ({
    id,
    object: "thread.message",
    created_at: 1,
    thread_id: "thread_1",
    role: "user",
    status: "completed",
    content: [{ type: "text", text: { value: text, annotations: [] } }],
  }) as unknown as Message;

const ids = (messages: Message[]) => messages.map((m) => m.id);

describe("joinLatest", () => {
  it("keeps earlier pages when the latest page overlaps them", () => {
    const loaded = { messages: ["a", "b", "c", "d"].map((id) => message(id)), hasEarlier: true, hasLater: false };
    const latest = { messages: [message("c"), message("d", "changed"), message("e")], hasEarlier: true, hasLater: false };
    const joined = joinLatest(loaded, latest);
    expect(ids(joined.messages)).toEqual(["a", "b", "c", "d", "e"]);
    expect(joined.messages[3]?.content).toEqual(latest.messages[1]?.content);
    expect(joined.hasEarlier).toBe(true);
  });

  it("replaces what was loaded when the latest page does not join it", () => {
    const loaded = { messages: [message("a"), message("b")], hasEarlier: false, hasLater: true };
    const latest = { messages: [message("x"), message("y")], hasEarlier: true, hasLater: false };
    expect(joinLatest(loaded, latest)).toEqual(latest);
  });
});

describe("upsertMessage", () => {
  it("replaces a known message in place and appends a new one", () => {
    const list = [message("a"), message("b")];
    expect(ids(upsertMessage(list, message("a", "new")))).toEqual(["a", "b"]);
    expect(upsertMessage(list, message("a", "new"))[0]?.content).toEqual(message("a", "new").content);
    expect(ids(upsertMessage(list, message("c")))).toEqual(["a", "b", "c"]);
  });
});
