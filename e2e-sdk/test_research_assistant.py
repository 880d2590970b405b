"""The tutorial's Research Assistant, unchanged but for `base_url`: upload report.pdf, make a vector store
of it, poll until it is indexed, give an assistant file_search over it, ask, and read an answer that
cites the report. The scripted model calls the search tool, then answers with a citation marker as the
hosted tool's models did; the answer must carry a `file_citation` pointing at the uploaded file, and the
run step must show what the search found."""

import pytest
from openai import AssistantEventHandler

from documents import FERRY, PUFFINS, write_report_pdf
from helpers import (
    FILE_SEARCH_TOOL,
    MODEL,
    RESULT_CONTENT,
    search_script,
    squash,
    text_of,
    text_script,
    tool_outputs,
    wait_for_indexing,
)

# The marker of the first result of the run's first search, as the tool's output labels it for the model
# (`【search:result†file】`, the form the hosted tool taught); the scripted model copies it, as models do.
MARKER = "【0:0†report.pdf】"


@pytest.fixture
def report(client, docs):
    path = write_report_pdf(docs / "report.pdf")
    # As the tutorial has it: an open file, not bytes.
    with open(path, "rb") as file:
        uploaded = client.files.create(file=file, purpose="assistants")
    assert (uploaded.filename, uploaded.purpose, uploaded.bytes) == ("report.pdf", "assistants", path.stat().st_size)
    return uploaded


@pytest.fixture
def research_store(vector_stores, report):
    store = vector_stores.create(name="Research papers", file_ids=[report.id])
    assert store.object == "vector_store" and store.name == "Research papers"
    store = wait_for_indexing(vector_stores, store.id)
    assert store.file_counts.completed == 1, f"report.pdf should be indexed, counts {store.file_counts}"
    assert store.status == "completed", f"an indexed store is completed, got {store.status}"
    assert store.usage_bytes > 0, "an indexed store counts the bytes its files take"
    return store


@pytest.fixture
def research_assistant(client, research_store):
    assistant = client.beta.assistants.create(
        model=MODEL,
        name="Research Assistant",
        instructions="You are a research assistant. Answer from the documents and cite the document and section.",
        tools=[{"type": "file_search"}],
    )
    assistant = client.beta.assistants.update(
        assistant.id, tool_resources={"file_search": {"vector_store_ids": [research_store.id]}}
    )
    assert assistant.tool_resources.file_search.vector_store_ids == [research_store.id]
    return assistant


def only_citation(text):
    citations = [a for a in text.annotations if a.type == "file_citation"]
    assert len(citations) == 1, f"the answer should carry one file_citation, got {text.annotations}"
    return citations[0]


def test_the_answer_cites_the_report(client, provider, report, research_assistant):
    answer = ["The survey counted ", "4,812 nesting puffins ", MARKER, "."]
    provider.push(search_script("call_fs1", PUFFINS.question), text_script(*answer))
    thread = client.beta.threads.create()
    client.beta.threads.messages.create(thread.id, role="user", content=PUFFINS.question)
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=research_assistant.id)
    assert run.status == "completed", f"run ended {run.status}: {run.last_error}"

    first, second = provider.requests()[:2]
    offered = [t["function"]["name"] for t in first.get("tools") or []]
    assert FILE_SEARCH_TOOL in offered, f"the model should be offered the search tool, was offered {offered}"
    shown = [squash(output) for output in tool_outputs(second)]
    assert any(PUFFINS.key in output and "report.pdf" in output for output in shown), (
        f"the model should get the passage holding the fact, with its file name; it got {shown}"
    )
    assert any(MARKER in output for output in shown), f"the model should be shown the marker {MARKER} it cites"

    message = client.beta.threads.messages.list(thread.id, limit=1).data[0]
    text = message.content[0].text
    assert text.value == "".join(answer), f"the answer's text should be kept as written, got {text.value!r}"
    citation = only_citation(text)
    assert citation.text == MARKER, f"the annotation's text should be the marker, got {citation.text!r}"
    assert text.value[citation.start_index : citation.end_index] == citation.text, (
        f"start and end should locate the marker in the text: {citation.start_index}..{citation.end_index}"
    )
    assert citation.file_citation.file_id == report.id, "the citation should point at the uploaded report"


def test_the_run_step_shows_what_the_search_found(client, provider, report, research_assistant):
    provider.push(search_script("call_fs1", FERRY.question), text_script("Before the spring of 2031 ", MARKER, "."))
    thread = client.beta.threads.create(messages=[{"role": "user", "content": FERRY.question}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=research_assistant.id)
    assert run.status == "completed", f"run ended {run.status}: {run.last_error}"

    steps = client.beta.threads.runs.steps.list(run.id, thread_id=thread.id, order="asc", include=[RESULT_CONTENT])
    assert [s.type for s in steps] == ["tool_calls", "message_creation"], [s.type for s in steps]
    calls = steps.data[0].step_details.tool_calls
    assert [c.type for c in calls] == ["file_search"], f"one file_search call expected, got {calls}"
    search = calls[0].file_search
    assert search.ranking_options is not None, "the call should say how it ranked"
    assert 0 <= search.ranking_options.score_threshold <= 1
    results = search.results
    assert results, "the search should have found passages"
    assert {(r.file_id, r.file_name) for r in results} == {(report.id, "report.pdf")}
    scores = [r.score for r in results]
    assert all(0 <= s <= 1 for s in scores) and scores == sorted(scores, reverse=True), (
        f"scores should be in [0, 1], best first: {scores}"
    )
    best = squash(" ".join(part.text for part in results[0].content or []))
    assert FERRY.key in best, f"the best passage should be page 4's, holding {FERRY.key!r}; got {best[:300]!r}"

    plain = client.beta.threads.runs.steps.list(run.id, thread_id=thread.id, order="asc")
    assert all(not r.content for r in plain.data[0].step_details.tool_calls[0].file_search.results), (
        "the passages' text comes only when the request includes it"
    )


class CitationRecorder(AssistantEventHandler):
    """Records the streamed text deltas, finished tool calls and finished messages."""

    def __init__(self):
        super().__init__()
        self.deltas = []
        self.tool_calls = []
        self.messages = []

    def on_text_delta(self, delta, snapshot):
        self.deltas.append(delta)

    def on_tool_call_done(self, tool_call):
        # The SDK's handler reports the current tool call as done again at every later step end and at
        # the run's end (it never forgets it), so one call arrives here several times: keep each once.
        if all(seen.id != tool_call.id for seen in self.tool_calls):
            self.tool_calls.append(tool_call)

    def on_message_done(self, message):
        self.messages.append(message)


def test_a_streamed_answer_carries_the_citation_in_its_deltas(client, provider, report, research_assistant):
    # A model's tokenizer splits the marker, so it streams in pieces.
    answer = ["Page 2 reports ", "4,812 nesting puffins ", "【0", ":0†report", ".pdf】", "."]
    provider.push(search_script("call_fs1", PUFFINS.question), text_script(*answer, delay_ms=5))
    thread = client.beta.threads.create(messages=[{"role": "user", "content": PUFFINS.question}])

    recorder = CitationRecorder()
    with client.beta.threads.runs.stream(
        thread_id=thread.id, assistant_id=research_assistant.id, event_handler=recorder
    ) as stream:
        stream.until_done()
    run = recorder.get_final_run()
    assert run.status == "completed", f"run ended {run.status}: {run.last_error}"

    full = "".join(answer)
    assert "".join(d.value or "" for d in recorder.deltas) == full, "the deltas should add up to the answer"
    streamed = [a for d in recorder.deltas for a in d.annotations or [] if a.type == "file_citation"]
    assert streamed, f"a delta should carry the file_citation, deltas {recorder.deltas}"
    citation = streamed[0]
    assert citation.text == MARKER and full[citation.start_index : citation.end_index] == MARKER, (
        f"the streamed annotation should locate the marker in the whole answer: {citation}"
    )
    assert citation.file_citation.file_id == report.id
    assert [c.type for c in recorder.tool_calls] == ["file_search"], "the stream should show the search call"

    assert len(recorder.messages) == 1
    done = recorder.messages[0]
    assert text_of(done) == full
    assert only_citation(done.content[0].text).file_citation.file_id == report.id
