#!/usr/bin/env bash
# Runs every check and test Hearth has, after installing whatever is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
source scripts/env.sh

started=$SECONDS
step_started=$SECONDS
# Each step says how long the one before it took, so a slow run shows where its time went.
step() {
  [ "$SECONDS" -gt "$step_started" ] && printf '    (%ss)\n' "$((SECONDS - step_started))"
  step_started=$SECONDS
  printf '\n\033[1m==> %s\033[0m\n' "$*"
}

step "No tracked file refers to a path outside the repository"
python3 scripts/check-paths.py

step "Rust formatting"
cargo fmt --all --check

step "UI: lint, typecheck, unit tests"
(cd ui && npm run --silent lint && npm run --silent typecheck && npm test --silent)

# The UI, the debug app with the UI embedded (the WebDriver suite drives it), hearth-server, the
# scripted model server and every test binary, in one cargo invocation; the steps below reuse them.
step "Building the app, the servers and the tests"
scripts/build.sh
export HEARTH_BUILT=1

step "Clippy"
cargo clippy "${HEARTH_CARGO[@]}" --all-targets -- -D warnings

step "Rust tests (the generated bindings are checked here too; the keychain tests use a test keyring)"
scripts/with-keyring.sh cargo nextest run "${HEARTH_CARGO[@]}" --no-fail-fast

step "WebDriver suite"
scripts/e2e.sh

step "Official openai SDK against hearth-server"
scripts/sdk-tests.sh

# The debug .deb (bundled from the build above, nothing compiles again), installed with apt-get,
# launched from /usr/bin through WebDriver, then purged.
step "Installing the package: build, install, launch, purge"
scripts/package-test.sh

printf '    (%ss)\n' "$((SECONDS - step_started))"
echo "all checks passed in $((SECONDS - started))s"
