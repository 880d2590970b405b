#!/usr/bin/env bash
# The SDK compatibility suite: the official `openai` Python SDK against a real hearth-server process that
# answers from a scripted model server (e2e-sdk/). Extra arguments go to pytest, e.g. -k crash.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# The app, hearth-server and the scripted model server, unless the test command has just built them.
[ -n "${HEARTH_BUILT:-}" ] || scripts/build.sh
export HEARTH_SERVER_BIN="$CARGO_TARGET_DIR/debug/hearth-server"
export HEARTH_SCRIPTED_PROVIDER_BIN="$CARGO_TARGET_DIR/debug/hearth-scripted-provider"

source scripts/venv.sh
venv="${HEARTH_SDK_VENV:-/var/tmp/hearth-sdk-venv}"
ensure_venv "$venv" e2e-sdk/requirements.txt

say "SDK suite"
cd e2e-sdk
exec "$venv/bin/pytest" -p no:cacheprovider -v "$@"
