"""Real OS drags of files onto the app's window under Xvfb: a GTK drag source (drag_source.py) offers
the files and xdotool moves the pointer from it onto an element of the page, so the app receives the
drop through the window system as it would from a file manager."""

import subprocess
import time
from pathlib import Path

SYSTEM_PYTHON = "/usr/bin/python3"
SOURCE = Path(__file__).resolve().parent / "drag_source.py"
# Where the drag source sits: the top right corner, clear of the sidebar and the composer.
SOURCE_AT = (1100, 20)


def xdotool(*args: str) -> str:
    return subprocess.run(["xdotool", *args], check=True, capture_output=True, text=True).stdout


def app_window_origin() -> tuple[int, int]:
    """The screen position of the app's window: the largest window named Hearth (the first match
    may be a small helper window)."""
    found = xdotool("search", "--onlyvisible", "--name", "^Hearth$").split()
    assert found, "the app's window is not on the screen"
    best = None
    for window in found:
        shape = dict(
            line.split("=", 1) for line in xdotool("getwindowgeometry", "--shell", window).split() if "=" in line
        )
        area = int(shape["WIDTH"]) * int(shape["HEIGHT"])
        if best is None or area > best[0]:
            best = (area, int(shape["X"]), int(shape["Y"]))
    return best[1], best[2]


def drag_files(driver, paths: list[Path], target) -> None:
    """Drags `paths` from a file-manager-like window and drops them on the middle of `target` (a
    WebDriver element of the app's page)."""
    source = subprocess.Popen(
        [SYSTEM_PYTHON, str(SOURCE), str(SOURCE_AT[0]), str(SOURCE_AT[1]), *map(str, paths)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert source.stdout.readline().strip() == "ready", "the drag source did not start: " + source.stderr.read()
        rect = driver.execute_script(
            "const r = arguments[0].getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2];", target
        )
        scale = driver.execute_script("return window.devicePixelRatio || 1")
        left, top = app_window_origin()
        to_x, to_y = int(left + rect[0] * scale), int(top + rect[1] * scale)
        from_x, from_y = SOURCE_AT[0] + 40, SOURCE_AT[1] + 20
        xdotool("mousemove", "--sync", str(from_x), str(from_y))
        time.sleep(0.3)
        xdotool("mousedown", "1")
        # A drag starts only after the pointer moves a little while pressed; then it travels in steps.
        for step in range(1, 6):
            xdotool("mousemove", str(from_x - step * 6), str(from_y + step * 6))
            time.sleep(0.05)
        for step in range(1, 11):
            x = from_x + (to_x - from_x) * step // 10
            y = from_y + (to_y - from_y) * step // 10
            xdotool("mousemove", str(x), str(y))
            time.sleep(0.05)
        time.sleep(0.5)
        xdotool("mousemove", str(to_x + 1), str(to_y))
        time.sleep(0.3)
        xdotool("mouseup", "1")
        time.sleep(0.5)
    finally:
        source.terminate()
        try:
            source.wait(timeout=5)
        except subprocess.TimeoutExpired:
            source.kill()


def write_pdf(path: Path, lines: list[str]) -> Path:
    """Writes a one-page PDF with `lines` of text in Helvetica (a base font every PDF reader knows),
    with a correct cross-reference table, as a word processor's simplest export would be."""
    text = "\n".join(f"({line.replace('(', '[').replace(')', ']')}) Tj 0 -18 Td" for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td\n{text}\nET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path
