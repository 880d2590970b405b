#!/usr/bin/env bash
# Builds what the test suites run, with the one cargo selection they share (scripts/env.sh): the UI
# (ui/dist), then in a single cargo invocation the debug app with the UI embedded, hearth-server, the
# scripted model server and every test binary.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
(cd ui && npm run --silent build)
cargo build "${HEARTH_CARGO[@]}" --all-targets
