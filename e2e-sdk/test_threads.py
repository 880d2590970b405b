"""Conversations: a follow-up that depends on the earlier turn, and long threads read page by page."""

from helpers import conversation, text_of, text_script


def test_a_follow_up_question_is_answered_with_the_earlier_turns_in_view(client, provider, assistant):
    provider.push(
        text_script("Paris is the capital ", "of France."),
        text_script("About 2.1 million ", "people."),
    )
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "What is the capital of France?"}])
    first = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert first.status == "completed", f"first run ended {first.status}: {first.last_error}"

    client.beta.threads.messages.create(thread.id, role="user", content="How many people live there?")
    second = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert second.status == "completed", f"follow-up run ended {second.status}: {second.last_error}"

    bodies = provider.requests()
    assert len(bodies) == 2, f"one model call per run expected, got {len(bodies)}"
    sent = [turn for turn in conversation(bodies[1]) if turn[0] != "system"]
    assert sent == [
        ("user", "What is the capital of France?"),
        ("assistant", "Paris is the capital of France."),
        ("user", "How many people live there?"),
    ], "the follow-up should reach the model with the whole earlier exchange, in order"
    system = [text for role, text in conversation(bodies[1]) if role == "system"]
    assert any("You are terse." in text for text in system), "the assistant's instructions should be sent"

    shown = [(m.role, text_of(m)) for m in client.beta.threads.messages.list(thread.id, order="asc")]
    assert shown == [
        ("user", "What is the capital of France?"),
        ("assistant", "Paris is the capital of France."),
        ("user", "How many people live there?"),
        ("assistant", "About 2.1 million people."),
    ]


def test_auto_paging_with_limit_two_visits_every_message_once(client):
    texts = [f"note {i}" for i in range(7)]
    thread = client.beta.threads.create(messages=[{"role": "user", "content": texts[0]}])
    for text in texts[1:]:
        client.beta.threads.messages.create(thread.id, role="user", content=text)

    first_page = client.beta.threads.messages.list(thread.id, limit=2)
    assert len(first_page.data) == 2 and first_page.has_more is True, "a first page of 2 out of 7 expected"

    newest_first = [text_of(m) for m in client.beta.threads.messages.list(thread.id, limit=2)]
    assert newest_first == list(reversed(texts)), "auto-paging should visit all 7 messages newest first, once"
    oldest_first = [text_of(m) for m in client.beta.threads.messages.list(thread.id, limit=2, order="asc")]
    assert oldest_first == texts, "auto-paging in ascending order should visit all 7 messages in order"


def test_a_thread_keeps_its_metadata_and_can_be_deleted(client):
    thread = client.beta.threads.create(metadata={"user": "ada"})
    assert client.beta.threads.retrieve(thread.id).metadata == {"user": "ada"}
    assert client.beta.threads.delete(thread.id).deleted is True
