#!/usr/bin/env bash
# Builds Hearth's installable packages with the Tauri bundler and prints their paths and sizes.
#   scripts/package.sh            release packages: .deb and .rpm on Linux, .dmg on macOS, NSIS and MSI on Windows
#   scripts/package.sh --debug    packages of the debug build (what the test command installs); reuses
#                                 the build scripts/build.sh made, so nothing compiles twice
# Both hearth and hearth-server are installed on the PATH (Linux: /usr/bin); the bundle settings
# (desktop entry, icons, dependencies, the systemd user unit) are in tauri.conf.json.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

profile=release
[ "${1:-}" = "--debug" ] && profile=debug

case "$(uname -s)" in
  Linux) bundles=deb,rpm ;;
  Darwin) bundles=app,dmg ;;
  MINGW*|MSYS*|CYGWIN*) bundles=nsis,msi ;;
  *) echo "scripts/package.sh: no packages for $(uname -s)" >&2; exit 1 ;;
esac

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if [ "$profile" = debug ]; then
  # The same cargo selection as the test suites, so the app and hearth-server are the ones the
  # test command has already built (and nothing is compiled again when it has).
  [ -n "${HEARTH_BUILT:-}" ] || scripts/build.sh
else
  say "building the UI and the release app and hearth-server"
  (cd ui && npm run --silent build)
  cargo build --release "${HEARTH_CARGO[@]}" --bin hearth --bin hearth-server
fi

# hearth-server goes into the packages as an external binary, which the bundler expects under a
# name ending in the target triple. It is staged in the target folder, never in the clone.
triple="$(rustc -vV | sed -n 's/^host: //p')"
exe=""
case "$triple" in *windows*) exe=".exe" ;; esac
built="$CARGO_TARGET_DIR/$profile"
staged="$built/bundle-bin"
mkdir -p "$staged"
cp -f "$built/hearth-server$exe" "$staged/hearth-server-$triple$exe"
server_bin="$staged/hearth-server"
case "$triple" in *windows*) server_bin="$(cygpath -m "$server_bin")" ;; esac

say "bundling $bundles ($profile)"
rm -rf "$built/bundle"
debug_flag=()
[ "$profile" = debug ] && debug_flag=(--debug)
# --no-binary-patching: the bundler would otherwise rewrite the built app in place, and the debug
# binary is the one the other suites run.
ui/node_modules/.bin/tauri bundle "${debug_flag[@]}" --bundles "$bundles" --no-binary-patching \
  --features tauri/custom-protocol \
  --config "{\"bundle\":{\"externalBin\":[\"$server_bin\"]}}"

# The bundler compresses a .deb's files with gzip, whose 32 KB window cannot see that hearth and
# hearth-server share most of their code; xz's window (64 MB at level 9) can, which halves the
# package. The debug package (what the test command installs) is repacked the same way at the
# fastest level, so the repacking is installed and tested too.
repack_deb() {
  local deb=$1 level=$2 unpacked
  unpacked="$(mktemp -d)"
  dpkg-deb --raw-extract "$deb" "$unpacked/root"
  dpkg-deb -Zxz -z"$level" --root-owner-group --build "$unpacked/root" "$deb.xz" >/dev/null
  mv -f "$deb.xz" "$deb"
  rm -rf "$unpacked"
}
if [ "$bundles" = deb,rpm ]; then
  level=9
  [ "$profile" = debug ] && level=0
  for deb in "$built"/bundle/deb/*.deb; do
    say "recompressing $(basename "$deb") with xz -$level"
    repack_deb "$deb" "$level"
  done
fi

say "packages"
find "$built/bundle" -maxdepth 2 -type f \( -name '*.deb' -o -name '*.rpm' -o -name '*.dmg' \
  -o -name '*.msi' -o -name '*-setup.exe' \) -print0 |
  while IFS= read -r -d '' package; do
    printf '%8s  %s\n' "$(du -h "$package" | cut -f1)" "$package"
  done
