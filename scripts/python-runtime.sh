#!/usr/bin/env bash
# Puts the code interpreter's Python runtime (the packages pinned in crates/python/requirements.lock:
# numpy, pandas, matplotlib, scipy, openpyxl, pillow and their dependencies) into DEST_DIR, for the
# system's Python (/usr/bin/python3).
#   scripts/python-runtime.sh [DEST_DIR]    default: the app's python folder
# pip installs the locked wheels with --require-hashes (every wheel checked against its pinned
# SHA-256), the packages are byte-compiled with that Python, and runtime.json is written last, so a
# folder without it was never finished. The result is kept once in $HEARTH_MODEL_CACHE/python-runtime
# (where the tests read it) and copied to DEST_DIR; a runtime already current there makes this a
# no-op. The folder's layout is what the hearth-python crate reads and writes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/fetch.sh

lock="crates/python/requirements.lock"
python="/usr/bin/python3"
supported="3.11 3.12 3.13"

dest_dir="${1:-$app_data/python}"
cache_dir="$HEARTH_MODEL_CACHE/python-runtime"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# The lock holds manylinux wheels only.
if [ "$(uname -s)" != Linux ]; then
  say "the code interpreter's Python runtime is available on Linux only for now; not set up"
  exit 0
fi

[ -x "$python" ] || {
  echo "$python is missing: install the Debian/Ubuntu package python3 (apt-get install python3)." >&2
  exit 1
}
python_path="$(readlink -f "$python")"
python_version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
case " $supported " in
  *" $python_version "*) ;;
  *) echo "$python is Python $python_version; the runtime's packages are locked for Python ${supported// /, } only." >&2
     exit 1 ;;
esac
lock_sha256="$(digest "$lock")"
work="" staging=""
trap 'rm -rf ${work:+"$work"} ${staging:+"$staging"}' EXIT

# current DIR: DIR holds a finished runtime for this lock and this Python.
current() {
  [ -f "$1/runtime.json" ] && "$python" - "$1/runtime.json" "$python_path" "$python_version" "$lock_sha256" <<'PY'
import json, sys
path, python, version, lock = sys.argv[1:]
with open(path) as f:
    runtime = json.load(f)
ok = runtime.get("python") == python and runtime.get("python_version") == version \
    and runtime.get("lock_sha256") == lock
sys.exit(0 if ok else 1)
PY
}

# pip for the system's Python: its own, or a throwaway virtualenv's (same interpreter) when Debian's
# python3-pip is not installed.
pip_command() {
  if "$python" -m pip --version >/dev/null 2>&1; then
    pip=("$python" -m pip)
  else
    "$python" -m venv "$work/venv"
    pip=("$work/venv/bin/python" -m pip)
  fi
}

if ! current "$cache_dir"; then
  say "installing the Python runtime's packages (crates/python/requirements.lock, from PyPI)"
  mkdir -p "$HEARTH_MODEL_CACHE"
  work="$(mktemp -d "$HEARTH_MODEL_CACHE/python-runtime.XXXXXX")"
  pip_command
  "${pip[@]}" install --quiet --disable-pip-version-check --root-user-action=ignore --require-hashes --only-binary=:all: \
    --no-deps --no-compile --target "$work/runtime/site-packages" -r "$lock"
  # Unchecked-hash .pyc files: the sandbox mounts the folder read-only, so Python could not write
  # them later, and it never compares them with the sources' times (which a copy may change).
  "$python" -m compileall -q -j 0 --invalidation-mode unchecked-hash "$work/runtime/site-packages" >/dev/null \
    || { echo "byte-compiling the Python runtime with $python failed" >&2; exit 1; }
  MPLBACKEND=Agg "$python" -I -c 'import sys; sys.path.insert(0, sys.argv[1])
import numpy, pandas, matplotlib.pyplot, scipy.stats, openpyxl, PIL.Image' "$work/runtime/site-packages" \
    || { echo "the Python runtime's packages do not import with $python" >&2; exit 1; }
  "$python" - "$lock" "$work/runtime" "$python_path" "$python_version" "$lock_sha256" <<'PY'
import json, os, re, sys
lock, runtime_dir, python, version, lock_sha256 = sys.argv[1:]
packages = [list(m.groups()) for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==(\S+)", open(lock).read(), re.M)]
manifest = {"python": python, "python_version": version, "lock_sha256": lock_sha256,
            "packages": packages}
tmp = os.path.join(runtime_dir, "runtime.json.tmp")
with open(tmp, "w") as f:
    json.dump(manifest, f)
    f.flush()
    os.fsync(f.fileno())
os.replace(tmp, os.path.join(runtime_dir, "runtime.json"))
PY
  rm -rf "$cache_dir.old"
  [ -e "$cache_dir" ] && mv "$cache_dir" "$cache_dir.old"
  mv "$work/runtime" "$cache_dir"
  rm -rf "$cache_dir.old"
fi

# A finished copy goes into place by one rename; the old folder is removed only afterwards. The
# temporary folders are named as the app's own installs name theirs, so either removes the other's
# leftovers.
if ! cmp -s "$cache_dir/runtime.json" "$dest_dir/runtime.json" 2>/dev/null || ! current "$dest_dir"; then
  parent="$(dirname "$dest_dir")"
  temporary="$parent/.$(basename "$dest_dir").installing-"
  mkdir -p "$parent"
  staging="$(mktemp -d "${temporary}XXXXXX")"
  cp -R "$cache_dir/." "$staging/"
  # Readable by the sandbox's user too, whichever that is (mktemp makes the folder private).
  chmod 755 "$staging"
  rm -rf "${temporary}old-$$"
  [ -e "$dest_dir" ] && mv "$dest_dir" "${temporary}old-$$"
  mv "$staging" "$dest_dir"
  rm -rf "${temporary}old-$$"
  say "Python runtime placed in $dest_dir"
fi
exit 0
