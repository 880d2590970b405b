"""Local models in the window: a fresh install with no account answers with the small model that
runs on this computer; a model file is added through the system's file dialog; a model is downloaded
from a server with progress, cancelled and resumed."""

import hashlib
import os
import shutil
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from app import assistant_texts, find, find_all, open_settings, send, type_into, wait, wait_for, wait_for_run
from conftest import screenshot

DEFAULT_MODEL_ID = "SmolLM2-135M-Instruct.Q4_1"
DEFAULT_MODEL_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"


@pytest.fixture(scope="module")
def model_file() -> Path:
    path = Path(os.environ.get("HEARTH_TEST_MODEL", ""))
    assert path.is_file(), "HEARTH_TEST_MODEL must name the default model (scripts/default-model.sh fetches it)"
    return path


def models_folder(home) -> Path:
    return Path(home.env["XDG_DATA_HOME"]) / "app.hearth.desktop" / "models"


def local_model_rows(driver) -> list[str]:
    return [row.text for row in find_all(driver, "local-model")]


def test_a_fresh_install_answers_with_the_local_model(home, model_file):
    # What the run command does on a new machine: the default model into the models folder. No key.
    models_folder(home).mkdir(parents=True)
    shutil.copy(model_file, models_folder(home) / model_file.name)
    with home.launch() as driver:
        hint = wait_for(driver, "local-model-hint").text
        assert DEFAULT_MODEL_ID in hint and "runs on this computer" in hint, hint
        screenshot(driver, "home-local-model-light")
        find(driver, "new-assistant").click()
        wait_for(driver, "assistant-editor")
        model = find(driver, "assistant-model")
        wait(driver, lambda d: model.get_attribute("value") == DEFAULT_MODEL_ID, message="the local model is not preselected")
        note = find(driver, "local-model-note").text
        assert "Runs on this computer" in note and "SmolLM2-135M" in note and "Settings" in note, note

        # A function is something this model cannot call: the editor says so before any run fails.
        find(driver, "add-function").click()
        assert "cannot call functions" in wait_for(driver, "local-model-limits").text
        driver.find_element(By.XPATH, "//button[text()='Remove function']").click()
        assert not find_all(driver, "local-model-limits")

        type_into(find(driver, "assistant-name"), "Pocket")
        find(driver, "save-assistant").click()
        wait(driver, lambda d: any("Pocket" in e.text for e in find_all(d, "assistant-item")), message="not saved")
        screenshot(driver, "assistant-editor-local-light")

        find_all(driver, "assistant-item")[0].click()
        wait_for(driver, "composer")
        send(driver, "Write three sentences about Paris.")
        # The answer is seen growing as the model produces it.
        seen: list[str] = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and run_finished(driver) is None:
            texts = assistant_texts(driver)
            if texts and texts[-1] and (not seen or seen[-1] != texts[-1]):
                seen.append(texts[-1])
            time.sleep(0.05)
        wait_for_run(driver, "completed", timeout=10)
        final = assistant_texts(driver)[-1]
        assert final, "the local model's answer is empty"
        assert len(seen) >= 3, f"the answer should arrive piece by piece; it showed {seen}"
        assert all(final.startswith(partial[: len(partial) // 2]) for partial in seen), seen
        screenshot(driver, "thread-local-model-light")


def run_finished(driver):
    statuses = [e.get_attribute("data-status") for e in find_all(driver, "run-status")]
    return next((s for s in statuses if s in ("completed", "failed", "cancelled", "incomplete", "expired")), None)


def choose_in_file_dialog(path: Path) -> None:
    """Types `path` into the open-file dialog the app shows and confirms it (the dialog is GTK's own
    window, out of WebDriver's reach)."""
    deadline = time.monotonic() + 20
    focused = False
    while time.monotonic() < deadline and not focused:
        found = subprocess.run(
            ["xdotool", "search", "--onlyvisible", "--name", "Add a GGUF model"], capture_output=True, text=True
        )
        # The dialog's window may be listed a moment before it can take the focus.
        for window in found.stdout.split():
            if subprocess.run(["xdotool", "windowfocus", "--sync", window], capture_output=True).returncode == 0:
                focused = True
                break
        time.sleep(0.2)
    assert focused, "the file dialog did not open"
    time.sleep(0.5)
    subprocess.run(["xdotool", "key", "ctrl+l"], check=True)
    subprocess.run(["xdotool", "key", "ctrl+a", "BackSpace"], check=True)
    subprocess.run(["xdotool", "type", "--delay", "20", str(path)], check=True)
    time.sleep(0.3)
    subprocess.run(["xdotool", "key", "Return"], check=True)


def test_a_model_file_is_added_through_the_file_dialog(home, model_file, tmp_path):
    downloads = tmp_path / "my-files"
    downloads.mkdir()
    broken = downloads / "broken.gguf"
    broken.write_bytes(b"this is not a model")
    chosen = downloads / "tiny-copy.gguf"
    shutil.copy(model_file, chosen)
    with home.launch() as driver:
        open_settings(driver)
        wait(driver, lambda d: "No model yet" in find(d, "local-models").text, message="the empty models folder is not shown")

        find(driver, "add-model-file").click()
        choose_in_file_dialog(broken)
        alert = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=local-models] [role=alert]"), 30)[0]
        assert "broken.gguf cannot be used as a model" in alert.text, alert.text
        assert not (models_folder(home) / "broken.gguf").exists(), "a file that is no model must not land in the folder"

        find(driver, "add-model-file").click()
        choose_in_file_dialog(chosen)
        assert "tiny-copy" in wait_for(driver, "model-added", 60).text
        rows = wait(driver, lambda d: local_model_rows(d), 10)
        assert len(rows) == 1 and "tiny-copy" in rows[0] and "135M" in rows[0] and "Q4_1" in rows[0], rows
        assert (models_folder(home) / "tiny-copy.gguf").stat().st_size == chosen.stat().st_size
        assert chosen.exists(), "adding copies the file; the person's own file stays"

        # The new model is offered to assistants at once.
        find(driver, "new-assistant").click()
        wait(driver, lambda d: find(d, "assistant-model").get_attribute("value") == "tiny-copy", message="not offered")


class ModelServer:
    """Serves one file over HTTP on loopback, slowly when asked, with an ETag, honouring `Range`
    (when `If-Range` names that ETag) so a download can resume; records the ranges it was asked
    for."""

    ETAG = '"smollm2-q4_1"'

    def __init__(self, path: Path):
        self.data = path.read_bytes()
        self.slow = False
        self.ranges: list[str | None] = []
        self.if_ranges: list[str | None] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                wanted = self.headers.get("Range")
                server.ranges.append(wanted)
                server.if_ranges.append(self.headers.get("If-Range"))
                if self.headers.get("If-Range", ModelServer.ETAG) != ModelServer.ETAG:
                    wanted = None  # another version: the whole file
                start = int(wanted.split("=")[1].split("-")[0]) if wanted else 0
                body = server.data[start:]
                self.send_response(206 if wanted else 200)
                self.send_header("ETag", ModelServer.ETAG)
                if wanted:
                    self.send_header("Content-Range", f"bytes {start}-{len(server.data) - 1}/{len(server.data)}")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                step = 256 * 1024
                try:
                    for offset in range(0, len(body), step):
                        self.wfile.write(body[offset : offset + step])
                        if server.slow:
                            time.sleep(0.1)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the app cancelled

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/models/SmolLM2-135M-Instruct.Q4_1.gguf"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()


@pytest.fixture
def model_server(model_file):
    server = ModelServer(model_file)
    yield server
    server.stop()


def test_a_model_is_downloaded_with_progress_then_cancelled_and_resumed(home, model_server):
    with home.launch() as driver:
        open_settings(driver)
        form = wait_for(driver, "model-download")
        driver.execute_script("arguments[0].scrollIntoView()", form)

        # Bad input is named before anything is fetched.
        type_into(find(driver, "download-url"), "ftp://example.com/model.gguf")
        type_into(find(driver, "download-sha256"), "abc")
        find(driver, "download-start").click()
        assert "http://" in driver.find_element(By.ID, "download-url-error").text
        assert "64 hexadecimal" in driver.find_element(By.ID, "download-sha256-error").text

        # A file that is not what the checksum says is refused and not kept.
        type_into(find(driver, "download-url"), model_server.url)
        assert find(driver, "download-name").get_attribute("value") == "SmolLM2-135M-Instruct.Q4_1.gguf"
        type_into(find(driver, "download-sha256"), "0" * 64)
        find(driver, "download-start").click()
        alert = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=model-download] [role=alert]"), 60)[0]
        assert "SHA-256" in alert.text and "0" * 64 in alert.text, alert.text
        assert not list(models_folder(home).glob("*.gguf")), "a file with the wrong checksum must not be kept"

        # The right checksum, a slow server: progress shows, Cancel keeps what arrived.
        model_server.slow = True
        model_server.ranges.clear()
        type_into(find(driver, "download-sha256"), DEFAULT_MODEL_SHA256)
        find(driver, "download-start").click()
        progress = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(set(progress)) < 3:
            shown = find_all(driver, "download-progress")
            if shown and "of 98 MB" in shown[0].text:
                progress.append(shown[0].text)
            time.sleep(0.1)
        assert len(set(progress)) >= 3, f"the progress should move while bytes arrive: {progress}"
        screenshot(driver, "settings-model-download-light")
        find(driver, "download-cancel").click()
        cancelled = wait_for(driver, "download-cancelled", 20).text
        assert "kept" in cancelled and "resumes" in cancelled, cancelled

        # Resume asks for the rest only, then checks the whole file.
        model_server.slow = False
        find(driver, "download-start").click()
        assert DEFAULT_MODEL_ID in wait_for(driver, "download-done", 120).text
        assert model_server.ranges[0] is None and model_server.ranges[-1] and model_server.ranges[-1].startswith("bytes="), model_server.ranges
        assert model_server.if_ranges[-1] == ModelServer.ETAG, "the resume names the version it continues"
        rows = wait(driver, lambda d: local_model_rows(d), 10)
        assert any(DEFAULT_MODEL_ID in row for row in rows), rows
        kept = models_folder(home) / "SmolLM2-135M-Instruct.Q4_1.gguf"
        assert hashlib.sha256(kept.read_bytes()).hexdigest() == DEFAULT_MODEL_SHA256
        left = sorted(p.name for p in models_folder(home).iterdir())
        assert left == ["SmolLM2-135M-Instruct.Q4_1.gguf"], f"the partial file and its record should be gone: {left}"
