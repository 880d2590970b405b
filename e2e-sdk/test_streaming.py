"""Streamed runs through the SDK's helpers: the text arrives piece by piece and adds up."""

from openai import AssistantEventHandler

from helpers import text_of, text_script

PIECES = ["The quick ", "brown fox ", "jumps over ", "the lazy dog."]
TEXT = "".join(PIECES)


def test_text_deltas_add_up_to_the_answer(client, provider, assistant):
    # Further apart than the server's text hold (50 ms), within which close text is joined.
    provider.push(text_script(*PIECES, delay_ms=70))
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "A pangram, please."}])
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id) as stream:
        deltas = list(stream.text_deltas)
        final = stream.get_final_run()
    assert "".join(deltas) == TEXT, f"joined deltas {deltas!r}"
    assert len(deltas) >= 2, "the answer should arrive in pieces, not at once"
    assert final.status == "completed", f"run ended {final.status}: {final.last_error}"
    assert final.usage is not None and final.usage.total_tokens == 15
    latest = client.beta.threads.messages.list(thread.id, limit=1).data[0]
    assert text_of(latest) == TEXT, "the streamed answer should be stored as it was shown"


class Recorder(AssistantEventHandler):
    """An event handler like the ones in the hosted API's quick-start, recording what fired."""

    def __init__(self):
        super().__init__()
        self.fired = []
        self.deltas = []
        self.last_snapshot = ""
        self.done_messages = []
        self.steps = []

    def on_text_created(self, text):
        self.fired.append("text_created")

    def on_text_delta(self, delta, snapshot):
        self.deltas.append(delta.value)
        self.last_snapshot = snapshot.value

    def on_message_done(self, message):
        self.done_messages.append(message)

    def on_run_step_created(self, run_step):
        self.steps.append(run_step)


def test_an_event_handler_sees_the_answer_being_written(client, provider, assistant):
    provider.push(text_script(*PIECES, delay_ms=5))
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "A pangram, please."}])
    recorder = Recorder()
    with client.beta.threads.runs.stream(
        thread_id=thread.id, assistant_id=assistant.id, event_handler=recorder
    ) as stream:
        stream.until_done()

    assert recorder.fired == ["text_created"], f"on_text_created should fire once, fired {recorder.fired}"
    assert "".join(recorder.deltas) == TEXT and recorder.last_snapshot == TEXT
    assert [s.type for s in recorder.steps] == ["message_creation"], "on_run_step_created should fire once"
    assert len(recorder.done_messages) == 1, "on_message_done should fire once"
    done = recorder.done_messages[0]
    assert (done.status, text_of(done)) == ("completed", TEXT)
    assert done.id == recorder.steps[0].step_details.message_creation.message_id
    run = recorder.get_final_run()
    assert run.status == "completed", f"run ended {run.status}: {run.last_error}"
    assert [text_of(m) for m in recorder.get_final_messages()] == [TEXT]


def test_create_and_run_stream_starts_with_the_new_thread(client, provider, assistant):
    provider.push(text_script("Hi ", "there."))
    with client.beta.threads.create_and_run_stream(
        assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "Hello"}]}
    ) as stream:
        events = [event.event for event in stream]
        final = stream.get_final_run()
    assert events[0] == "thread.created", f"the stream should open with thread.created, got {events[:3]}"
    assert events[-1] == "thread.run.completed", f"the stream should end with the run, got {events[-3:]}"
    assert final.status == "completed"
    assert [text_of(m) for m in client.beta.threads.messages.list(final.thread_id, limit=1).data] == ["Hi there."]
