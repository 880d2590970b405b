"""The function-tool loop: the run stops in requires_action with the model's call, the caller runs the
function and submits the output, the model answers with it."""

import json

import openai
import pytest
from openai import AssistantEventHandler

from helpers import MODEL, call_script, conversation, prompt_text, text_of, text_script

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    },
}


@pytest.fixture
def weather_assistant(client):
    return client.beta.assistants.create(model=MODEL, instructions="Use the tools.", tools=[WEATHER])


def test_the_tool_loop_with_the_poll_helpers(client, provider, weather_assistant):
    provider.push(
        call_script(("call_w1", "get_weather", ['{"ci', 'ty": "Os', 'lo"}'])),
        text_script("It is 12 °C ", "in Oslo."),
    )
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Weather in Oslo?"}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=weather_assistant.id)

    assert run.status == "requires_action", f"the run should wait for the tool output, got {run.status}"
    calls = run.required_action.submit_tool_outputs.tool_calls
    assert len(calls) == 1, f"one tool call expected, got {calls}"
    assert calls[0].id.startswith("call_") and calls[0].type == "function"
    assert calls[0].function.name == "get_weather"
    assert json.loads(calls[0].function.arguments) == {"city": "Oslo"}, (
        f"the argument pieces should be reassembled into one JSON text, got {calls[0].function.arguments!r}"
    )
    sent_tools = provider.requests()[0].get("tools") or []
    assert [t["function"]["name"] for t in sent_tools] == ["get_weather"], "the model should be offered the tool"

    run = client.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id, thread_id=thread.id, tool_outputs=[{"tool_call_id": calls[0].id, "output": "12 °C"}]
    )
    assert run.status == "completed", f"run ended {run.status}: {run.last_error}"
    latest = client.beta.threads.messages.list(thread.id, limit=1).data[0]
    assert (latest.role, text_of(latest)) == ("assistant", "It is 12 °C in Oslo.")

    second = provider.requests()[1]
    tool_turns = [m for m in second["messages"] if m["role"] == "tool"]
    assert [prompt_text(m["content"]) for m in tool_turns] == ["12 °C"], (
        f"the model should get the tool output back, got {conversation(second)}"
    )

    steps = client.beta.threads.runs.steps.list(run.id, thread_id=thread.id, order="asc")
    assert [s.type for s in steps] == ["tool_calls", "message_creation"]
    assert steps.data[0].step_details.tool_calls[0].function.output == "12 °C", (
        "the tool step should record the submitted output"
    )


def test_two_parallel_calls_are_both_required(client, provider, weather_assistant):
    provider.push(
        call_script(
            ("call_a", "get_weather", ['{"city": ', '"Oslo"}']),
            ("call_b", "get_weather", ['{"city": ', '"Rome"}']),
        ),
        text_script("Oslo 12 °C, Rome 25 °C."),
    )
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Oslo and Rome?"}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=weather_assistant.id)
    assert run.status == "requires_action", f"got {run.status}: {run.last_error}"
    calls = run.required_action.submit_tool_outputs.tool_calls
    assert [json.loads(c.function.arguments)["city"] for c in calls] == ["Oslo", "Rome"]
    assert len({c.id for c in calls}) == 2, "each call should have its own id"

    outputs = {"Oslo": "12 °C", "Rome": "25 °C"}
    run = client.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id,
        thread_id=thread.id,
        tool_outputs=[
            {"tool_call_id": c.id, "output": outputs[json.loads(c.function.arguments)["city"]]} for c in calls
        ],
    )
    assert run.status == "completed", f"run ended {run.status}: {run.last_error}"


def test_a_thread_waiting_for_tool_outputs_refuses_new_messages(client, provider, weather_assistant):
    provider.push(call_script(("call_w1", "get_weather", ['{"city": "Oslo"}'])), text_script("Done."))
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Weather?"}])
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=weather_assistant.id)
    assert run.status == "requires_action", f"got {run.status}: {run.last_error}"

    with pytest.raises(openai.BadRequestError) as caught:
        client.beta.threads.messages.create(thread.id, role="user", content="Hello?")
    assert caught.value.body["message"] == f"Can't add messages to {thread.id} while a run {run.id} is active.", (
        caught.value.body
    )

    with pytest.raises(openai.BadRequestError):
        # Outputs for a call the run never made are refused, not silently dropped.
        client.beta.threads.runs.submit_tool_outputs(
            run_id=run.id, thread_id=thread.id, tool_outputs=[{"tool_call_id": "call_unknown", "output": "x"}]
        )

    call = run.required_action.submit_tool_outputs.tool_calls[0]
    run = client.beta.threads.runs.submit_tool_outputs_and_poll(
        run_id=run.id, thread_id=thread.id, tool_outputs=[{"tool_call_id": call.id, "output": "sunny"}]
    )
    assert run.status == "completed", f"run ended {run.status}: {run.last_error}"


class ToolRecorder(AssistantEventHandler):
    def __init__(self):
        super().__init__()
        self.calls_done = []

    def on_tool_call_done(self, tool_call):
        self.calls_done.append(tool_call)


def test_the_tool_loop_streamed_with_submit_tool_outputs_stream(client, provider, weather_assistant):
    provider.push(
        call_script(("call_w1", "get_weather", ['{"ci', 'ty": "Os', 'lo"}'])),
        text_script("It is ", "12 °C ", "in Oslo."),
    )
    thread = client.beta.threads.create(messages=[{"role": "user", "content": "Weather in Oslo?"}])

    recorder = ToolRecorder()
    with client.beta.threads.runs.stream(
        thread_id=thread.id, assistant_id=weather_assistant.id, event_handler=recorder
    ) as stream:
        stream.until_done()
    waiting = recorder.get_final_run()
    assert waiting.status == "requires_action", f"the first stream should end waiting, got {waiting.status}"
    call = waiting.required_action.submit_tool_outputs.tool_calls[0]
    assert json.loads(call.function.arguments) == {"city": "Oslo"}
    streamed = [c for c in recorder.calls_done if c.type == "function"]
    assert [(c.function.name, json.loads(c.function.arguments)) for c in streamed] == [
        ("get_weather", {"city": "Oslo"})
    ], "the streamed step deltas should add up to the same call"

    with client.beta.threads.runs.submit_tool_outputs_stream(
        run_id=waiting.id, thread_id=thread.id, tool_outputs=[{"tool_call_id": call.id, "output": "12 °C"}]
    ) as stream:
        text = "".join(stream.text_deltas)
        final = stream.get_final_run()
    assert text == "It is 12 °C in Oslo.", f"streamed text {text!r}"
    assert final.status == "completed", f"run ended {final.status}: {final.last_error}"
    latest = client.beta.threads.messages.list(thread.id, limit=1).data[0]
    assert text_of(latest) == "It is 12 °C in Oslo."
