#!/usr/bin/env bash
# Regenerates ui/src/ipc/bindings.ts from the Rust commands.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
HEARTH_WRITE_BINDINGS=1 cargo nextest run "${HEARTH_CARGO[@]}" \
  -E 'test(=bindings::tests::committed_bindings_match_the_rust_commands)'
