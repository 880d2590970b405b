"""Documents dragged onto the real window from a file manager (a GTK drag source driven by xdotool, a
real X drag under Xvfb): a PDF dropped on an assistant in the sidebar goes into that assistant's own
vector store and turns its file search on; a PDF dropped on the composer uploads with progress, is
indexed in the thread's store, and the answer to the question sent with it cites it; an empty file is
refused with its name and the reason. The model is the scripted provider; everything else is real."""

import json
import secrets
import sqlite3

from selenium.webdriver.common.by import By

from app import create_assistant, find, find_all, set_up_openai, start_thread_with, wait, wait_for, wait_for_run
from conftest import screenshot
from drag import drag_files, write_pdf

QUESTION = "How many crates did the orchard harvest fill?"
REPORT = [
    "Orchard report 2026",
    "The orchard harvest filled 7,340 crates of apples this autumn.",
    "Pears filled another 1,215 crates.",
]


def chips(driver) -> list:
    return find_all(driver, "attachment-chip")


def chip_phases(driver) -> list[str]:
    return [chip.get_attribute("data-phase") for chip in chips(driver)]


def database(home):
    return sqlite3.connect(home.root / "data" / "app.hearth.desktop" / "hearth.db")


def assistant_row(driver, name: str):
    for item in find_all(driver, "assistant-item"):
        if name in item.text:
            return item.find_element(By.XPATH, "./ancestor::li[1]")
    raise AssertionError(f"no assistant named {name}")


def test_a_pdf_dropped_on_an_assistant_goes_into_its_vector_store(home, provider, tmp_path):
    pdf = write_pdf(tmp_path / "orchard-report.pdf", REPORT)
    with home.launch() as driver:
        set_up_openai(driver, provider.base_url, "sk-hearth-e2e-" + secrets.token_hex(12))
        create_assistant(driver, "Orchard analyst")
        row = assistant_row(driver, "Orchard analyst")
        drag_files(driver, [pdf], row)

        wait(driver, lambda d: chips(d), message="the dropped PDF should be listed under the assistant")
        [chip] = chips(driver)
        assert "orchard-report.pdf" in chip.text
        assert "File search" in chip.text
        screenshot(driver, "documents-assistant-drop")
        wait(driver, lambda d: chip_phases(d) == ["ready"], timeout=60, message=f"the PDF should be indexed ({chip.text})")
        assert "Indexed" in find(driver, "attachment-status").text
        screenshot(driver, "documents-assistant-indexed")

    # What the engine has: the assistant's own store holds the PDF, ready, and file search is on.
    with database(home) as db:
        [(body,)] = db.execute("SELECT body FROM assistants").fetchall()
        assistant = json.loads(body)
        [store_id] = assistant["tool_resources"]["file_search"]["vector_store_ids"]
        assert {"type": "file_search"} in [{"type": tool["type"]} for tool in assistant["tools"]]
        files = db.execute("SELECT status, body FROM vector_store_files WHERE vector_store_id = ?", (store_id,)).fetchall()
        assert [status for status, _ in files] == ["completed"], files
        [(file_body,)] = db.execute("SELECT body FROM files").fetchall()
        assert json.loads(file_body)["filename"] == "orchard-report.pdf"


def test_a_damaged_pdf_dropped_on_an_assistant_fails_with_its_reason(home, provider, tmp_path):
    damaged = tmp_path / "damaged-report.pdf"
    damaged.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    with home.launch() as driver:
        set_up_openai(driver, provider.base_url, "sk-hearth-e2e-" + secrets.token_hex(12))
        create_assistant(driver, "Orchard analyst")
        drag_files(driver, [damaged], assistant_row(driver, "Orchard analyst"))
        wait(driver, lambda d: chips(d), message="the dropped PDF should be listed under the assistant")
        wait(
            driver,
            lambda d: chip_phases(d) == ["failed"],
            timeout=60,
            message=lambda d: f"a damaged PDF should fail; the chips show {[c.text for c in chips(d)]} {chip_phases(d)}",
        )
        [chip] = chips(driver)
        status = find(driver, "attachment-status").text
        assert "damaged-report.pdf" in chip.text and status.startswith("Failed"), (chip.text, status)
        assert len(status) > len("Failed: "), f"the reason should be given in words: {status}"
        assert chip.find_elements(By.CSS_SELECTOR, "[data-testid=attachment-retry]"), "a failed file can be retried"
        assert chip.find_elements(By.CSS_SELECTOR, "[data-testid=attachment-remove]"), "a failed file can be removed"
        screenshot(driver, "documents-assistant-failed")


def test_a_pdf_dropped_on_the_composer_is_indexed_and_cited_and_an_empty_file_is_refused(home, provider, tmp_path):
    pdf = write_pdf(tmp_path / "orchard-report.pdf", REPORT)
    empty = tmp_path / "notes.txt"
    empty.write_bytes(b"")
    provider.push(
        {"tool_calls": [{"id": "call_search", "name": "file_search", "arguments": [json.dumps({"queries": [QUESTION]})]}], "usage": [20, 8]},
        {"text": ["The harvest filled 7,340 crates ", "【0:0†orchard-report.pdf】", "."], "usage": [10, 5]},
    )
    with home.launch() as driver:
        set_up_openai(driver, provider.base_url, "sk-hearth-e2e-" + secrets.token_hex(12))
        create_assistant(driver, "Reader")
        # The assistant gets file search from the editor, as a person would tick it.
        find(driver, "edit-assistant").click()
        wait_for(driver, "assistant-editor")
        tick = driver.find_element(By.XPATH, "//label[contains(., 'File search')]/input")
        if not tick.is_selected():
            tick.click()
        find(driver, "save-assistant").click()
        wait(driver, lambda d: d.find_element(By.XPATH, "//label[contains(., 'File search')]/input").is_selected())
        start_thread_with(driver, "Reader")

        # A draft typed before the drop stays while the file uploads.
        find(driver, "composer").send_keys(QUESTION)
        drag_files(driver, [empty], find(driver, "composer"))
        refused = wait_for(driver, "refused-file")
        assert "notes.txt" in refused.text and "it is empty" in refused.text, refused.text
        assert not chips(driver), "an empty file is not attached"
        screenshot(driver, "documents-refused-empty")

        drag_files(driver, [pdf], find(driver, "composer"))
        wait(driver, lambda d: chips(d), message="the dropped PDF should be a chip on the composer")
        chip = chips(driver)[0]
        assert "orchard-report.pdf" in chip.text
        assert find(driver, "attachment-tool").get_attribute("value") == "file_search", "a PDF goes to file search"
        screenshot(driver, "documents-composer-uploading")
        try:
            wait(driver, lambda d: chip_phases(d) == ["ready"], timeout=120)
        except Exception:
            shown = [c.text for c in chips(driver)]
            raise AssertionError(f"the PDF should be indexed; the chips show {shown!r}") from None
        assert "Indexed" in find(driver, "attachment-status").text
        assert find(driver, "composer").get_attribute("value") == QUESTION, "the draft survived the upload"
        screenshot(driver, "documents-composer-indexed")

        find(driver, "send").click()
        wait_for_run(driver, timeout=60)
        wait(driver, lambda d: not chips(d), message="the chips go with the message")
        answer = find_all(driver, "message-assistant")[-1]
        wait(driver, lambda d: answer.find_elements(By.CSS_SELECTOR, "button.citation"), message="the answer should cite the PDF")
        assert "7,340 crates" in answer.text
        screenshot(driver, "documents-composer-cited")

        # The marker opens the passage it cites, with the file and the page it is on.
        answer.find_elements(By.CSS_SELECTOR, "button.citation")[0].click()
        panel = wait_for(driver, "citation-panel")
        passage = wait_for(driver, "cited-passage", timeout=30)
        assert "7,340 crates" in passage.text, passage.text
        assert "orchard-report.pdf" in panel.text, panel.text
        place = wait_for(driver, "cited-passage-place", timeout=30)
        assert "page 1" in place.text, place.text
        screenshot(driver, "documents-composer-passage")

    # The model searched the PDF the drop indexed: its search results came back to it.
    requests = provider.requests()
    tool_results = [m for request in requests for m in request["messages"] if m.get("role") == "tool"]
    assert any("7,340 crates" in str(m.get("content")) for m in tool_results), tool_results
