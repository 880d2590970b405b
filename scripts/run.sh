#!/usr/bin/env bash
# Installs what is missing, builds Hearth and opens its window.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
ui/node_modules/.bin/tauri build --debug --no-bundle
exec "$CARGO_TARGET_DIR/debug/hearth" "$@"
