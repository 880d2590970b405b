# Sourced by the scripts that put verified model files in place: what they share.

# The app's data folder, as Tauri names it on each system.
case "$(uname -s)" in
  Darwin) app_data="$HOME/Library/Application Support/app.hearth.desktop" ;;
  *) app_data="${XDG_DATA_HOME:-$HOME/.local/share}/app.hearth.desktop" ;;
esac

# The SHA-256 of a file, with whichever tool the system has.
digest() { if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1; }

# pypi_download PACKAGE DIR: the package's wheel (no dependencies) into DIR, using WORK_DIR for a
# throwaway virtualenv when the system Python has no pip (Debian ships it separately).
pypi_download() {
  local pip=(python3 -m pip)
  if ! python3 -m pip --version >/dev/null 2>&1; then
    python3 -m venv "$WORK_DIR/venv"
    pip=("$WORK_DIR/venv/bin/python" -m pip)
  fi
  "${pip[@]}" download --quiet --disable-pip-version-check --no-deps "$1" -d "$2"
}
