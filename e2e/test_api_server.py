"""Settings → "Let programs on this computer use Hearth": the app serves the Assistants API itself.
A script (plain HTTP here, as any SDK would send it) uses the address and token the window shows,
and what it makes — an assistant, a thread, a run — appears in the window while it happens."""

import json
import secrets
import urllib.error
import urllib.request

from app import (
    assistant_texts,
    find,
    find_all,
    open_settings,
    run_status,
    set_up_openai,
    thread_named,
    wait,
    wait_for,
    wait_for_run,
)
from conftest import screenshot


def call(base_url: str, token: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    """One request as the SDKs make it; the status and the JSON answer."""
    request = urllib.request.Request(
        base_url + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "OpenAI-Beta": "assistants=v2",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def turn_on(driver) -> tuple[str, str, str]:
    """Turns the server on in Settings; the base URL, port and token the window shows."""
    section = wait_for(driver, "api-server")
    driver.execute_script("arguments[0].scrollIntoView()", section)
    toggle = find(driver, "api-server-toggle")
    assert not toggle.is_selected(), "the server is off until turned on"
    screenshot(driver, "settings-api-server-off")
    toggle.click()
    base_url = wait_for(driver, "api-server-url").text
    token = wait_for(driver, "api-server-token").text
    port = find(driver, "api-server-port").text
    driver.execute_script("arguments[0].scrollIntoView()", find(driver, "api-server"))
    screenshot(driver, "settings-api-server-on")
    return base_url, port, token


def test_a_script_uses_the_apps_own_server_and_the_window_shows_it_live(home, provider):
    with home.launch() as driver:
        set_up_openai(driver, provider.base_url, "sk-hearth-e2e-" + secrets.token_hex(12))
        base_url, port, token = turn_on(driver)
        assert base_url == f"http://127.0.0.1:{port}/v1", base_url
        assert token.startswith("hearth-") and len(token) > 40, "a long random token is shown"

        status, body = call(base_url, "not-the-token", "GET", "/assistants")
        assert status == 401, f"a request without the token is refused: {status} {body}"

        status, assistant = call(
            base_url, token, "POST", "/assistants", {"model": "gpt-4o-mini", "name": "Made by a script"}
        )
        assert status == 200, assistant
        wait(
            driver,
            lambda d: any("Made by a script" in e.text for e in find_all(d, "assistant-item")),
            message="the assistant the script made is not in the window's list",
        )
        screenshot(driver, "api-server-assistant-listed")

        status, thread = call(
            base_url, token, "POST", "/threads", {"messages": [{"role": "user", "content": "Count slowly for me"}]}
        )
        assert status == 200, thread
        row = wait(driver, lambda d: thread_named(d, "Count slowly"), message="the script's thread is not listed")
        row.click()
        wait(driver, lambda d: any("Count slowly" in e.text for e in find_all(d, "message-user")))

        words = [f"n{i} " for i in range(24)]
        provider.push({"text": words, "delay_ms": 250})
        status, run = call(base_url, token, "POST", f"/threads/{thread['id']}/runs", {"assistant_id": assistant["id"]})
        assert status == 200, run
        # Seen while it runs, not only once it is over.
        wait(
            driver,
            lambda d: run_status(d) == "in_progress" and assistant_texts(d) and assistant_texts(d)[-1],
            message="the script's run is not shown while it streams",
        )
        screenshot(driver, "api-server-run-live")
        wait_for_run(driver, timeout=40)
        wait(driver, lambda d: assistant_texts(d) and assistant_texts(d)[-1] == "".join(words).strip())

    # Remembered across a restart: on again at the same address, the token not shown again.
    with home.launch() as driver:
        open_settings(driver)
        wait(driver, lambda d: find_all(d, "api-server-url") and find(d, "api-server-url").text == base_url)
        assert find(driver, "api-server-toggle").is_selected()
        assert not find_all(driver, "api-server-token"), "the token is shown only once"
        status, listed = call(base_url, token, "GET", "/assistants")
        assert status == 200 and any(a["id"] == assistant["id"] for a in listed["data"]), listed
        driver.execute_script("arguments[0].scrollIntoView()", find(driver, "api-server"))
        screenshot(driver, "settings-api-server-after-restart")
        find(driver, "api-server-toggle").click()
        wait(driver, lambda d: not find_all(d, "api-server-url"))
        try:
            call(base_url, token, "GET", "/assistants")
            raise AssertionError("nothing should listen once it is turned off")
        except urllib.error.URLError:
            pass
