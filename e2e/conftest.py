"""Drives the real Hearth window through tauri-driver and WebKitWebDriver.

Every launch gets its own tauri-driver and its own XDG folders, so a test sees a fresh install unless it
reuses a folder on purpose (a restart). The suite runs under Xvfb in a private D-Bus session with an
unlocked test keyring; scripts/e2e.sh sets that up.
"""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import urllib3
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.options import ArgOptions
from selenium.webdriver.support.ui import WebDriverWait

REPO = Path(__file__).resolve().parent.parent
# The scripted model server and hearth-server are driven the same way as in the SDK suite.
sys.path.insert(0, str(REPO / "e2e-sdk"))
from processes import HearthServer, ScriptedProvider  # noqa: E402
SCREENSHOTS = Path(os.environ.get("HEARTH_SCREENSHOTS", REPO / "e2e" / "screenshots"))


def app_binary() -> str:
    path = os.environ.get("HEARTH_APP")
    assert path and Path(path).is_file(), "HEARTH_APP must name the built debug binary (scripts/e2e.sh sets it)"
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_app_to_exit(timeout: float = 60) -> None:
    """Waits until no instance of the app runs. All launches share one D-Bus session, where the
    single-instance plugin holds its name until the app has fully exited: a launch made earlier
    would hand over to the dying instance and quit at once. An instance still there after `timeout`
    (its window was closed by the previous test) is killed, with a warning, so one slow exit does not
    fail every later test."""
    deadline = time.monotonic() + timeout
    pattern = f"^{app_binary()}$"
    while time.monotonic() < deadline:
        if subprocess.run(["pgrep", "-f", pattern], capture_output=True).returncode != 0:
            return
        time.sleep(0.1)
    print(f"warning: the previous app instance was still exiting after {timeout}s; killing it", file=sys.stderr)
    subprocess.run(["pkill", "-KILL", "-f", pattern], check=False)
    time.sleep(1)


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "tauri-driver exited during start-up"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"tauri-driver did not listen on port {port} within {timeout}s")


def new_session(port: int, options: ArgOptions) -> webdriver.Remote:
    """Opens the WebDriver session, which starts the app. The single-instance plugin's D-Bus name can
    outlive the previous instance's process by a moment; a launch in that moment hands over and quits
    at once, and WebKitWebDriver then drops the session request unanswered. That case gets one more
    try after a pause; any other failure, or a second drop, fails the test."""
    executor = f"http://127.0.0.1:{port}"
    try:
        return webdriver.Remote(command_executor=executor, options=options)
    except urllib3.exceptions.ProtocolError as error:
        print(f"warning: the session request was dropped ({error}); trying once more", file=sys.stderr)
        wait_for_app_to_exit()
        time.sleep(2)
        return webdriver.Remote(command_executor=executor, options=options)


class Home:
    """One installation's folders: what survives between launches of the app."""

    def __init__(self, root: Path):
        self.root = root
        self.env = dict(os.environ)
        for name in ("DATA", "CONFIG", "CACHE", "STATE"):
            folder = root / name.lower()
            folder.mkdir(parents=True, exist_ok=True)
            self.env[f"XDG_{name}_HOME"] = str(folder)

    @contextmanager
    def launch(self, extra_env: dict | None = None):
        """Starts the app in a WebDriver session and yields the driver."""
        env = {**self.env, **(extra_env or {})}
        wait_for_app_to_exit()
        port, native_port = free_port(), free_port()
        log = open(self.root / f"tauri-driver-{port}.log", "w")
        driver_process = subprocess.Popen(
            ["tauri-driver", "--port", str(port), "--native-port", str(native_port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        driver = None
        try:
            # tauri-driver proxies to WebKitWebDriver, which starts on the native port a moment later;
            # a session requested before both listen is dropped.
            wait_for_port(port, driver_process)
            wait_for_port(native_port, driver_process)
            options = ArgOptions()
            options.set_capability("tauri:options", {"application": app_binary()})
            driver = new_session(port, options)
            WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=sidebar]"))
            try:
                yield driver
            except BaseException:
                # What the window showed when the test failed, next to the suite's screenshots.
                failed = Path(os.environ.get("PYTEST_CURRENT_TEST", "test").split(" ")[0].split("::")[-1])
                try:
                    capture_window(driver, self.root / f"failed-{failed}.png")
                except Exception as error:  # the test's own failure is what matters
                    print(f"no screenshot of the failure: {error}", file=sys.stderr)
                raise
        finally:
            if driver is not None:
                try:
                    driver.quit()
                except Exception:
                    pass  # the window may already be gone when a test closed it
            driver_process.terminate()
            try:
                driver_process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                driver_process.kill()
            log.close()


@pytest.fixture
def home(tmp_path) -> Home:
    return Home(tmp_path)


def largest_window(ids: list[str]) -> str:
    """The biggest of these X windows: the app's own, not a tooltip or drag image that carries its
    name too."""

    def area(window: str) -> int:
        shown = subprocess.run(["xdotool", "getwindowgeometry", "--shell", window], capture_output=True, text=True).stdout
        values = dict(line.split("=", 1) for line in shown.splitlines() if "=" in line)
        return int(values.get("WIDTH", 0)) * int(values.get("HEIGHT", 0))

    return max(ids, key=area)


def capture_window(driver, path: Path) -> None:
    """Saves what the app's window shows, as the X server has it. WebDriver's own screenshot waits for
    the page's next repaint, and the app's web view (drawn without compositing layers) does not
    repaint an idle page, so that call can wait forever."""
    # Let the page paint what the test just did.
    driver.execute_async_script("requestAnimationFrame(() => requestAnimationFrame(arguments[0]))")
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", "^Hearth$"], capture_output=True, text=True
    ).stdout.split()
    assert found, "the app's window is not on the screen"
    done = subprocess.run(["import", "-window", largest_window(found), str(path)], capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        # After a drag and drop the X server can refuse to read the window alone ("Resource
        # temporarily unavailable"); the whole screen, where the window is, still reads.
        time.sleep(0.5)
        subprocess.run(["import", "-window", "root", str(path)], check=True, timeout=30)


def screenshot(driver, name: str) -> Path:
    """Saves the window as SCREENSHOTS/name.png for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    capture_window(driver, path)
    assert path.stat().st_size > 0, f"the screenshot {path} could not be saved"
    return path


def cargo_version() -> str:
    for line in (REPO / "Cargo.toml").read_text().splitlines():
        if line.startswith("version = "):
            return line.split('"')[1]
    raise AssertionError("Cargo.toml has no package version")


@pytest.fixture
def provider(tmp_path):
    """A scripted OpenAI-compatible model server on loopback, streaming like the real one."""
    provider = ScriptedProvider(tmp_path)
    yield provider
    provider.process.stop()


@pytest.fixture
def server(tmp_path, provider):
    """A hearth-server answering from the scripted provider, for remote profiles."""
    server = HearthServer(tmp_path / "server-data", provider, tmp_path / "server.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def empty_keychain():
    """Each test starts as a fresh install would: no key or token of Hearth's in the keychain the
    whole suite shares."""
    subprocess.run(["secret-tool", "clear", "service", "app.hearth.desktop"], check=False)
    yield
