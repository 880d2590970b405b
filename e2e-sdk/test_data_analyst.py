"""The tutorial's Data Analyst, unchanged but for `base_url`: a CSV sent as a message attachment for
code_interpreter, "Analyze this sales data and create a trend chart", `create_and_poll`, and every
`image_file` part of the answer downloaded with `client.files.content` and written to chart.png. The
scripted model writes the pandas/matplotlib code a model would; Hearth runs it for real, in its sandbox,
and the chart must be a real PNG. A follow-up in the same thread uses a variable of the first call, and
the streamed form of the same flow must add up in the SDK's own event handler."""

import struct

from openai import AssistantEventHandler

from helpers import MODEL, call_script, text_of, text_script

SALES = "month,revenue\n2024-01,100\n2024-02,150\n2024-03,125\n2024-04,225\n"

ANALYSIS = (
    "import pandas as pd\n"
    "import matplotlib.pyplot as plt\n"
    "df = pd.read_csv('/mnt/data/sales.csv')\n"
    "total = int(df['revenue'].sum())\n"
    "print('total revenue', total)\n"
    "df.plot(x='month', y='revenue', marker='o', title='Monthly revenue')\n"
    "plt.show()\n"
    "df.to_csv('/mnt/data/trend.csv', index=False)\n"
)


def code_pieces(code: str) -> list[str]:
    """The call's JSON arguments cut every 23 characters, mid-word and mid-escape, as streams arrive."""
    import json

    arguments = json.dumps({"code": code})
    return [arguments[i : i + 23] for i in range(0, len(arguments), 23)]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "chart.png should be a PNG"
    assert data[12:16] == b"IHDR", "a PNG starts with its header chunk"
    return struct.unpack(">II", data[16:24])


def analyst(client):
    return client.beta.assistants.create(
        name="Data Analyst",
        instructions="You are a data analyst. Use code to analyze data and create visualizations.",
        tools=[{"type": "code_interpreter"}],
        model=MODEL,
    )


def sales_file(client, docs):
    path = docs / "sales.csv"
    path.write_text(SALES)
    with open(path, "rb") as file:
        return client.files.create(file=file, purpose="assistants")


def test_the_data_analyst_makes_a_chart_the_user_can_save(client, provider, docs, tmp_path):
    provider.push(
        call_script(("call_ci1", "code_interpreter", code_pieces(ANALYSIS))),
        text_script("Revenue totals 600 and rises overall. ", "The data: [trend.csv](sandbox:/mnt/data/trend.csv)"),
    )
    uploaded = sales_file(client, docs)
    assistant = analyst(client)
    thread = client.beta.threads.create(
        messages=[
            {
                "role": "user",
                "content": "Analyze this sales data and create a trend chart",
                "attachments": [{"file_id": uploaded.id, "tools": [{"type": "code_interpreter"}]}],
            }
        ]
    )
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed", f"run ended {run.status}: {run.last_error}"

    offered = [t["function"]["name"] for t in provider.requests()[0].get("tools") or []]
    assert "code_interpreter" in offered, f"the model should be offered code_interpreter, got {offered}"

    # As the tutorial does: every image_file part, downloaded and written to chart.png.
    messages = client.beta.threads.messages.list(thread_id=thread.id)
    saved = []
    for message in messages:
        for content in message.content:
            if content.type == "image_file":
                image_data = client.files.content(content.image_file.file_id)
                chart = tmp_path / "chart.png"
                with open(chart, "wb") as f:
                    f.write(image_data.read())
                saved.append(chart)
    assert len(saved) == 1, "the answer should hold exactly the one chart"
    width, height = png_size(saved[0].read_bytes())
    assert width >= 300 and height >= 200, f"the chart should be a real figure, got {width}x{height}"

    answer = messages.data[0]
    assert answer.role == "assistant"
    assert text_of(answer).startswith("Revenue totals 600")
    text = next(part.text for part in answer.content if part.type == "text")
    links = [a for a in text.annotations if a.type == "file_path"]
    assert len(links) == 1, f"the sandbox link should be a file_path annotation, got {text.annotations}"
    assert links[0].text == "sandbox:/mnt/data/trend.csv"
    written = client.files.content(links[0].file_path.file_id).read().decode()
    assert written == SALES, "the linked file is the one the code wrote"
    assert client.files.retrieve(links[0].file_path.file_id).purpose == "assistants_output"

    # The run step shows the code, its logs and its image.
    steps = client.beta.threads.runs.steps.list(thread_id=thread.id, run_id=run.id)
    calls = [call for step in steps if step.type == "tool_calls" for call in step.step_details.tool_calls]
    assert [call.type for call in calls] == ["code_interpreter"]
    code = calls[0].code_interpreter
    assert code.input == ANALYSIS
    kinds = [output.type for output in code.outputs]
    assert kinds == ["logs", "image"], f"outputs should be the logs then the chart, got {kinds}"
    assert "total revenue 600" in code.outputs[0].logs
    image_part = next(part for part in answer.content if part.type == "image_file")
    assert code.outputs[1].image.file_id == image_part.image_file.file_id

    # A follow-up in the same thread uses what the first call left in the session.
    provider.push(
        call_script(("call_ci2", "code_interpreter", code_pieces("print(total / 4)"))),
        text_script("The monthly average is 150."),
    )
    client.beta.threads.messages.create(thread.id, role="user", content="What is the monthly average?")
    second = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert second.status == "completed", f"run ended {second.status}: {second.last_error}"
    steps = client.beta.threads.runs.steps.list(thread_id=thread.id, run_id=second.id)
    follow_up = [call for step in steps if step.type == "tool_calls" for call in step.step_details.tool_calls]
    assert follow_up[0].code_interpreter.outputs[0].logs.strip() == "150.0"


class Recorder(AssistantEventHandler):
    def __init__(self):
        super().__init__()
        self.inputs: list[str] = []
        self.logs: list[str] = []
        self.images: list[str] = []

    def on_tool_call_delta(self, delta, snapshot):
        if delta.type != "code_interpreter" or delta.code_interpreter is None:
            return
        if delta.code_interpreter.input:
            self.inputs.append(delta.code_interpreter.input)
        for output in delta.code_interpreter.outputs or []:
            if output.type == "logs":
                self.logs.append(output.logs)
            elif output.type == "image":
                self.images.append(output.image.file_id)


def test_the_code_and_its_outputs_stream_as_the_sdk_expects(client, provider, docs):
    provider.push(
        call_script(("call_ci1", "code_interpreter", code_pieces(ANALYSIS))),
        text_script("Here is the trend."),
    )
    uploaded = sales_file(client, docs)
    assistant = analyst(client)
    thread = client.beta.threads.create()
    client.beta.threads.messages.create(
        thread.id,
        role="user",
        content="Analyze this sales data and create a trend chart",
        attachments=[{"file_id": uploaded.id, "tools": [{"type": "code_interpreter"}]}],
    )
    recorder = Recorder()
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id, event_handler=recorder) as stream:
        stream.until_done()
    run = recorder.current_run
    assert run is not None and run.status == "completed", f"run ended {run and run.status}"
    assert len(recorder.inputs) > 1, "the code should stream in pieces as the model writes it"
    assert "".join(recorder.inputs) == ANALYSIS
    assert any("total revenue 600" in logs for logs in recorder.logs)
    assert len(recorder.images) == 1
    final = recorder.get_final_messages()[-1]
    kinds = [part.type for part in final.content]
    assert kinds == ["image_file", "text"], f"the streamed answer should show the chart then text, got {kinds}"
    assert final.content[0].image_file.file_id == recorder.images[0]
