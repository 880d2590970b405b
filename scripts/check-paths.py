#!/usr/bin/env python3
"""Fails when a tracked file refers to a path outside the repository.

A clone must build and test on its own, wherever it is put. Every relative path (a run of `../`
followed by a name) in a tracked text file is resolved twice: from the file's own folder and from the
nearest folder below the root that holds a Cargo.toml or package.json (where paths built on
CARGO_MANIFEST_DIR or a package script start). A path that climbs out of the repository from either
is reported with its file and line. Absolute paths into root's home or a work folder are reported
too. Caches and installed tools are named through variables in scripts/env.sh, which
this check leaves alone.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import PurePosixPath

# `../` repeated, then at least one path character (a file or folder name).
RELATIVE = re.compile(r"((?:\.\./)+)([A-Za-z0-9_.\-][A-Za-z0-9_.\-/]*)?")
ABSOLUTE = re.compile(r"(?<![A-Za-z0-9_.\-])/(?:work|root)/[A-Za-z0-9_.\-]")
# Lock files hold registry data, not paths of ours.
SKIP_NAMES = {"Cargo.lock", "package-lock.json"}


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], check=True, capture_output=True).stdout
    return [name for name in out.decode().split("\0") if name]


def package_root(path: PurePosixPath, manifests: set[PurePosixPath]) -> PurePosixPath:
    for folder in path.parents:
        if folder in manifests:
            return folder
    return PurePosixPath(".")


def escapes(start: PurePosixPath, ups: int) -> bool:
    depth = 0 if str(start) == "." else len(start.parts)
    return ups > depth


def main() -> int:
    files = tracked_files()
    manifests = {
        PurePosixPath(name).parent
        for name in files
        if PurePosixPath(name).name in {"Cargo.toml", "package.json"}
    }
    problems = []
    for name in files:
        path = PurePosixPath(name)
        if path.name in SKIP_NAMES:
            continue
        try:
            with open(name, "rb") as fh:
                data = fh.read()
        except OSError:
            continue
        if b"\0" in data[:8192]:
            continue  # binary
        text = data.decode("utf-8", errors="replace")
        starts = {path.parent}
        root = package_root(path, manifests)
        if str(root) != ".":
            starts.add(root)
        for number, line in enumerate(text.splitlines(), start=1):
            for match in RELATIVE.finditer(line):
                ups = match.group(1).count("../")
                if any(escapes(start, ups) for start in starts):
                    problems.append(f"{name}:{number}: {match.group(0)!r} climbs out of the repository")
            for match in ABSOLUTE.finditer(line):
                problems.append(f"{name}:{number}: {match.group(0)!r} is a path on one machine")
    if problems:
        print("Tracked files refer to paths outside the repository; a clone elsewhere would fail:")
        print("\n".join(problems))
        return 1
    print(f"no tracked file refers outside the repository ({len(files)} files checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
