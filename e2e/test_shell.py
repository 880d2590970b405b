"""The app's frame: it starts, renders in both themes, talks to Rust, logs, remembers its window and
hands a second launch over to the running one."""

import subprocess
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import app_binary, cargo_version, screenshot, wait_for_app_to_exit

DARK = {"GTK_THEME": "Adwaita:dark"}


def background_luminance(driver) -> float:
    """Relative brightness (0 black … 1 white) of the page background the user sees."""
    rgb = driver.execute_script(
        "const c = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number);"
        "return [c[0], c[1], c[2]];"
    )
    return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255


def text_of(driver, test_id: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, f"[data-testid={test_id}]").text


def open_settings(driver) -> str:
    driver.find_element(By.CSS_SELECTOR, "[data-testid=nav-settings]").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-testid=app-version]"))
    return text_of(driver, "app-version")


def test_frame_renders_with_honest_empty_states_in_light_theme(home):
    with home.launch() as driver:
        assert driver.title == "Hearth"
        assert "No assistants yet" in text_of(driver, "assistants-empty")
        assert "No threads" in text_of(driver, "threads-empty")
        assert "No assistant yet" in text_of(driver, "thread-empty")
        assert background_luminance(driver) > 0.8, "the light theme should have a light background"
        screenshot(driver, "home-light")
        open_settings(driver)
        screenshot(driver, "settings-light")


def test_frame_follows_a_dark_os_theme(home):
    with home.launch(DARK) as driver:
        assert background_luminance(driver) < 0.2, "with a dark OS theme the background should be dark"
        assert "No assistants yet" in text_of(driver, "assistants-empty")
        screenshot(driver, "home-dark")
        open_settings(driver)
        screenshot(driver, "settings-dark")


def test_settings_show_the_version_reported_by_rust(home):
    with home.launch() as driver:
        assert open_settings(driver) == f"Hearth {cargo_version()}"
        log_dir = text_of(driver, "log-dir")
        assert log_dir.startswith(str(home.root)), "the log folder should be inside this installation's XDG folders"


def test_start_up_is_logged_to_a_file_in_the_os_log_folder(home):
    with home.launch() as driver:
        open_settings(driver)
        log_dir = text_of(driver, "log-dir")
    logs = list(__import__("pathlib").Path(log_dir).glob("hearth*.log"))
    assert logs, f"no log file was written under {log_dir}"
    assert f"Hearth {cargo_version()} started" in logs[0].read_text()


def test_a_second_launch_hands_over_to_the_running_window(home):
    with home.launch() as driver:
        started = time.monotonic()
        second = subprocess.run([app_binary()], env=home.env, timeout=60, capture_output=True)
        assert second.returncode == 0, f"the second launch failed: {second.stderr.decode(errors='replace')[-2000:]}"
        assert time.monotonic() - started < 30, "the second launch should exit instead of opening a window"
        # The first window is still there and still answers.
        assert "No assistants yet" in text_of(driver, "assistants-empty")
        assert len(driver.window_handles) == 1


def window_geometry(window_id: str) -> tuple[int, int, int, int]:
    """x, y, width, height of an X window, as the X server reports it."""
    shell = subprocess.run(
        ["xdotool", "getwindowgeometry", "--shell", window_id], capture_output=True, text=True, check=True
    ).stdout
    values = dict(line.split("=", 1) for line in shell.split())
    return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])


def find_main_window() -> str:
    found = subprocess.run(
        ["xdotool", "search", "--sync", "--onlyvisible", "--name", "^Hearth$"],
        capture_output=True, text=True, timeout=30, check=True,
    )
    return found.stdout.split()[0]


def test_window_size_and_position_are_remembered_even_after_a_forced_quit(home):
    # Driven through the X server rather than WebDriver: under automation the window-state plugin does
    # not see the window, while a person's launch is exactly this.
    wait_for_app_to_exit()
    app = subprocess.Popen([app_binary()], env=home.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        window = find_main_window()
        assert window_geometry(window)[2:] != (900, 600), "the first launch should use the default size"
        subprocess.run(["xdotool", "windowsize", "--sync", window, "900", "600"], check=True, timeout=10)
        subprocess.run(["xdotool", "windowmove", "--sync", window, "100", "50"], check=True, timeout=10)
        time.sleep(1.5)  # the state is saved once the window has settled
    finally:
        app.kill()  # no clean exit: the state must already be on disk
        app.wait()
    wait_for_app_to_exit()

    app = subprocess.Popen([app_binary()], env=home.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        window = find_main_window()
        time.sleep(1)  # let the restored geometry apply before reading it
        assert window_geometry(window) == (100, 50, 900, 600), "the window should reopen where it was left"
    finally:
        app.terminate()
        app.wait()
