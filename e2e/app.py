"""What a person does in the window, as small steps the flows are written in."""

import time

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

MODEL = "gpt-4o-mini"


def find(driver, test_id: str):
    return driver.find_element(By.CSS_SELECTOR, f"[data-testid={test_id}]")


def find_all(driver, test_id: str):
    return driver.find_elements(By.CSS_SELECTOR, f"[data-testid={test_id}]")


def wait(driver, condition, timeout: float = 20, message=""):
    """Waits until `condition` holds. `message` may be a function of the driver: what the window showed
    when the wait gave up. An element replaced while it is read is read again on the next poll."""
    waiting = WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,))
    try:
        return waiting.until(lambda d: condition(d), "" if callable(message) else message)
    except TimeoutException:
        if not callable(message):
            raise
        try:
            shown = message(driver)
        except Exception as error:  # the timeout is what matters
            shown = f"(could not read the window: {error})"
        raise TimeoutException(shown) from None


def wait_for(driver, test_id: str, timeout: float = 20):
    return wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"[data-testid={test_id}]"), timeout, f"no {test_id}")[0]


def type_into(element, text: str) -> None:
    element.clear()
    element.send_keys(text)


def open_settings(driver) -> None:
    find(driver, "nav-settings").click()
    wait_for(driver, "provider-openai")


def set_up_openai(driver, base_url: str, key: str) -> None:
    """Points the OpenAI provider at `base_url` and stores `key`, through Settings."""
    open_settings(driver)
    type_into(find(driver, "provider-openai-url"), base_url)
    find(driver, "provider-openai-save-url").click()
    wait(driver, lambda d: not find(d, "provider-openai-save-url").is_enabled(), message="the URL was not saved")
    type_into(find(driver, "provider-openai-key"), key)
    find(driver, "provider-openai-save-key").click()
    wait(driver, lambda d: find(d, "provider-openai-state").text == "Ready", message="the provider did not become ready")


def create_assistant(driver, name: str, instructions: str = "Answer briefly.", function: bool = False) -> None:
    find(driver, "new-assistant").click()
    wait_for(driver, "assistant-editor")
    type_into(find(driver, "assistant-name"), name)
    type_into(find(driver, "assistant-instructions"), instructions)
    type_into(find(driver, "assistant-model"), MODEL)
    if function:
        find(driver, "add-function").click()
    find(driver, "save-assistant").click()
    wait(
        driver,
        lambda d: any(name in e.text for e in find_all(d, "assistant-item")),
        message="the assistant is not listed; the window says: "
        + " | ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, "[role=alert]")),
    )


def start_thread_with(driver, assistant: str) -> None:
    for item in find_all(driver, "assistant-item"):
        if assistant in item.text:
            item.click()
            break
    else:
        raise AssertionError(f"no assistant named {assistant}")
    wait_for(driver, "composer")


def send(driver, text: str) -> None:
    composer = find(driver, "composer")
    composer.send_keys(text)
    composer.send_keys(Keys.ENTER)


def assistant_texts(driver) -> list[str]:
    return [e.find_element(By.CSS_SELECTOR, ".markdown").text.strip() for e in find_all(driver, "message-assistant")]


def run_status(driver) -> str:
    elements = find_all(driver, "run-status")
    return elements[0].get_attribute("data-status") if elements else ""


def wait_for_run(driver, status: str = "completed", timeout: float = 30) -> None:
    wait(driver, lambda d: run_status(d) == status, timeout, f"the run did not reach {status} (it is {run_status(driver)!r})")


def watch_stream(driver, until: str, timeout: float = 30) -> list[str]:
    """The distinct texts the last answer showed while it was written, until it equals `until`."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        texts = assistant_texts(driver)
        if texts and (not seen or seen[-1] != texts[-1]):
            seen.append(texts[-1])
        if texts and texts[-1] == until:
            return seen
        time.sleep(0.05)
    raise AssertionError(f"the answer never became {until!r}; it showed {seen}")


def thread_named(driver, words: str):
    """The thread-list row whose title contains `words`, or None. Titles are cut with an ellipsis
    on screen, so the whole title is read from the row's tooltip."""
    for row in find_all(driver, "thread-item"):
        if words in (row.get_attribute("title") or ""):
            return row
    return None
