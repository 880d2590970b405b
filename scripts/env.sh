# Sourced by the scripts: where builds and tools live. Outside the clone, so a fresh clone on the
# same machine reuses an earlier build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${TMPDIR:-/var/tmp}/hearth-target}"
export HEARTH_VENV="${HEARTH_VENV:-${TMPDIR:-/var/tmp}/hearth-venv}"
# Debug info costs build time and disk; line tables keep backtraces useful.
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"
export PATH="$HOME/.cargo/bin:$PATH"
