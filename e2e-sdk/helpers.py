"""Small readers shared by the tests: what a user would look at in the SDK's objects."""

import json
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


def squash(text: str) -> str:
    """Text with every run of whitespace made one space: a fact wrapped over two lines of a page still
    reads as one sentence."""
    return " ".join(text.split())


def wait_for_indexing(vector_stores, vector_store_id: str, timeout: float = 120):
    """Polls a vector store, as the tutorial does, until none of its files is still in progress; the
    store as last read."""
    deadline = time.monotonic() + timeout
    while True:
        store = vector_stores.retrieve(vector_store_id)
        if store.file_counts.in_progress == 0:
            return store
        assert time.monotonic() < deadline, (
            f"vector store {vector_store_id} still has files in progress after {timeout}s: {store.file_counts}"
        )
        time.sleep(0.1)


def vector_store_file_ids(vector_stores, vector_store_id: str) -> set[str]:
    return {f.id for f in vector_stores.files.list(vector_store_id=vector_store_id)}


# The search tool Hearth offers the model when an assistant has file_search; it takes a list of queries,
# as the hosted tool's search function did.
FILE_SEARCH_TOOL = "file_search"
# Ask for the quoted chunks in a run step's file_search results.
RESULT_CONTENT = "step_details.tool_calls[*].file_search.results[*].content"


def search_script(call_id: str, query: str) -> dict:
    """A model answer that calls the file-search tool with `query`, its arguments streamed in pieces."""
    arguments = json.dumps({"queries": [query]})
    third = max(1, len(arguments) // 3)
    return call_script((call_id, FILE_SEARCH_TOOL, [arguments[:third], arguments[third : 2 * third], arguments[2 * third :]]))


def tool_outputs(body: dict) -> list[str]:
    """The text of each tool result in a chat-completions request body: what the model was shown."""
    return [prompt_text(m.get("content")) for m in body["messages"] if m["role"] == "tool"]
