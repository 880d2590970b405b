#!/usr/bin/env bash
# The local model's benchmark (crates/local/examples/bench.rs): a bare llama.cpp loop, a run through
# the engine, and hearth-server streaming to the official openai Python SDK, in release.
#   scripts/bench-local.sh [MODEL.gguf]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
source scripts/venv.sh

venv="${HEARTH_SDK_VENV:-${TMPDIR:-/var/tmp}/hearth-sdk-venv}"
ensure_venv "$venv" e2e-sdk/requirements.txt
scripts/default-model.sh
cargo build --release "${HEARTH_CARGO[@]}" --bin hearth-server --example local-bench
HEARTH_SDK_PYTHON="$venv/bin/python" "$CARGO_TARGET_DIR/release/examples/local-bench" "$@"
