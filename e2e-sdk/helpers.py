"""Small readers shared by the tests: what a user would look at in the SDK's objects."""

import time

# Every assistant uses the model the scripted server lists, so a server that checks models accepts it.
MODEL = "scripted-model"

TERMINAL = {"completed", "failed", "cancelled", "expired", "incomplete", "requires_action"}


def text_of(message) -> str:
    """The text of a message as a chat window would show it."""
    return "".join(part.text.value for part in message.content if part.type == "text")


def wait_for_run(client, thread_id: str, run_id: str, timeout: float = 20):
    """Polls by hand, as code written before the SDK's poll helpers does."""
    deadline = time.monotonic() + timeout
    while True:
        run = client.beta.threads.runs.retrieve(run_id, thread_id=thread_id)
        if run.status in TERMINAL:
            return run
        assert time.monotonic() < deadline, f"run {run_id} still {run.status!r} after {timeout}s"
        time.sleep(0.05)


def prompt_text(content) -> str:
    """The text of one chat-completions message as the provider received it (a string or parts)."""
    if isinstance(content, str):
        return content
    if content is None:
        return ""
    return "".join(part.get("text", "") for part in content)


def conversation(body: dict) -> list[tuple[str, str]]:
    """(role, text) of each message in a chat-completions request body."""
    return [(m["role"], prompt_text(m.get("content"))) for m in body["messages"]]


def text_script(*pieces: str, usage=(10, 5), delay_ms: int | None = None) -> dict:
    script = {"text": list(pieces), "usage": list(usage)}
    if delay_ms is not None:
        script["delay_ms"] = delay_ms
    return script


def call_script(*calls: tuple[str, str, list[str]]) -> dict:
    """A model answer that calls tools: (id, name, argument pieces) each."""
    return {
        "tool_calls": [{"id": id, "name": name, "arguments": pieces} for id, name, pieces in calls],
        "usage": [20, 8],
    }
