"""A server killed (kill -9) while it indexes a long document comes back on the same data folder and
finishes the file: it ends `completed`, searchable to its last page, never stuck `in_progress`."""

import pytest

from documents import LAST_PAGE, write_long_pdf
from helpers import squash, wait_for_indexing

# About 30,000 words (some 40,000 tokens to chunk and embed): long enough that indexing is still
# going when the kill comes.
PAGES = 60

pytestmark = pytest.mark.search_api


def test_indexing_killed_midway_is_resumed_after_a_restart(server, docs):
    client = server.client()
    with open(write_long_pdf(docs / "archive.pdf", PAGES), "rb") as file:
        archive = client.files.create(file=file, purpose="assistants")
    store = client.vector_stores.create(name="Archive", file_ids=[archive.id])

    # Indexing runs in the background: the file is in progress as the store is made. Crash right then.
    file = client.vector_stores.files.retrieve(archive.id, vector_store_id=store.id)
    assert file.status == "in_progress", (
        f"the file should still be indexing right after the store is made (make the document longer?), got {file.status}"
    )
    server.kill()

    server.start()
    client = server.client()
    store = wait_for_indexing(client.vector_stores, store.id, timeout=300)
    file = client.vector_stores.files.retrieve(archive.id, vector_store_id=store.id)
    assert (file.status, file.last_error) == ("completed", None), f"the file should be finished after the restart: {file}"
    counts = store.file_counts
    assert (counts.completed, counts.in_progress, counts.failed) == (1, 0, 0), f"counts {counts}"

    results = client.vector_stores.search(store.id, query=LAST_PAGE.question, max_num_results=50).data
    passages = [squash(" ".join(part.text for part in r.content)) for r in results]
    assert passages and LAST_PAGE.key in passages[0], (
        f"the last page should be indexed and found first; best was {passages[:1]}"
    )
    assert len(set(passages)) == len(passages), "resuming should not index the same passages twice"
