"""The desktop benchmark: a store of 1,000 threads and 100,000 messages, opened in the real window.

Run with scripts/bench-desktop.sh; prints a table. Figures come from the page's own clock where the
window can measure itself (performance marks and performance.now()), and from /proc for memory.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from conftest import Home, app_binary
from selenium.webdriver.common.by import By

SEED = os.environ["HEARTH_SEED_BIN"]


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def memory_kib(pids: list[int], field: str) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith(field + ":"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def measure_memory(rows: list, when: str) -> None:
    """PSS (shared pages split between the processes sharing them) of the app and each of its web
    processes, and the RSS sum."""
    time.sleep(5)
    app = int(subprocess.run(["pgrep", "-f", f"^{app_binary()}$"], capture_output=True, text=True).stdout.split()[0])
    pids = descendants(app)
    rows.append((f"memory {when}, PSS of the app and its {len(pids) - 1} web processes (MiB)", memory_kib(pids, "Pss") / 1024))
    for pid in pids:
        name = Path(f"/proc/{pid}/comm").read_text().strip()
        rows.append((f"  of which {name} (MiB)", memory_kib([pid], "Pss") / 1024))
    rows.append((f"memory {when}, RSS sum (MiB)", memory_kib(pids, "Rss") / 1024))


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="hearth-bench-"))
    home = Home(root)
    data = Path(home.env["XDG_DATA_HOME"]) / "app.hearth.desktop"
    seeded = subprocess.run([SEED, str(data)], capture_output=True, text=True, check=True)
    long_thread = seeded.stdout.split()[-1]
    print(seeded.stderr, file=sys.stderr)

    rows = []
    for attempt in range(3):
        launched = time.monotonic()
        with home.launch() as driver:
            driver.find_element(By.CSS_SELECTOR, "[data-testid=thread-item]")
            wall = time.monotonic() - launched
            painted = driver.execute_script(
                "const m = performance.getEntriesByName('hearth:threads-painted')[0]; return m ? m.startTime : null;"
            )
            rows.append(("cold start: page load to thread list painted", painted))
            rows.append(("cold start: process launch to thread list (incl. WebDriver session)", wall * 1000))
            if attempt > 0:
                continue
            measure_memory(rows, "idle after start")
            opened = driver.execute_async_script(
                """
                const [id, done] = arguments;
                const list = document.querySelector('[data-testid=thread-list]');
                const find = () => document.querySelector(`[data-thread-id="${id}"]`);
                while (!find() && list.scrollTop + list.clientHeight < list.scrollHeight) {
                  list.scrollTop += list.clientHeight;
                  await new Promise((r) => requestAnimationFrame(r));
                }
                const start = performance.now();
                find().click();
                while (document.querySelectorAll('[data-testid=message-assistant]').length === 0) {
                  await new Promise((r) => setTimeout(r, 1));
                }
                await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
                done(performance.now() - start);
                """,
                long_thread,
            )
            rows.append(("open the 10,000-message thread (click to painted)", opened))
            for query in ["dep", "deploy wind", "kubernetes"]:
                took = driver.execute_async_script(
                    """
                    const [query, done] = arguments;
                    const input = document.querySelector('[data-testid=search-input]');
                    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
                    setter.call(input, '');
                    input.dispatchEvent(new Event('input', { bubbles: true }));
                    await new Promise((r) => setTimeout(r, 50));
                    const start = performance.now();
                    setter.call(input, query);
                    input.dispatchEvent(new Event('input', { bubbles: true }));
                    while (!document.querySelector('[data-testid=search-hit]')) {
                      await new Promise((r) => setTimeout(r, 1));
                    }
                    done(performance.now() - start);
                    """,
                    query,
                )
                rows.append((f'search "{query}" (keystroke to results painted)', took))
            measure_memory(rows, "after opening the long thread and searching")

    print("| measure | value |")
    print("|---|---:|")
    for name, value in rows:
        unit = "" if "MiB" in name else " ms"
        print(f"| {name} | {value:.0f}{unit} |" if value is not None else f"| {name} | — |")


if __name__ == "__main__":
    main()
