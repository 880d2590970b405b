#!/usr/bin/env bash
# The desktop benchmark (run on demand): seeds 1,000 threads / 100,000 messages, then measures start-up,
# opening a 10,000-message thread, search and idle memory in the real window. Prints a table.
# Uses the debug app build the tests use (dependencies optimised, Hearth's own code not).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
scripts/setup.sh --test
ui/node_modules/.bin/tauri build --debug --no-bundle
cargo build --release --locked -p hearth-store --example seed
export HEARTH_SEED_BIN="$CARGO_TARGET_DIR/release/examples/seed"
export HEARTH_APP="$CARGO_TARGET_DIR/debug/hearth"
cd e2e
xvfb-run -a -s "-screen 0 1280x800x24" ../scripts/with-keyring.sh "$HEARTH_VENV/bin/python" bench_desktop.py
