#!/usr/bin/env bash
# The SDK compatibility suite: the official `openai` Python SDK against a real hearth-server process that
# answers from a scripted model server (e2e-sdk/). It runs under the current SDK line, then again under
# openai 1.65.5, the line the Assistants tutorials used (vector stores under client.beta), less the tests
# of vector_stores.search (marked `search_api`), which that line does not have. Extra arguments go to
# both pytest runs, e.g. -k crash.
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
venv_1_65="${HEARTH_SDK_1_65_VENV:-/var/tmp/hearth-sdk-1.65-venv}"
ensure_venv "$venv" e2e-sdk/requirements.txt
ensure_venv "$venv_1_65" e2e-sdk/requirements-1.65.txt

cd e2e-sdk
# Both lines run even when the first fails, so one run shows where each stands. pytest exits 5 when the
# arguments select no test: one line may hold none of them (e.g. -k search under 1.65), not both.
current=0
say "SDK suite, openai $("$venv/bin/python" -c 'import openai; print(openai.__version__)')"
"$venv/bin/pytest" -p no:cacheprovider -v "$@" || current=$?

older=0
say "SDK suite, openai $("$venv_1_65/bin/python" -c 'import openai; print(openai.__version__)')"
"$venv_1_65/bin/pytest" -p no:cacheprovider -v -m "not search_api" "$@" || older=$?

if [ "$current" -eq 5 ] && [ "$older" -eq 5 ]; then exit 5; fi
for status in "$current" "$older"; do
  if [ "$status" -ne 0 ] && [ "$status" -ne 5 ]; then exit "$status"; fi
done
