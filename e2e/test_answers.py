"""What an answer can hold, in the real window: a question to an assistant with the code interpreter on a
hearth-server, through a remote profile (the scripted model writes the code, real Python runs it in the
server's sandbox) — the chart inline and enlarged, the file it wrote as a chip, and the run inspector's
code, logs and image; and an answer of an assistant with file_search whose citation marker is a
numbered button that opens the cited passage.

"Save image as…" and "Save file as…" go through the system's GTK save dialog, driven with xdotool (it
is out of WebDriver's reach); what is saved must be the bytes of `files.content`."""

import json
import subprocess
import time
import urllib.request

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app import MODEL, find, find_all, open_settings, send, start_thread_with, type_into, wait, wait_for, wait_for_run
from conftest import HearthServer, screenshot

CHART_CODE = (
    "import matplotlib.pyplot as plt\n"
    "plt.plot([1, 2, 3, 4], [12, 30, 24, 41], marker='o')\n"
    "plt.title('Weekly signups')\n"
    "open('/mnt/data/signups.csv', 'w').write('week,signups\\n1,12\\n2,30\\n3,24\\n4,41\\n')\n"
    "print('plotted 4 weeks')\n"
    "plt.show()\n"
)


@pytest.fixture
def server(tmp_path, provider, monkeypatch):
    """A hearth-server that can run code. When the tests run as root the sandbox runs as `nobody`,
    which must reach its session folder; the keyring wrapper's private temporary folder (and the test's
    own folders inside it) are root's alone, so the server gets the system's shared one."""
    monkeypatch.setenv("TMPDIR", "/tmp")
    server = HearthServer(tmp_path / "server-data", provider, tmp_path / "server.log")
    server.start()
    yield server
    server.stop()


def api(server, method: str, path: str, body: dict | None = None) -> dict:
    """One call to the server's Assistants API, as an SDK would make it."""
    request = urllib.request.Request(
        f"{server.url}/v1{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {server.token}",
            "OpenAI-Beta": "assistants=v2",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def create_analyst(server, provider) -> None:
    """An assistant with the code interpreter, made on the server (the editor has no switch for it
    yet), and the scripted model's two turns: the chart's code, then an answer linking a file."""
    arguments = json.dumps({"code": CHART_CODE})
    provider.push(
        {"tool_calls": [{"id": "call_chart", "name": "code_interpreter", "arguments": [arguments]}], "usage": [20, 8]},
        {"text": ["Signups peaked in week 4. ", "The numbers: [signups.csv](sandbox:/mnt/data/signups.csv)"], "usage": [10, 5]},
    )
    api(server, "POST", "/assistants", {"model": MODEL, "name": "Analyst", "tools": [{"type": "code_interpreter"}]})


def file_content(server, file_id: str) -> bytes:
    """`GET /v1/files/{file_id}/content`, the bytes a saved file must equal."""
    request = urllib.request.Request(
        f"{server.url}/v1/files/{file_id}/content", headers={"Authorization": f"Bearer {server.token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def save_in_dialog(title: str, path) -> None:
    """Types `path` into the save dialog titled `title` and confirms it (the dialog is GTK's own window)."""
    deadline = time.monotonic() + 20
    focused = False
    while time.monotonic() < deadline and not focused:
        found = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", title], capture_output=True, text=True)
        # The dialog's window may be listed a moment before it can take the focus.
        for window in found.stdout.split():
            if subprocess.run(["xdotool", "windowfocus", "--sync", window], capture_output=True).returncode == 0:
                focused = True
                break
        time.sleep(0.2)
    assert focused, f"the save dialog {title!r} did not open"
    time.sleep(0.5)
    subprocess.run(["xdotool", "key", "ctrl+a", "BackSpace"], check=True)
    subprocess.run(["xdotool", "type", "--delay", "20", str(path)], check=True)
    time.sleep(0.3)
    subprocess.run(["xdotool", "key", "Return"], check=True)


def use_remote_profile(driver, server) -> None:
    open_settings(driver)
    type_into(find(driver, "remote-name"), "Team server")
    type_into(find(driver, "remote-url"), server.url + "/v1")
    type_into(find(driver, "remote-token"), server.token)
    find(driver, "add-remote").click()
    wait(driver, lambda d: len(find_all(d, "profile-item")) == 2)
    [use] = find_all(driver, "use-profile")
    use.click()
    wait(driver, lambda d: "In use" in find_all(d, "profile-item")[1].text)


def shown_image(driver):
    """The answer's inline image once its bytes have loaded and decoded, else None."""
    for image in driver.find_elements(By.CSS_SELECTOR, "[data-testid=message-assistant] [data-testid=file-image] img"):
        if driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image):
            return image
    return None


def test_an_answer_shows_its_chart_inline_and_its_file_as_a_chip(home, provider, server, tmp_path):
    create_analyst(server, provider)
    with home.launch() as driver:
        use_remote_profile(driver, server)
        wait(driver, lambda d: any("Analyst" in e.text for e in find_all(d, "assistant-item")), timeout=30)
        start_thread_with(driver, "Analyst")
        send(driver, "Chart the weekly signups")
        wait_for_run(driver, timeout=120)

        image = wait(driver, shown_image, timeout=30, message="the chart should appear in the answer")
        width = driver.execute_script("return arguments[0].naturalWidth", image)
        assert width >= 300, f"the chart should be a real figure, got {width} px wide"
        assert image.get_attribute("src").startswith("blob:"), "the image is served from the app's own bytes"
        column = find_all(driver, "message-assistant")[-1].size["width"]
        assert image.size["width"] <= column, "the image is fitted to the column"

        answer = find_all(driver, "message-assistant")[-1]
        assert "sandbox:" not in answer.text
        chip = wait_for(driver, "file-chip")
        csv_bytes = len("week,signups\n1,12\n2,30\n3,24\n4,41\n")
        try:
            wait(driver, lambda d: "signups.csv" in chip.text and f"{csv_bytes} bytes" in chip.text)
        except Exception:
            raise AssertionError(f"the file chip should name the file and its size: {chip.text!r}")
        assert "Save file as…" in chip.text
        assert "Save image as…" in answer.text
        driver.execute_script("arguments[0].scrollIntoView({block: 'end'})", chip)
        screenshot(driver, "answer-with-chart")

        image.click()
        dialog = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[role=dialog]"))[0]
        assert dialog.find_element(By.TAG_NAME, "img").get_attribute("src") == image.get_attribute("src")
        screenshot(driver, "chart-enlarged")
        driver.switch_to.active_element.send_keys(Keys.ESCAPE)
        wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "[role=dialog]"), message="Esc should close it")

        # Save image as…: the suggested name is the chart's own; the saved bytes are the file's.
        saved = tmp_path / "saved"
        saved.mkdir()
        chart_id = find_all(driver, "message-assistant")[-1].find_element(By.CSS_SELECTOR, "[data-testid=file-image]").get_attribute("data-file-id")
        answer.find_element(By.XPATH, ".//button[text()='Save image as…']").click()
        save_in_dialog("Save chart-1.png as", saved / "weekly-chart.png")
        wait(driver, lambda d: "Saved to " + str(saved / "weekly-chart.png") in answer.text, message="the window should say where it saved")
        assert (saved / "weekly-chart.png").read_bytes() == file_content(server, chart_id)

        chip.find_element(By.XPATH, ".//button[text()='Save file as…']").click()
        save_in_dialog("Save signups.csv as", saved / "signups.csv")
        wait(driver, lambda d: (saved / "signups.csv").exists(), message="the file should be saved")
        assert (saved / "signups.csv").read_bytes() == file_content(server, chip.get_attribute("data-file-id"))
        assert sorted(p.name for p in saved.iterdir()) == ["signups.csv", "weekly-chart.png"], "no temporary file is left"
        screenshot(driver, "saved-chart-and-file")

        find(driver, "toggle-inspector").click()
        code = wait_for(driver, "code-call", timeout=30)
        assert "plt.title('Weekly signups')" in code.text
        assert "plotted 4 weeks" in code.text
        wait(driver, lambda d: code.find_elements(By.CSS_SELECTOR, "[data-testid=file-image] img"))
        screenshot(driver, "inspector-code")


REPORT = (
    "# Puffin survey 2025\n\n"
    "## Counts\n\n"
    "The survey counted 4,812 nesting puffins on the north cliffs, up from 4,390 the year before.\n\n"
    "## Methods\n\n"
    "Burrows were counted from boats at dawn on three calm days in June.\n"
)
QUESTION = "How many nesting puffins did the survey count?"
MARKER = "【0:0†survey.md】"


def upload(server, name: str, data: bytes) -> dict:
    """`POST /v1/files` as a multipart form, the way the SDKs upload."""
    boundary = "hearth-e2e-boundary"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nassistants\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
        "Content-Type: text/markdown\r\n\r\n"
    ).encode() + data + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        f"{server.url}/v1/files",
        method="POST",
        data=body,
        headers={"Authorization": f"Bearer {server.token}", "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def create_researcher(server, provider) -> None:
    """An assistant with file_search over an indexed survey, and the scripted model's two turns: a
    search, then an answer citing the first result with the marker the tool taught it."""
    survey = upload(server, "survey.md", REPORT.encode())
    store = api(server, "POST", "/vector_stores", {"name": "Surveys", "file_ids": [survey["id"]]})
    deadline = time.monotonic() + 60
    while store["file_counts"]["completed"] < 1:
        assert store["file_counts"]["failed"] == 0, f"the survey failed to index: {store}"
        assert time.monotonic() < deadline, "the survey was not indexed in time"
        time.sleep(0.2)
        store = api(server, "GET", f"/vector_stores/{store['id']}")
    api(
        server,
        "POST",
        "/assistants",
        {
            "model": MODEL,
            "name": "Researcher",
            "tools": [{"type": "file_search"}],
            "tool_resources": {"file_search": {"vector_store_ids": [store["id"]]}},
        },
    )
    provider.push(
        {"tool_calls": [{"id": "call_search", "name": "file_search", "arguments": [json.dumps({"queries": [QUESTION]})]}], "usage": [20, 8]},
        {"text": ["The survey counted 4,812 nesting puffins ", MARKER, "."], "usage": [10, 5]},
    )


def test_a_citation_opens_the_passage_it_cites(home, provider, server):
    create_researcher(server, provider)
    with home.launch() as driver:
        use_remote_profile(driver, server)
        wait(driver, lambda d: any("Researcher" in e.text for e in find_all(d, "assistant-item")), timeout=30)
        start_thread_with(driver, "Researcher")
        send(driver, QUESTION)
        wait_for_run(driver, timeout=60)

        answer = find_all(driver, "message-assistant")[-1]
        wait(driver, lambda d: answer.find_elements(By.CSS_SELECTOR, "button.citation"), message="the marker should be a button")
        assert "【" not in answer.text, "the raw marker is not shown"
        [marker] = answer.find_elements(By.CSS_SELECTOR, "button.citation")
        assert marker.text == "1"
        marker.click()

        panel = wait_for(driver, "citation-panel")
        passage = wait_for(driver, "cited-passage", timeout=30)
        assert "4,812 nesting puffins" in passage.text
        assert "survey.md" in panel.text
        screenshot(driver, "citation-passage")
        driver.switch_to.active_element.send_keys(Keys.ESCAPE)
        wait(driver, lambda d: not find_all(d, "citation-panel"), message="Esc should close the passage")


DROPPED_CHART_CODE = (
    "import csv\n"
    "import matplotlib.pyplot as plt\n"
    "rows = list(csv.DictReader(open('/mnt/data/harvest.csv')))\n"
    "crates = [int(row['crates']) for row in rows]\n"
    "plt.bar([row['month'] for row in rows], crates)\n"
    "plt.title('Crates by month')\n"
    "print('total crates', sum(crates))\n"
    "plt.show()\n"
)


def test_a_dropped_csv_is_charted_and_the_chart_saved(home, provider, server, tmp_path):
    """A CSV dragged onto the composer goes to the code interpreter; the code reads it where the
    sandbox keeps the thread's files, and the chart it draws is saved through the save dialog."""
    from drag import drag_files

    data = tmp_path / "harvest.csv"
    data.write_text("month,crates\nJuly,1200\nAugust,2950\nSeptember,3190\n")
    provider.push(
        {"tool_calls": [{"id": "call_csv", "name": "code_interpreter", "arguments": [json.dumps({"code": DROPPED_CHART_CODE})]}], "usage": [20, 8]},
        {"text": ["September filled the most crates."], "usage": [10, 5]},
    )
    api(server, "POST", "/assistants", {"model": MODEL, "name": "Analyst", "tools": [{"type": "code_interpreter"}]})
    with home.launch() as driver:
        use_remote_profile(driver, server)
        wait(driver, lambda d: any("Analyst" in e.text for e in find_all(d, "assistant-item")), timeout=30)
        start_thread_with(driver, "Analyst")
        find(driver, "composer").send_keys("Chart the crates by month")
        drag_files(driver, [data], find(driver, "composer"))
        chip = wait(driver, lambda d: (find_all(d, "attachment-chip") or [None])[0], message="the CSV should be a chip")
        assert "harvest.csv" in chip.text
        assert find(driver, "attachment-tool").get_attribute("value") == "code_interpreter", "a CSV goes to the code interpreter"
        try:
            wait(driver, lambda d: [c.get_attribute("data-phase") for c in find_all(d, "attachment-chip")] == ["ready"], timeout=120)
        except Exception:
            shown = [c.text for c in find_all(driver, "attachment-chip")]
            raise AssertionError(f"the CSV should be uploaded; the chips show {shown!r}") from None
        screenshot(driver, "csv-dropped")

        find(driver, "send").click()
        wait_for_run(driver, timeout=120)
        image = wait(driver, shown_image, timeout=30, message="the chart of the dropped CSV should appear")
        answer = find_all(driver, "message-assistant")[-1]
        assert "September filled the most crates." in answer.text

        saved = tmp_path / "saved"
        saved.mkdir()
        chart_id = answer.find_element(By.CSS_SELECTOR, "[data-testid=file-image]").get_attribute("data-file-id")
        answer.find_element(By.XPATH, ".//button[text()='Save image as…']").click()
        save_in_dialog("Save chart-1.png as", saved / "crates.png")
        wait(driver, lambda d: (saved / "crates.png").exists(), message="the chart should be saved")
        assert (saved / "crates.png").read_bytes() == file_content(server, chart_id)
        screenshot(driver, "csv-charted-and-saved")
        assert image.is_displayed()

    # The code read the dropped file itself: its output went back to the model.
    tool_results = [m for request in provider.requests() for m in request["messages"] if m.get("role") == "tool"]
    assert any("total crates 7340" in str(m.get("content")) for m in tool_results), tool_results
