#!/usr/bin/env python3
"""Writes requirements.lock from requirements.in: every package the pinned ones need, each at one
version, with the SHA-256 of its wheel for each supported Python and platform.

    crates/python/update-lock.py        (needs pip; contacts the package index)

pip resolves the dependencies once per target (CPython 3.11, 3.12 and 3.13 on manylinux x86_64 and
aarch64, glibc 2.28 or later) without installing anything, and reports the wheel it chose; the lock
lists, per package, the hashes of those wheels. A package whose dependencies resolve to different
versions on two targets stops the script, since the lock pins one version per name.

pip evaluates environment markers (`python_version < "3.12"`) against the Python running this
script, not the target: run it with the oldest supported Python (3.11) and read the warning below
if a marker names the Python version.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHONS = ["3.11", "3.12", "3.13"]
ARCHES = ["x86_64", "aarch64"]
# Every manylinux level up to glibc 2.28 (Debian 10, Ubuntu 18.10, RHEL 8): pip does not expand a
# --platform to the older levels itself.
MANYLINUX = ["manylinux2014", "manylinux_2_17", "manylinux_2_24", "manylinux_2_26",
             "manylinux_2_27", "manylinux_2_28"]


def read_pins(path: Path) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def resolve(pins: list[str], python: str, arch: str, work: Path) -> list[dict]:
    report = work / f"report-{python}-{arch}.json"
    platforms = [arg for level in MANYLINUX for arg in ("--platform", f"{level}_{arch}")]
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--dry-run", "--ignore-installed", "--only-binary=:all:", "--implementation", "cp",
         "--python-version", python, *platforms, "--target", str(work / "target"),
         "--report", str(report), *pins],
        check=True,
    )
    return json.loads(report.read_text())["install"]


def main() -> int:
    pins = read_pins(HERE / "requirements.in")
    versions: dict[str, str] = {}
    hashes: dict[str, set[str]] = {}
    warnings: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        for python in PYTHONS:
            for arch in ARCHES:
                print(f"resolving for CPython {python} on {arch}", file=sys.stderr)
                for item in resolve(pins, python, arch, Path(tmp)):
                    meta = item["metadata"]
                    name = meta["name"].lower().replace("_", "-")
                    if versions.setdefault(name, meta["version"]) != meta["version"]:
                        print(f"{name} resolves to {versions[name]} and {meta['version']} on "
                              f"different targets; pin it in requirements.in", file=sys.stderr)
                        return 1
                    for req in meta.get("requires_dist") or []:
                        if "python_version" in req and "extra" not in req:
                            warnings.add(f"warning: {name} depends on `{req}`: check it by hand")
                    digest = item["download_info"]["archive_info"]["hashes"]["sha256"]
                    hashes.setdefault(name, set()).add(digest)
    for warning in sorted(warnings):
        print(warning, file=sys.stderr)
    lines = ["# The Python runtime's packages with the SHA-256 of every wheel they may be installed",
             "# from (CPython " + ", ".join(PYTHONS) + "; manylinux " + " and ".join(ARCHES) + ").",
             "# Written by update-lock.py from requirements.in; do not edit by hand."]
    for name in sorted(versions):
        entry = [f"{name}=={versions[name]}"]
        entry += [f"    --hash=sha256:{h}" for h in sorted(hashes[name])]
        lines.append(" \\\n".join(entry))
    (HERE / "requirements.lock").write_text("\n".join(lines) + "\n")
    print(f"wrote requirements.lock: {len(versions)} packages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
