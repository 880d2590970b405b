"""Runs driven the three ways existing code does it: polling by hand, the poll helpers, and
create-thread-and-run; plus the busy-thread rule."""

import openai
import pytest

from helpers import text_of, text_script, wait_for_run


def test_a_run_polled_by_hand_completes_with_the_answer_and_usage(client, provider, assistant):
    provider.push(text_script("Two ", "plus two ", "is four.", usage=(12, 5), delay_ms=20))
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "2+2?"}])

    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status in ("queued", "in_progress"), f"a new run should be queued, got {run.status}"
    assert run.assistant_id == assistant.id and run.thread_id == thread.id

    run = wait_for_run(client, thread.id, run.id)
    assert run.status == "completed", f"run ended {run.status}: {run.last_error}"
    assert run.usage is not None and (run.usage.prompt_tokens, run.usage.completion_tokens) == (12, 5)
    assert run.usage.total_tokens == 17

    steps = client.beta.threads.runs.steps.list(run.id, thread_id=thread.id)
    assert [s.type for s in steps] == ["message_creation"], "a text answer should be one message step"
    answer = client.beta.threads.messages.retrieve(
        steps.data[0].step_details.message_creation.message_id, thread_id=thread.id
    )
    assert text_of(answer) == "Two plus two is four."
    assert (answer.role, answer.status, answer.run_id) == ("assistant", "completed", run.id)


def test_create_and_poll_returns_the_completed_run(client, provider, assistant):
    provider.push(text_script("Hello ", "there."))
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Hi"}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed", f"run ended {run.status}: {run.last_error}"
    latest = client.beta.threads.messages.list(thread.id, limit=1).data[0]
    assert (latest.role, text_of(latest)) == ("assistant", "Hello there.")


def test_create_and_run_poll_makes_the_thread_and_answers(client, provider, assistant):
    provider.push(text_script("Bonjour."))
    run = client.beta.threads.create_and_run_poll(
        assistant_id=assistant.id,
        thread={"messages": [{"role": "user", "content": "Say hello in French."}]},
    )
    assert run.status == "completed", f"run ended {run.status}: {run.last_error}"
    shown = [(m.role, text_of(m)) for m in client.beta.threads.messages.list(run.thread_id, order="asc")]
    assert shown == [("user", "Say hello in French."), ("assistant", "Bonjour.")]


def test_a_thread_with_a_run_in_progress_refuses_new_messages_and_runs(client, provider, assistant):
    provider.push(text_script(*[f"w{i} " for i in range(40)], delay_ms=100))
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Write slowly."}])
    run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)

    with pytest.raises(openai.BadRequestError) as caught:
        client.beta.threads.messages.create(thread.id, role="user", content="Are you done?")
    assert caught.value.body["message"] == f"Can't add messages to {thread.id} while a run {run.id} is active.", (
        caught.value.body
    )
    with pytest.raises(openai.BadRequestError) as caught:
        client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
    assert caught.value.body["message"] == f"Thread {thread.id} already has an active run {run.id}.", (
        caught.value.body
    )

    cancelling = client.beta.threads.runs.cancel(run.id, thread_id=thread.id)
    assert cancelling.status in ("cancelling", "cancelled"), f"cancel answered {cancelling.status}"
    assert wait_for_run(client, thread.id, run.id).status == "cancelled"

    # Once the run is over the thread takes messages again.
    client.beta.threads.messages.create(thread.id, role="user", content="Never mind.")
