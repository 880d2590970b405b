"""Keeping a conversation: a thread whose answer holds a chart is exported as one HTML page through the
system's GTK save dialog (driven with xdotool), and the page holds the chart inline and the text; with the
server stopped and the app restarted, the remote profile's thread is still readable with its chart (the
kept copy) and exports the same way.

`test_a_chart_and_a_citation_in_one_answer` exports its answer as a web page and opens it in a web view; it
is also the flow behind the README's picture: with
HEARTH_README_SCREENSHOT=1 it writes `docs/screenshot.png`, otherwise only `e2e/screenshots/`."""

import base64
import json
import os
import shutil
import time

from selenium.webdriver.common.by import By

from app import MODEL, find, find_all, send, start_thread_with, thread_named, wait, wait_for, wait_for_run
from conftest import REPO, screenshot
from test_answers import api, create_analyst, file_content, save_in_dialog, server, shown_image, upload, use_remote_profile  # noqa: F401


def export_html(driver, path) -> None:
    """Export… → Web page, saved at `path` in the save dialog; waits until the window says where it went."""
    find(driver, "export-thread").click()
    wait_for(driver, "export-choices")
    find(driver, "export-html").click()
    save_in_dialog("as Web page", path)
    wait(
        driver,
        lambda d: find_all(d, "export-status") and find(d, "export-status").get_attribute("data-status") == "done",
        timeout=30,
        message="the window should say the export is done: " + " | ".join(e.text for e in find_all(driver, "export-status")),
    )
    assert f"Exported to {path}" in find(driver, "export-status").get_attribute("textContent")


def test_a_thread_with_a_chart_exports_as_one_html_page_also_offline(home, provider, server, tmp_path):
    create_analyst(server, provider)
    out = tmp_path / "exports"
    out.mkdir()
    with home.launch() as driver:
        use_remote_profile(driver, server)
        wait(driver, lambda d: any("Analyst" in e.text for e in find_all(d, "assistant-item")), timeout=30)
        start_thread_with(driver, "Analyst")
        send(driver, "Chart the weekly signups")
        wait_for_run(driver, timeout=120)
        wait(driver, shown_image, timeout=30, message="the chart should appear in the answer")
        chart_id = find_all(driver, "message-assistant")[-1].find_element(By.CSS_SELECTOR, "[data-testid=file-image]").get_attribute("data-file-id")
        chart = file_content(server, chart_id)

        export_html(driver, out / "signups.html")
        screenshot(driver, "exported-html")
        page = (out / "signups.html").read_text()
        assert f"data:image/png;base64,{base64.b64encode(chart).decode()}" in page, "the chart is inline, byte for byte"
        assert "Signups peaked in week 4." in page
        assert "Chart the weekly signups" in page
        assert "<script" not in page and "default-src 'none'" in page
        assert sorted(p.name for p in out.iterdir()) == ["signups.html"], "one file, no temporary one left"

    # The network is gone: the thread, its chart and its export come from what the app kept.
    server.stop()
    with home.launch() as driver:
        wait(driver, lambda d: find_all(d, "offline-banner") or find_all(d, "thread-item"), timeout=30)
        row = wait(driver, lambda d: thread_named(d, "Chart the weekly signups"), timeout=30, message="the thread should be listed offline")
        row.click()
        image = wait(driver, shown_image, timeout=30, message="the chart should show offline from the kept copy")
        assert driver.execute_script("return arguments[0].naturalWidth", image) >= 300
        wait_for(driver, "offline-banner", timeout=30)
        screenshot(driver, "offline-thread-with-chart")
        export_html(driver, out / "signups-offline.html")
        page = (out / "signups-offline.html").read_text()
        assert f"data:image/png;base64,{base64.b64encode(chart).decode()}" in page, "offline, the export still holds the chart"


SALES_REPORT = (
    "# Quarterly sales report, Q4 2025\n\n"
    "## Regions\n\n"
    "The North region grew fastest in Q4: revenue rose 14% over Q3 to 2.4 million euros, driven by new retail "
    "partners in Tromsø and Bodø. South and East grew 6% and 8%. West held steady at 1.9 million euros.\n\n"
    "## Outlook\n\n"
    "Two new partners in the North open in February; the forecast for Q1 2026 is 2.5 million euros there.\n"
)
SALES_QUESTION = "Which region grew fastest last quarter? Chart each region's revenue through 2025."
SALES_CHART = (
    "import matplotlib.pyplot as plt\n"
    "quarters = ['Q1', 'Q2', 'Q3', 'Q4']\n"
    "revenue = {'North': [1.7, 1.9, 2.1, 2.4], 'West': [1.8, 1.8, 1.9, 1.9],\n"
    "           'South': [1.4, 1.5, 1.6, 1.7], 'East': [1.1, 1.2, 1.3, 1.4]}\n"
    "fig, ax = plt.subplots(figsize=(7, 3.4), dpi=100)\n"
    "for region, values in revenue.items():\n"
    "    ax.plot(quarters, values, marker='o', linewidth=2.2, label=region)\n"
    "ax.set_title('Revenue by region, 2025 (million euros)')\n"
    "ax.grid(alpha=0.3)\n"
    "ax.spines[['top', 'right']].set_visible(False)\n"
    "ax.legend(frameon=False, ncol=4, loc='upper left')\n"
    "ax.set_ylim(1.0, 2.7)\n"
    "fig.tight_layout()\n"
    "plt.show()\n"
)
SALES_MARKER = "【0:0†q4-sales-report.md】"


def create_sales_analyst(server, provider) -> None:
    """An assistant with file_search over a sales report and the code interpreter, and the scripted
    model's turns: a search, the chart's code, then an answer citing the report."""
    report = upload(server, "q4-sales-report.md", SALES_REPORT.encode())
    store = api(server, "POST", "/vector_stores", {"name": "Sales reports", "file_ids": [report["id"]]})
    deadline = time.monotonic() + 60
    while store["file_counts"]["completed"] < 1:
        assert store["file_counts"]["failed"] == 0, f"the report failed to index: {store}"
        assert time.monotonic() < deadline, "the report was not indexed in time"
        time.sleep(0.2)
        store = api(server, "GET", f"/vector_stores/{store['id']}")
    api(server, "POST", "/assistants", {
        "model": MODEL,
        "name": "Sales Analyst",
        "instructions": "Answer from the sales reports and chart the numbers.",
        "tools": [{"type": "file_search"}, {"type": "code_interpreter"}],
        "tool_resources": {"file_search": {"vector_store_ids": [store["id"]]}},
    })
    provider.push(
        {"tool_calls": [{"id": "call_search", "name": "file_search", "arguments": ['{"queries": ["region revenue growth Q4"]}']}], "usage": [30, 9]},
        {"tool_calls": [{"id": "call_chart", "name": "code_interpreter", "arguments": [json.dumps({"code": SALES_CHART})]}], "usage": [60, 40]},
        {"text": [
            "**North** grew fastest: its revenue rose 14% over Q3 to 2.4 million euros, ",
            "driven by new retail partners in Tromsø and Bodø", SALES_MARKER, ". ",
            "South and East grew more slowly, and West held steady at 1.9 million.",
        ], "usage": [80, 40]},
    )


def test_a_chart_and_a_citation_in_one_answer(home, provider, server, tmp_path):
    create_sales_analyst(server, provider)
    with home.launch() as driver:
        use_remote_profile(driver, server)
        wait(driver, lambda d: any("Sales Analyst" in e.text for e in find_all(d, "assistant-item")), timeout=30)
        start_thread_with(driver, "Sales Analyst")
        send(driver, SALES_QUESTION)
        wait_for_run(driver, timeout=120)
        answer = find_all(driver, "message-assistant")[-1]
        image = wait(driver, shown_image, timeout=30, message="the chart should appear in the answer")
        assert driver.execute_script("return arguments[0].naturalWidth", image) >= 500
        [marker] = wait(driver, lambda d: answer.find_elements(By.CSS_SELECTOR, "button.citation"), message="the citation should be a button")
        assert marker.text == "1" and "【" not in answer.text
        assert "North** " not in answer.text and "grew fastest" in answer.text
        # The question, the chart and the cited answer in view together.
        driver.execute_script("arguments[0].scrollIntoView({block: 'end'})", answer)
        path = screenshot(driver, "chart-and-citation")
        if os.environ.get("HEARTH_README_SCREENSHOT") == "1":
            shutil.copyfile(path, REPO / "docs" / "screenshot.png")

        # Exported as a web page and opened in a web view: the text, the citation and the chart are there.
        page = tmp_path / "sales.html"
        export_html(driver, page)
        driver.get(page.as_uri())
        wait(driver, lambda d: "grew fastest" in d.find_element(By.TAG_NAME, "body").text, message="the exported page should open")
        body = driver.find_element(By.TAG_NAME, "body").text
        assert SALES_QUESTION in body and "North" in body and "【" not in body, body
        [link] = driver.find_elements(By.CSS_SELECTOR, "a[href='#source-1']")
        assert link.text == "[1]", link.text
        source = driver.find_element(By.ID, "source-1").text
        assert "q4-sales-report.md" in source, source
        [chart] = driver.find_elements(By.TAG_NAME, "img")
        wait(driver, lambda d: d.execute_script("return arguments[0].complete", chart))
        assert driver.execute_script("return arguments[0].naturalWidth", chart) >= 500, "the chart shows in the page"
        screenshot(driver, "exported-html-in-a-web-view")
