#!/usr/bin/env bash
# hearth-server under load and faults (crates/server/examples/load.rs): builds hearth-server and the
# load driver, then prints the table. Run on demand; the test command does not run it.
#   scripts/load-test.sh [--debug] [RUNS]
#     RUNS     concurrent streamed runs in the load scenario (default 500)
#     --debug  the debug build the test command made, for a quick check of the scenarios (its
#              figures are not the release build's)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
profile=release
if [ "${1:-}" = "--debug" ]; then
  profile=debug
  shift
fi
# Each run holds a connection from the driver to the server and one from the server to the
# scripted provider inside the driver: several sockets per run, past the usual limit of 1024.
ulimit -n "$(ulimit -Hn)"
profile_flag=()
[ "$profile" = release ] && profile_flag=(--release)
cargo build "${profile_flag[@]}" "${HEARTH_CARGO[@]}" --bin hearth-server --example server-load
"$CARGO_TARGET_DIR/$profile/examples/server-load" "$@"
