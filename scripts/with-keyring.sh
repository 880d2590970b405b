#!/usr/bin/env bash
# Runs a command in a private D-Bus session with an unlocked test keyring and fresh XDG folders, so
# tests talk to a real Secret Service and leave nothing in the user's own keychain or folders.
set -euo pipefail
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Others may pass through (not list) the scratch folder, the temporary folder of the tests: run as
# root, the code interpreter's sandbox runs as `nobody`, which must reach its session folders.
chmod 711 "$scratch"
for d in data config cache state runtime; do mkdir -p "$scratch/$d"; done
chmod 700 "$scratch/runtime"
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache"
export XDG_STATE_HOME="$scratch/state" XDG_RUNTIME_DIR="$scratch/runtime"
export TMPDIR="$scratch"
dbus-run-session -- bash -c '
  echo -n "hearth-test-keyring" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  "$@"
' with-keyring "$@"
