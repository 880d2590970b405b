"""Flows a person goes through: a provider key into the keychain, an assistant, a streamed chat with a
follow-up, a function call answered by hand, cancelling, a restart, a remote profile used offline,
search, and model output that tries to run script."""

import json
import secrets
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app import (
    assistant_texts,
    create_assistant,
    find,
    find_all,
    open_settings,
    run_status,
    send,
    set_up_openai,
    start_thread_with,
    thread_named,
    type_into,
    wait,
    wait_for,
    wait_for_run,
    watch_stream,
)
from conftest import screenshot

DARK = {"GTK_THEME": "Adwaita:dark"}


def new_key() -> str:
    return "sk-hearth-e2e-" + secrets.token_hex(12)


def files_containing(root: Path, needle: str) -> list[Path]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.name.startswith("tauri-driver"):
            try:
                if needle.encode() in path.read_bytes():
                    found.append(path)
            except OSError:
                pass
    return found


def test_a_provider_key_is_kept_in_the_keychain_and_nowhere_else(home, provider):
    key = new_key()
    with home.launch() as driver:
        set_up_openai(driver, provider.base_url, key)
        assert "kept in the OS keychain" in find(driver, "provider-openai-key-set").text
        assert key not in driver.page_source, "the key must never come back to the window"
        find(driver, "provider-openai-test").click()
        models = wait_for(driver, "provider-openai-models")
        assert models.text.startswith("Connected:"), models.text
        screenshot(driver, "settings-providers-light")
    stored = subprocess.run(
        ["secret-tool", "lookup", "service", "app.hearth.desktop", "username", "provider:openai"],
        capture_output=True,
        text=True,
    )
    entry = json.loads(stored.stdout)
    assert entry["key"] == key, "the key should be in the OS keychain under Hearth's service"
    where = urlsplit(provider.base_url)
    assert entry["origin"] == f"{where.scheme}://{where.hostname}:{where.port}", "the key is bound to the host it was saved for"
    assert files_containing(home.root, key) == [], "the key must not be written to the data, config or log folders"


def test_chat_streams_follows_up_and_is_there_after_a_restart(home, provider):
    with home.launch() as driver:
        set_up_openai(driver, provider.base_url, new_key())
        create_assistant(driver, "Geographer")
        screenshot(driver, "assistant-editor-light")
        start_thread_with(driver, "Geographer")
        provider.push({"text": ["The capital ", "of France ", "is ", "Paris."], "delay_ms": 250, "usage": [31, 7]})
        send(driver, "What is the capital of France?")
        seen = watch_stream(driver, "The capital of France is Paris.")
        assert len(seen) >= 3, f"the answer should appear piece by piece, it showed {seen}"
        wait_for_run(driver)
        assert "31 tokens in · 7 out" in find(driver, "run-usage").text

        provider.push({"text": ["About 2.1 million ", "people."], "delay_ms": 20})
        send(driver, "How many people live there?")
        watch_stream(driver, "About 2.1 million people.")
        follow_up = provider.requests()[-1]["messages"]
        said = [m.get("content") for m in follow_up]
        assert "The capital of France is Paris." in said, "the follow-up must carry the first answer"
        assert said[-1] == "How many people live there?"
        wait_for_run(driver)

        # The thread is listed with its first question as title; a draft is left unsent.
        wait(driver, lambda d: thread_named(d, "capital of France"), message="the thread is not listed by its question")
        find(driver, "composer").send_keys("a thought for later")
        time.sleep(1)
        screenshot(driver, "thread-light")

    with home.launch() as driver:
        thread = wait(driver, lambda d: thread_named(d, "capital of France"))
        thread.click()
        wait(driver, lambda d: assistant_texts(d) == ["The capital of France is Paris.", "About 2.1 million people."])
        wait(driver, lambda d: find(d, "composer").get_attribute("value") == "a thought for later",
             message="the draft should survive the restart")

        # Search finds the answer and jumps to it.
        search = find(driver, "search-input")
        search.send_keys("Pari")
        hit = wait_for(driver, "search-hit")
        assert hit.find_element(By.TAG_NAME, "mark").text.lower().startswith("pari")
        screenshot(driver, "search-light")
        hit.click()
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".message.focused"))


def test_a_function_call_is_answered_by_typing_its_output(home, provider):
    with home.launch() as driver:
        set_up_openai(driver, provider.base_url, new_key())
        create_assistant(driver, "Weather", function=True)
        start_thread_with(driver, "Weather")
        provider.push(
            {"tool_calls": [{"id": "call_w1", "name": "get_weather", "arguments": ['{"city":', ' "Lisbon"}']}]},
            {"text": ["It is ", "21 °C in Lisbon."]},
        )
        send(driver, "Weather in Lisbon?")
        form = wait_for(driver, "tool-outputs")
        assert "get_weather" in form.text and '"city": "Lisbon"' in form.text
        assert run_status(driver) == "requires_action"
        screenshot(driver, "function-call-light")
        find(driver, "tool-output").send_keys('{"temperature": 21}')
        find(driver, "submit-outputs").click()
        watch_stream(driver, "It is 21 °C in Lisbon.")
        wait_for_run(driver)
        answered = provider.requests()[-1]["messages"]
        assert any(m.get("role") == "tool" and m.get("content") == '{"temperature": 21}' for m in answered)

        find(driver, "toggle-inspector").click()
        inspector = wait_for(driver, "inspector")
        wait(driver, lambda d: len(find_all(d, "inspector-step")) >= 2)
        assert "get_weather" in inspector.text and '"temperature": 21' in inspector.text
        screenshot(driver, "run-steps-light")


def test_a_slow_run_is_cancelled_with_escape(home, provider):
    with home.launch() as driver:
        set_up_openai(driver, provider.base_url, new_key())
        create_assistant(driver, "Slow")
        start_thread_with(driver, "Slow")
        provider.push({"text": [f"word{i} " for i in range(60)], "delay_ms": 400})
        send(driver, "Take your time.")
        wait(driver, lambda d: assistant_texts(d) and assistant_texts(d)[-1].startswith("word0"))
        assert "still answering" in find(driver, "busy-note").text
        assert not find(driver, "send").is_enabled(), "sending waits while the thread is busy"
        find(driver, "composer").send_keys(Keys.ESCAPE)
        wait_for_run(driver, "cancelled", timeout=15)
        shown = assistant_texts(driver)[-1]
        time.sleep(1.5)
        assert assistant_texts(driver)[-1] == shown, "no text may arrive after the run was cancelled"
        assert "word59" not in shown
        wait(driver, lambda d: provider.state()["disconnects"] >= 1, message="the model call should be closed")


def test_model_output_that_tries_to_run_script_is_inert(home, provider):
    payload = (
        'Look: <img src=x onerror="document.title=\'pwned\'"> and '
        "[click me](javascript:document.title='pwned') "
        "<script>document.title='pwned'</script>"
    )
    with home.launch() as driver:
        set_up_openai(driver, provider.base_url, new_key())
        create_assistant(driver, "Mirror")
        start_thread_with(driver, "Mirror")
        provider.push({"text": [payload]})
        send(driver, "Say something dangerous.")
        wait_for_run(driver)
        answer = find_all(driver, "message-assistant")[-1]
        assert answer.find_elements(By.TAG_NAME, "img") == []
        assert answer.find_elements(By.TAG_NAME, "script") == []
        for link in answer.find_elements(By.TAG_NAME, "a"):
            assert not (link.get_attribute("href") or "").lower().startswith("javascript:")
            link.click()
        time.sleep(0.5)
        assert driver.title == "Hearth", "no model-written script may run"
        assert "<img src=x" in answer.text, "the raw HTML is shown as text"


def test_a_remote_profile_stays_readable_and_searchable_offline(home, provider, server):
    with home.launch() as driver:
        open_settings(driver)
        type_into(find(driver, "remote-name"), "Team server")
        type_into(find(driver, "remote-url"), server.url + "/v1")
        type_into(find(driver, "remote-token"), server.token)
        find(driver, "add-remote").click()
        wait(driver, lambda d: len(find_all(d, "profile-item")) == 2)
        [use] = find_all(driver, "use-profile")
        use.click()
        wait(driver, lambda d: "In use" in find_all(d, "profile-item")[1].text)
        create_assistant(driver, "Team helper")
        start_thread_with(driver, "Team helper")
        provider.push({"text": ["The deploy ", "window is ", "Thursday."]})
        send(driver, "When is the deploy window?")
        wait_for_run(driver)
        assert assistant_texts(driver)[-1] == "The deploy window is Thursday."
        wait(driver, lambda d: thread_named(d, "deploy window"))

    server.stop()
    with home.launch() as driver:
        banner = wait_for(driver, "offline-banner", timeout=30)
        assert server.url in banner.text
        assert not find(driver, "new-assistant").is_enabled()
        thread = wait(driver, lambda d: thread_named(d, "deploy window"))
        thread.click()
        wait(driver, lambda d: assistant_texts(d) == ["The deploy window is Thursday."])
        assert not find(driver, "send").is_enabled()
        screenshot(driver, "offline-light")
        find(driver, "search-input").send_keys("thursd")
        hit = wait_for(driver, "search-hit")
        assert "Thursday" in hit.text


def test_main_screens_in_the_dark_theme(home, provider):
    with home.launch(DARK) as driver:
        set_up_openai(driver, provider.base_url, new_key())
        screenshot(driver, "settings-providers-dark")
        create_assistant(driver, "Night owl", function=True)
        screenshot(driver, "assistant-editor-dark")
        start_thread_with(driver, "Night owl")
        provider.push({"text": ["Here is code:\n\n```python\nprint('hi')\n```\n"], "usage": [12, 9]})
        send(driver, "Show me code.")
        wait_for_run(driver)
        find(driver, "toggle-inspector").click()
        wait_for(driver, "inspector-step")
        screenshot(driver, "thread-dark")
        find(driver, "search-input").send_keys("code")
        wait_for(driver, "search-hit")
        screenshot(driver, "search-dark")
