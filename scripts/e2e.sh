#!/usr/bin/env bash
# The WebDriver suite: the real debug app under Xvfb, in a private D-Bus session with an unlocked test
# keyring and fresh XDG folders. Expects scripts/setup.sh --test and the debug build to have run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

export HEARTH_APP="$CARGO_TARGET_DIR/debug/hearth"
export HEARTH_SCREENSHOTS="${HEARTH_SCREENSHOTS:-$PWD/e2e/screenshots}"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for d in data config cache state runtime; do mkdir -p "$scratch/$d"; done
chmod 700 "$scratch/runtime"
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache"
export XDG_STATE_HOME="$scratch/state" XDG_RUNTIME_DIR="$scratch/runtime"
# Each test gets its own folders under pytest's temporary directory, inside the scratch folder.
export TMPDIR="$scratch"

xvfb-run -a -s "-screen 0 1280x800x24" \
  dbus-run-session -- bash -c '
    echo -n "hearth-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec "$HEARTH_VENV/bin/pytest" -p no:cacheprovider -v e2e "$@"
  ' e2e "$@"
