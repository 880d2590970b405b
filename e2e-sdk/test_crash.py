"""A server killed mid-answer (kill -9, as in a crash or power cut) or stopped with SIGTERM comes back
with the conversation intact: the question, the part of the answer that was shown, and a run that says
what happened."""

import time

from helpers import text_of, text_script

PIECES = [f"word{i:02d} " for i in range(40)]


def test_a_killed_server_restarts_with_the_partial_answer_and_a_failed_run(server, provider, assistant):
    client = server.client()
    # 150 ms per chunk: the whole answer would take 6 s, the kill comes after the third piece.
    provider.push(text_script(*PIECES, delay_ms=150))
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Tell me a long story."}])

    received = []
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
        for delta in stream.text_deltas:
            received.append(delta)
            if len(received) >= 3:
                run_id = stream.current_run.id
                # Streamed text is saved in batches, each within 200 ms of its first piece (the
                # engine's SaveBatch): what was shown a moment before the kill is on disk, and only
                # the last fraction of a second of an answer can be lost.
                time.sleep(1.0)
                server.kill()
                break
    shown = "".join(received)
    assert shown and len(received) == 3

    server.start()
    client = server.client()

    messages = list(client.beta.threads.messages.list(thread.id, order="asc"))
    assert [m.role for m in messages] == ["user", "assistant"], (
        f"the question and the partial answer should both be kept, got {[(m.role, text_of(m)) for m in messages]}"
    )
    assert text_of(messages[0]) == "Tell me a long story."

    run = client.beta.threads.runs.retrieve(run_id, thread_id=thread.id)
    assert run.status in ("failed", "expired"), f"the interrupted run should be closed, got {run.status}"
    assert run.last_error is not None, "the interrupted run should say why it stopped"
    advice = run.last_error.message.lower()
    assert "new run" in advice or "try again" in advice, (
        f"last_error should tell the user what to do next, got {run.last_error.message!r}"
    )

    partial = messages[1]
    kept = text_of(partial)
    assert partial.status == "incomplete", f"the cut-off answer should be incomplete, got {partial.status}"
    expected_reason = "run_failed" if run.status == "failed" else "run_expired"
    assert partial.incomplete_details is not None and partial.incomplete_details.reason == expected_reason
    assert kept.startswith(shown), f"everything the client was shown ({shown!r}) should be kept, kept {kept!r}"
    assert "".join(PIECES).startswith(kept), f"the kept text should be a prefix of the answer, got {kept!r}"
    assert partial.run_id == run_id

    # The thread is usable again: the user can ask to continue.
    provider.push(text_script("Continuing."))
    client.beta.threads.messages.create(thread.id, role="user", content="Go on.")
    again = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert again.status == "completed", f"a new run after the restart ended {again.status}: {again.last_error}"


def test_a_stopped_server_closes_the_run_in_progress_as_cancelled(server, provider, assistant):
    client = server.client()
    provider.push(text_script(*PIECES, delay_ms=150))
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Tell me a long story."}])

    received = []
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
        for delta in stream.text_deltas:
            received.append(delta)
            if len(received) >= 3:
                run_id = stream.current_run.id
                break

    # SIGTERM, as a service manager or Ctrl-C sends: the server should exit by itself, cleanly.
    exit_code = server.stop()
    assert exit_code == 0, f"hearth-server should exit 0 on SIGTERM, exited {exit_code}"

    server.start()
    client = server.client()
    run = client.beta.threads.runs.retrieve(run_id, thread_id=thread.id)
    assert run.status == "cancelled", f"a run stopped by a shutdown should be cancelled, got {run.status}"
    partial = client.beta.threads.messages.list(thread.id, limit=1).data[0]
    assert (partial.role, partial.status) == ("assistant", "incomplete"), (partial.role, partial.status)
    assert partial.incomplete_details is not None and partial.incomplete_details.reason == "run_cancelled"
    assert text_of(partial).startswith("".join(received)), "the text shown before the shutdown should be kept"
