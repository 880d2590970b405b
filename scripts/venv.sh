# Sourced by the scripts: ensure_venv DIR REQUIREMENTS makes DIR a virtualenv with exactly the pinned
# REQUIREMENTS. It is rebuilt only when their hash changes (a fresh clone's new file times must not
# force a rebuild); the hash is written last, so an interrupted install is redone next time.
ensure_venv() {
  local venv=$1 requirements=$2 wanted
  wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
  if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" = "$wanted" ]; then
    return
  fi
  printf '\033[1m==> %s\033[0m\n' "creating the virtualenv $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$requirements"
  echo "$wanted" >"$venv/.requirements.sha256"
}
