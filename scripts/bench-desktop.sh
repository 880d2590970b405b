#!/usr/bin/env bash
# The desktop benchmark (run on demand): seeds 1,000 threads / 100,000 messages, then measures start-up,
# opening a 10,000-message thread, search and idle memory in the real window. Prints a table.
#   scripts/bench-desktop.sh            the debug app build the tests use (dependencies optimised,
#                                       Hearth's own code not)
#   scripts/bench-desktop.sh --release  the release build people run (a long build the first time)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --test
if [ "${1:-}" = "--release" ]; then
  ui/node_modules/.bin/tauri build --no-bundle
  export HEARTH_APP="$CARGO_TARGET_DIR/release/hearth"
else
  ui/node_modules/.bin/tauri build --debug --no-bundle
  export HEARTH_APP="$CARGO_TARGET_DIR/debug/hearth"
fi
cargo build --release --locked -p hearth-store --example seed
export HEARTH_SEED_BIN="$CARGO_TARGET_DIR/release/examples/seed"
cd e2e
xvfb-run -a -s "-screen 0 1280x800x24" ../scripts/with-keyring.sh "$HEARTH_VENV/bin/python" bench_desktop.py
