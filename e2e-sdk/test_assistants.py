"""Assistants made once and reused by id, and the errors code written for the hosted API handles."""

import openai
import pytest

from helpers import MODEL


def test_an_assistant_is_created_once_and_reused_by_id(client):
    created = client.beta.assistants.create(
        model=MODEL,
        name="Math tutor",
        instructions="Answer with a number.",
        tools=[{"type": "function", "function": {"name": "add", "parameters": {"type": "object"}}}],
        metadata={"team": "maths"},
    )
    assert created.id.startswith("asst_"), f"assistant ids should start with asst_, got {created.id!r}"

    # A later process only keeps the id, as scripts written for the hosted API do.
    again = client.beta.assistants.retrieve(created.id)
    assert again.id == created.id
    assert (again.name, again.instructions, again.model) == ("Math tutor", "Answer with a number.", MODEL)
    assert again.metadata == {"team": "maths"}
    assert [t.function.name for t in again.tools] == ["add"], "the function tool should be kept"

    updated = client.beta.assistants.update(created.id, name="Maths tutor")
    assert updated.name == "Maths tutor"
    assert client.beta.assistants.retrieve(created.id).name == "Maths tutor", "the rename should persist"

    listed = [a.id for a in client.beta.assistants.list()]
    assert created.id in listed, "the assistant should be listed"

    deleted = client.beta.assistants.delete(created.id)
    assert deleted.deleted is True and deleted.id == created.id
    with pytest.raises(openai.NotFoundError):
        client.beta.assistants.retrieve(created.id)


def test_an_unknown_assistant_is_a_404_with_the_hosted_message(client):
    missing = "asst_" + "a" * 24
    with pytest.raises(openai.NotFoundError) as caught:
        client.beta.assistants.retrieve(missing)
    error = caught.value
    assert error.status_code == 404
    assert error.body["message"] == f"No assistant found with id '{missing}'.", error.body
    assert error.type == "invalid_request_error", error.body


def test_an_unknown_thread_is_a_404(client):
    missing = "thread_" + "a" * 24
    with pytest.raises(openai.NotFoundError) as caught:
        client.beta.threads.retrieve(missing)
    assert caught.value.body["message"] == f"No thread found with id '{missing}'.", caught.value.body


def test_a_wrong_key_is_an_authentication_error(server):
    client = server.client(api_key="sk-not-the-token")
    with pytest.raises(openai.AuthenticationError) as caught:
        client.beta.assistants.list()
    assert caught.value.status_code == 401
    assert isinstance(caught.value.body, dict) and caught.value.body.get("message"), (
        f"a 401 should carry the error envelope with a message, got {caught.value.body!r}"
    )


def test_assistants_page_through_with_a_small_limit(client):
    made = [client.beta.assistants.create(model=MODEL, name=f"a{i}").id for i in range(5)]
    seen = [a.id for a in client.beta.assistants.list(limit=2)]
    assert seen == list(reversed(made)), "auto-paging should visit every assistant, newest first, once"
