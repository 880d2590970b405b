#!/usr/bin/env bash
# Installs Hearth's debug .deb on this machine for real, checks what it put in place, runs the
# window from /usr/bin/hearth through WebDriver (a fresh install answering with the local model, the
# About box's version), then purges it and checks that nothing of it is left.
# Needs root or sudo, and scripts/setup.sh --test to have run; builds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

started=$SECONDS
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
apt_get() { DEBIAN_FRONTEND=noninteractive $sudo apt-get "$@"; }
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf 'package test failed: %s\n' "$*" >&2; exit 1; }
work="$(mktemp -d)"
# A failed run still removes the package, so the machine is left as it was found.
installed=0
clean_up() {
  [ "$installed" = 1 ] && apt_get purge -y -qq hearth >/dev/null
  rm -rf "$work"
}
trap clean_up EXIT

scripts/package.sh --debug
deb="$(find "$CARGO_TARGET_DIR/debug/bundle/deb" -name '*.deb' | head -n1)"
[ -f "$deb" ] || fail "scripts/package.sh --debug made no .deb"

if dpkg-query -W -f='${Status}' hearth 2>/dev/null | grep -q "ok installed"; then
  say "removing the hearth package an earlier run left installed"
  apt_get purge -y -qq hearth
fi

say "installing $deb"
installed=1
apt_get install -y -qq --no-install-recommends "$deb"
dpkg -L hearth >"$work/installed-paths"

say "checking the installed files"
for bin in /usr/bin/hearth /usr/bin/hearth-server; do
  [ -x "$bin" ] || fail "$bin is not installed as an executable"
done
entry="$(grep '^/usr/share/applications/.*\.desktop$' "$work/installed-paths" || true)"
[ -n "$entry" ] || fail "the package installs no desktop entry"
# Hints count too: each one is something a menu shows wrong.
validation="$(desktop-file-validate "$entry" 2>&1)" && [ -z "$validation" ] ||
  fail "desktop-file-validate finds problems in $entry: $validation"
grep -qx 'Exec=hearth' "$entry" || fail "$entry does not start hearth: $(grep '^Exec=' "$entry")"
# The sizes the icon theme spec's hicolor theme expects an application to provide.
for size in 16 24 32 48 64 128 256 512; do
  icon="/usr/share/icons/hicolor/${size}x${size}/apps/hearth.png"
  [ -f "$icon" ] || fail "no ${size}x${size} icon at $icon"
  actual="$(identify -format '%wx%h' "$icon")"
  [ "$actual" = "${size}x${size}" ] || fail "$icon is $actual, not ${size}x${size}"
done
depends="$(dpkg-query -W -f='${Depends}' hearth)"
for needed in libwebkit2gtk-4.1-0 bubblewrap python3; do
  grep -qw -- "$needed" <<<"$depends" || fail "the package does not depend on $needed (it says: $depends)"
done
grep -q '^Maintainer: .\+' <(dpkg-query -s hearth) || fail "the package names no maintainer"

say "checking that the package, hearth and hearth-server agree on the version"
workspace_version="$(python3 -c 'import tomllib; print(tomllib.load(open("Cargo.toml", "rb"))["workspace"]["package"]["version"])')"
package_version="$(dpkg-query -W -f='${Version}' hearth)"
app_version="$(/usr/bin/hearth --version)"
server_version="$(/usr/bin/hearth-server --version)"
echo "Cargo.toml: $workspace_version; package: $package_version; $app_version; $server_version"
[ "$package_version" = "$workspace_version" ] || fail "the package's version $package_version is not Cargo.toml's $workspace_version"
[ "$app_version" = "hearth $workspace_version" ] || fail "hearth --version says '$app_version', not 'hearth $workspace_version'"
[ "$server_version" = "hearth-server $workspace_version" ] || fail "hearth-server --version says '$server_version', not 'hearth-server $workspace_version'"

say "checking the systemd user unit"
unit=/usr/lib/systemd/user/hearth-server.service
[ -f "$unit" ] || fail "no systemd user unit at $unit"
enabled="$(find /etc/systemd/user -name hearth-server.service 2>/dev/null || true)"
[ -z "$enabled" ] || fail "hearth-server.service should be disabled after installing, but is linked at $enabled"
if command -v systemd-analyze >/dev/null; then
  # The user manager wants a runtime folder even to verify a unit.
  mkdir -m 700 "$work/runtime"
  XDG_RUNTIME_DIR="$work/runtime" systemd-analyze verify --user "$unit" >"$work/verify.log" 2>&1 ||
    { cat "$work/verify.log"; fail "systemd-analyze verify rejects $unit"; }
  [ ! -s "$work/verify.log" ] || { cat "$work/verify.log"; fail "systemd-analyze verify warns about $unit"; }
else
  echo "systemd-analyze is not installed; the unit's syntax is not verified"
fi

say "the installed app in its window: the first run offers the model and the embedder; a fresh install answers with the local model; the About box"
export HEARTH_APP=/usr/bin/hearth
export HEARTH_SERVER_BIN=/usr/bin/hearth-server
export HEARTH_SCREENSHOTS="$PWD/e2e/screenshots/installed"
xvfb-run -a -s "-screen 0 1280x800x24" \
  scripts/with-keyring.sh "$HEARTH_VENV/bin/pytest" -p no:cacheprovider -v \
  "e2e/test_first_run.py::test_a_fresh_install_offers_the_model_and_the_embedder_and_downloads_them_on_a_click" \
  "e2e/test_local_models.py::test_a_fresh_install_answers_with_the_local_model" \
  "e2e/test_shell.py::test_settings_show_the_version_reported_by_rust"
ls "$HEARTH_SCREENSHOTS"/*.png

say "purging the package"
apt_get purge -y -qq hearth
installed=0
dpkg-query -W -f='${Status}' hearth 2>/dev/null | grep -q "ok installed" && fail "hearth is still installed after the purge"
left=()
while IFS= read -r path; do
  if [ -d "$path" ] && [ ! -L "$path" ]; then
    # A folder may stay when another package owns it or put files in it.
    if [ -z "$(ls -A "$path")" ] && ! dpkg -S "$path" >/dev/null 2>&1; then left+=("$path (empty folder)"); fi
  elif [ -e "$path" ] || [ -L "$path" ]; then
    left+=("$path")
  fi
done <"$work/installed-paths"
[ ${#left[@]} -eq 0 ] || fail "the purge left: ${left[*]}"
echo "nothing of the package is left ($(wc -l <"$work/installed-paths") paths checked)"
echo "package test passed in $((SECONDS - started))s"
