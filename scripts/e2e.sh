#!/usr/bin/env bash
# The WebDriver suite: the real debug app under Xvfb, in a private D-Bus session with an unlocked test
# keyring and fresh XDG folders. Expects scripts/setup.sh --test to have run; builds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

# The app, hearth-server and the scripted model server, unless the test command has just built them.
[ -n "${HEARTH_BUILT:-}" ] || scripts/build.sh
export HEARTH_SERVER_BIN="$CARGO_TARGET_DIR/debug/hearth-server"
export HEARTH_SCRIPTED_PROVIDER_BIN="$CARGO_TARGET_DIR/debug/hearth-scripted-provider"
export HEARTH_APP="$CARGO_TARGET_DIR/debug/hearth"
export HEARTH_SCREENSHOTS="${HEARTH_SCREENSHOTS:-$PWD/e2e/screenshots}"
xvfb-run -a -s "-screen 0 1280x800x24" \
  scripts/with-keyring.sh "$HEARTH_VENV/bin/pytest" -p no:cacheprovider -v e2e "$@"
