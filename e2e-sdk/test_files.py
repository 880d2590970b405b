"""Files and vector stores around the Research Assistant: the bytes come back as uploaded, lists filter by
purpose, a broken document fails alone, and deleting a file or a store takes it out everywhere."""

import openai
import pytest

from documents import write_broken_pdf, write_notes_docx, write_report_pdf
from helpers import vector_store_file_ids, wait_for_indexing


def upload(client, path, purpose="assistants"):
    with open(path, "rb") as file:
        return client.files.create(file=file, purpose=purpose)


def test_content_is_the_uploaded_bytes_and_lists_filter_by_purpose(client, docs):
    pdf = write_report_pdf(docs / "report.pdf")
    notes = docs / "notes.txt"
    notes.write_text("Notes kept for later.\n")
    report = upload(client, pdf)
    other = upload(client, notes, purpose="user_data")

    assert client.files.content(report.id).read() == pdf.read_bytes(), "the content should be the bytes sent"
    fetched = client.files.retrieve(report.id)
    assert (fetched.id, fetched.object, fetched.filename, fetched.bytes, fetched.purpose) == (
        report.id, "file", "report.pdf", pdf.stat().st_size, "assistants",
    )

    assistants = [f.id for f in client.files.list(purpose="assistants")]
    user_data = [f.id for f in client.files.list(purpose="user_data")]
    assert report.id in assistants and other.id not in assistants, f"purpose=assistants listed {assistants}"
    assert other.id in user_data and report.id not in user_data, f"purpose=user_data listed {user_data}"
    assert {report.id, other.id} <= {f.id for f in client.files.list()}, "an unfiltered list has both"


def test_a_broken_pdf_fails_alone(client, vector_stores, docs):
    pdf = write_report_pdf(docs / "report.pdf")
    report = upload(client, pdf)
    notes = upload(client, write_notes_docx(docs / "notes.docx"))
    broken = upload(client, write_broken_pdf(docs / "broken.pdf", pdf))
    assert client.files.retrieve(broken.id).bytes == (docs / "broken.pdf").stat().st_size, (
        "a broken document still uploads: the bytes are only read when it is indexed"
    )

    store = vector_stores.create(name="Mixed", file_ids=[report.id, broken.id, notes.id])
    store = wait_for_indexing(vector_stores, store.id)
    counts = store.file_counts
    assert (counts.completed, counts.failed, counts.total) == (2, 1, 3), f"counts {counts}"

    failed = vector_stores.files.retrieve(broken.id, vector_store_id=store.id)
    assert failed.status == "failed"
    assert failed.last_error is not None, "a failed file should say why"
    assert failed.last_error.code in ("invalid_file", "unsupported_file"), failed.last_error
    assert "broken.pdf" in failed.last_error.message, (
        f"the error should name the file, got {failed.last_error.message!r}"
    )
    for good in (report, notes):
        indexed = vector_stores.files.retrieve(good.id, vector_store_id=store.id)
        assert (indexed.status, indexed.last_error) == ("completed", None), f"{good.filename}: {indexed}"
    failed_only = [f.id for f in vector_stores.files.list(vector_store_id=store.id, filter="failed")]
    assert failed_only == [broken.id], f"the failed filter should list only broken.pdf, listed {failed_only}"


def test_deleting_a_file_takes_it_out_of_every_vector_store(client, vector_stores, docs):
    report = upload(client, write_report_pdf(docs / "report.pdf"))
    notes = upload(client, write_notes_docx(docs / "notes.docx"))
    both = vector_stores.create(name="Both", file_ids=[report.id, notes.id])
    alone = vector_stores.create(name="Report only", file_ids=[report.id])
    assert wait_for_indexing(vector_stores, both.id).file_counts.completed == 2
    assert wait_for_indexing(vector_stores, alone.id).file_counts.completed == 1

    deleted = client.files.delete(report.id)
    assert (deleted.id, deleted.deleted) == (report.id, True)

    counts = vector_stores.retrieve(both.id).file_counts
    assert (counts.completed, counts.total) == (1, 1), f"the store should keep only notes.docx, counts {counts}"
    assert vector_store_file_ids(vector_stores, both.id) == {notes.id}
    counts = vector_stores.retrieve(alone.id).file_counts
    assert (counts.completed, counts.total) == (0, 0), f"the store should be empty, counts {counts}"
    for store in (both, alone):
        with pytest.raises(openai.NotFoundError):
            vector_stores.files.retrieve(report.id, vector_store_id=store.id)
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve(report.id)
    with pytest.raises(openai.NotFoundError):
        client.files.content(report.id).read()
    assert report.id not in {f.id for f in client.files.list()}


def test_deleting_a_vector_store_keeps_its_files(client, vector_stores, docs):
    report = upload(client, write_report_pdf(docs / "report.pdf"))
    store = vector_stores.create(name="Short-lived", file_ids=[report.id])
    wait_for_indexing(vector_stores, store.id)

    deleted = vector_stores.delete(store.id)
    assert (deleted.id, deleted.deleted) == (store.id, True)
    with pytest.raises(openai.NotFoundError):
        vector_stores.retrieve(store.id)
    assert store.id not in {s.id for s in vector_stores.list()}
    assert client.files.retrieve(report.id).id == report.id, "the uploaded file outlives the store"
