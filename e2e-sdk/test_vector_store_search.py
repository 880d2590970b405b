"""`vector_stores.search` (the 3.x line's `client.vector_stores.search`; 1.65.5 has no such method): a
question about one page's fact finds that page first, with scores in [0, 1]."""

import pytest

from documents import LIGHTHOUSE, TIMETABLE, write_notes_docx, write_report_pdf
from helpers import squash, wait_for_indexing

pytestmark = pytest.mark.search_api


def upload(client, path):
    with open(path, "rb") as file:
        return client.files.create(file=file, purpose="assistants")


def passage(result) -> str:
    return squash(" ".join(part.text for part in result.content))


def test_a_question_finds_the_passage_that_answers_it_first(client, docs):
    report = upload(client, write_report_pdf(docs / "report.pdf"))
    notes = upload(client, write_notes_docx(docs / "notes.docx"))
    store = client.vector_stores.create(name="Research papers", file_ids=[report.id, notes.id])
    assert wait_for_indexing(client.vector_stores, store.id).file_counts.completed == 2

    for fact, file in ((LIGHTHOUSE, report), (TIMETABLE, notes)):
        results = client.vector_stores.search(store.id, query=fact.question).data
        assert results, f"{fact.question!r} found nothing"
        best = results[0]
        assert (best.file_id, best.filename) == (file.id, file.filename), (
            f"{fact.question!r} should find {file.filename} first, found {[r.filename for r in results]}"
        )
        assert fact.key in passage(best), f"the best passage should hold {fact.key!r}: {passage(best)[:300]!r}"
        scores = [r.score for r in results]
        assert all(0 <= s <= 1 for s in scores), f"scores should be in [0, 1]: {scores}"
        assert scores == sorted(scores, reverse=True), f"results should come best first: {scores}"
        assert len(results) <= 20, "at most 20 results by default"

    one = client.vector_stores.search(store.id, query=LIGHTHOUSE.question, max_num_results=1).data
    assert len(one) == 1 and LIGHTHOUSE.key in passage(one[0]), "max_num_results=1 keeps only the best"
