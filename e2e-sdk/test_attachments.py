"""A document attached to a message for file_search: the thread gets a vector store holding it, and a run
on the thread searches it, tables of a DOCX included."""

from documents import GENERATOR, write_notes_docx
from helpers import (
    MODEL,
    search_script,
    squash,
    text_script,
    tool_outputs,
    vector_store_file_ids,
    wait_for_indexing,
)


def test_an_attached_docx_is_searched_by_the_run(client, provider, vector_stores, docs):
    with open(write_notes_docx(docs / "notes.docx"), "rb") as file:
        notes = client.files.create(file=file, purpose="assistants")
    assistant = client.beta.assistants.create(
        model=MODEL, instructions="Answer from the attached documents.", tools=[{"type": "file_search"}]
    )
    thread = client.beta.threads.create()
    client.beta.threads.messages.create(
        thread.id,
        role="user",
        content=GENERATOR.question,
        attachments=[{"file_id": notes.id, "tools": [{"type": "file_search"}]}],
    )

    resources = client.beta.threads.retrieve(thread.id).tool_resources
    assert resources is not None and resources.file_search is not None, "the thread should get file_search resources"
    store_ids = resources.file_search.vector_store_ids
    assert len(store_ids) == 1, f"the thread should get one vector store, got {store_ids}"
    assert vector_store_file_ids(vector_stores, store_ids[0]) == {notes.id}, "the store should hold the attachment"
    store = wait_for_indexing(vector_stores, store_ids[0])
    assert store.file_counts.completed == 1, f"notes.docx should be indexed, counts {store.file_counts}"

    # The first result of the run's first search, as the tool's output labels it.
    marker = "【0:0†notes.docx】"
    provider.push(search_script("call_fs1", GENERATOR.question), text_script("It is HX-5520-B ", marker, "."))
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed", f"run ended {run.status}: {run.last_error}"

    shown = [squash(output) for output in tool_outputs(provider.requests()[1])]
    assert any(GENERATOR.key in output and "notes.docx" in output for output in shown), (
        f"the search should find the table row of notes.docx; the model got {shown}"
    )
    assert any(marker in output for output in shown), f"the model should be shown the marker {marker} it cites"
    text = client.beta.threads.messages.list(thread.id, limit=1).data[0].content[0].text
    citations = [a for a in text.annotations if a.type == "file_citation"]
    assert [c.file_citation.file_id for c in citations] == [notes.id], f"annotations {text.annotations}"
    assert text.value[citations[0].start_index : citations[0].end_index] == marker
