import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Message, MessageContent as Part } from "../ipc";
import { MessageContent } from "./MessageContent";

const message = (content: Part[], role: Message["role"] = "assistant"): Message => ({
  id: "msg_1",
  object: "thread.message",
  thread_id: "thread_1",
  created_at: 1,
  role,
  status: "completed",
  incomplete_details: null,
  completed_at: 1,
  incomplete_at: null,
  content,
  assistant_id: null,
  run_id: null,
  attachments: null,
  metadata: null,
});

describe("MessageContent", () => {
  it("renders text, an image between texts, a refusal and citations, in order", () => {
    const { container } = render(
      <MessageContent
        message={message([
          {
            type: "text",
            text: {
              value: "Growth was **4%**【1】",
              annotations: [{ type: "file_citation", text: "【1】", file_citation: { file_id: "file-report" }, start_index: 14, end_index: 17 }],
            },
          },
          { type: "image_file", image_file: { file_id: "file-chart" } },
          { type: "refusal", refusal: "I cannot help with that." },
        ])}
      />,
    );
    expect(container.querySelector(".markdown strong")?.textContent).toBe("4%");
    expect(container.querySelector(".annotations")?.textContent).toContain("file-report");
    expect(container.textContent).toContain("Image file file-chart");
    expect(container.querySelector("[data-testid=refusal]")?.textContent).toContain("I cannot help");
    expect(container.querySelector("img")).toBeNull();
  });

  it("says a part or an annotation of an unknown kind is not shown, instead of failing", () => {
    // A newer server's kinds: their members beyond `type` are not in the generated types.
    const audio = { type: "audio", audio: { clip: "x" } };
    const hologram = { type: "hologram", beam: 1 };
    const { container } = render(
      <MessageContent message={message([audio, { type: "text", text: { value: "Hi", annotations: [hologram] } }])} />,
    );
    expect(container.querySelectorAll(".content-note").length).toBe(2);
    expect(container.textContent).toContain("This content is not shown");
  });

  it("keeps model-written HTML inert and shows the person's own words as plain text", () => {
    const answer = render(<MessageContent message={message([{ type: "text", text: { value: "<img src=x onerror=alert(1)>", annotations: [] } }])} />);
    expect(answer.container.querySelector("img")).toBeNull();
    const own = render(<MessageContent message={message([{ type: "text", text: { value: "**not bold**", annotations: [] } }], "user")} />);
    expect(own.container.querySelector(".plain-text")?.textContent).toBe("**not bold**");
  });

  it("keeps an empty Markdown block for an answer that has not started", () => {
    const { container } = render(<MessageContent message={message([])} />);
    expect(container.querySelector(".markdown")).not.toBeNull();
  });
});
