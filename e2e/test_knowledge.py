"""Documents in the real window: an assistant's files added through the system's GTK open dialog
(driven with xdotool, as it is out of WebDriver's reach), uploaded from their paths by the app and
indexed until ready; then the Knowledge page lists the file with who uses it, a search over the
assistant's vector store shows the scored passages with their section, and the file is deleted."""

import subprocess
import time

from app import create_assistant, find, find_all, set_up_openai, type_into, wait, wait_for
from conftest import screenshot

NOTES = (
    "# Heating\n\n"
    "The boiler was serviced in March by the plumber from Ashby; the next service is due in the autumn.\n\n"
    "# Garden\n\n"
    "The apple tree by the shed was pruned in February and the hedge in late May.\n"
)


def choose_in_open_dialog(title: str, path) -> None:
    """Types `path` into the open dialog titled `title` and confirms it (GTK's own window)."""
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
    assert focused, f"the open dialog {title!r} did not open"
    time.sleep(0.5)
    # Ctrl+L opens the dialog's location field, where a whole path can be typed.
    subprocess.run(["xdotool", "key", "ctrl+l"], check=True)
    time.sleep(0.3)
    subprocess.run(["xdotool", "type", "--delay", "20", str(path)], check=True)
    time.sleep(0.3)
    subprocess.run(["xdotool", "key", "Return"], check=True)


def store_file_status(driver) -> str:
    statuses = find_all(driver, "store-file-status")
    return statuses[0].text if statuses else ""


def test_documents_added_in_the_editor_are_indexed_searched_and_deleted_on_the_knowledge_page(home, provider, tmp_path):
    documents = tmp_path / "Documents"
    documents.mkdir()
    notes = documents / "house-notes.md"
    notes.write_text(NOTES)
    with home.launch() as driver:
        set_up_openai(driver, provider.base_url, "sk-test-knowledge")
        create_assistant(driver, "Householder")
        files = wait_for(driver, "assistant-files")
        assert "No vector store" in find(driver, "assistant-store-select").text

        find(driver, "add-search-files").click()
        choose_in_open_dialog("Add documents to search", notes)
        wait(driver, lambda d: store_file_status(d) == "Ready", timeout=60, message="the document should be indexed")
        assert "house-notes.md" in files.text
        assert "Householder files" in find(driver, "assistant-store-select").text, "a vector store was made for it"
        screenshot(driver, "assistant-files-ready")

        find(driver, "nav-knowledge").click()
        wait_for(driver, "knowledge-view")
        row = wait(driver, lambda d: [r for r in find_all(d, "knowledge-file") if "house-notes.md" in r.text], timeout=20)[0]
        assert "Householder" in row.text, "the file says which assistant uses it"
        assert "1 file: 1 ready" in find(driver, "knowledge-store-counts").text
        screenshot(driver, "knowledge-files")

        type_into(find(driver, "knowledge-search-input"), "when was the boiler serviced")
        find(driver, "knowledge-search-button").click()
        chunk = wait_for(driver, "scored-chunk", timeout=30)
        assert "house-notes.md" in chunk.text
        assert "serviced in March" in chunk.text
        assert find(driver, "scored-chunk-place").text == "Heating", "the passage's section is shown"
        score = float(find(driver, "scored-chunk-score").text)
        assert 0 < score <= 1
        screenshot(driver, "knowledge-search")

        find(driver, "knowledge-delete-file").click()
        find(driver, "knowledge-delete-file-confirm").click()
        wait(driver, lambda d: not find_all(d, "knowledge-file"), message="the deleted file should leave the list")
        wait(driver, lambda d: "0 files" in find(d, "knowledge-store-counts").text, message="and its store")
        screenshot(driver, "knowledge-after-delete")


def test_an_empty_document_is_refused_with_its_name_and_why(home, provider, tmp_path):
    empty = tmp_path / "empty-notes.txt"
    empty.write_text("")
    with home.launch() as driver:
        set_up_openai(driver, provider.base_url, "sk-test-knowledge")
        create_assistant(driver, "Archivist")
        wait_for(driver, "assistant-files")
        find(driver, "add-search-files").click()
        choose_in_open_dialog("Add documents to search", empty)
        reason = wait_for(driver, "pending-upload-reason", timeout=30)
        assert "'empty-notes.txt' is empty" in reason.text
        screenshot(driver, "assistant-files-refused")
