# Sourced by the scripts: where builds and tools live. Outside the clone, so a fresh clone on the
# same machine reuses an earlier build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${TMPDIR:-/var/tmp}/hearth-target}"
export HEARTH_VENV="${HEARTH_VENV:-${TMPDIR:-/var/tmp}/hearth-venv}"
# Debug info costs build time and disk; line tables keep backtraces useful.
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"
export PATH="$HOME/.cargo/bin:$PATH"
# The verified default model (scripts/default-model.sh) is cached here; tests read it from
# HEARTH_TEST_MODEL.
export HEARTH_MODEL_CACHE="${HEARTH_MODEL_CACHE:-/var/tmp/hearth-models}"
export HEARTH_TEST_MODEL="${HEARTH_TEST_MODEL:-$HEARTH_MODEL_CACHE/SmolLM2-135M-Instruct.Q4_1.gguf}"
